import { describe, expect, it } from "vitest";
import { RateWindow } from "./rate-window.js";
import { rateThrottleMs, tokenBucketThrottleMs } from "./throttle-time.js";
import { TokenBucket } from "./token-bucket.js";

describe("RateWindow (Kafka's sampled Rate)", () => {
  it("spreads a first burst over (samples − 1) windows", () => {
    const w = new RateWindow(11, 1000);
    w.record(10_000, 0);
    expect(w.windowSizeMs(0)).toBe(10_000);
    expect(w.rate(0)).toBe(1000);
  });

  it("divides by the real span once it exceeds (samples − 1) windows", () => {
    const w = new RateWindow(11, 1000);
    for (let t = 0; t <= 10_500; t += 500) w.record(500, t);
    // Windows start at 0, 1000, …, 10000 (11 of them); the span is 10.5 s of 11 kB.
    expect(w.windowSizeMs(10_500)).toBe(10_500);
    expect(w.rate(10_500)).toBeCloseTo(11_000 / 10.5, 6);
  });

  it("forgets windows older than samples × window", () => {
    const w = new RateWindow(3, 1000);
    w.record(3000, 0);
    expect(w.rate(0)).toBe(1500); // 3000 over the 2-window minimum
    expect(w.rate(3000)).toBe(0);
    w.record(200, 3000);
    expect(w.rate(3000)).toBe(100);
  });

  it("reuses its samples in a ring", () => {
    const w = new RateWindow(2, 100);
    w.record(1, 0);
    w.record(2, 100);
    w.record(4, 200); // replaces the first sample
    expect(w.rate(200)).toBe(60); // (2 + 4) over 100 ms, at least one window
  });

  it("takes back an unrecorded value", () => {
    const w = new RateWindow(11, 1000);
    w.record(5000, 0);
    w.record(-5000, 0);
    expect(w.rate(0)).toBe(0);
  });
});

describe("throttle time", () => {
  it("is the delay that brings the observed rate back to the quota: (O − T) / T × W", () => {
    expect(rateThrottleMs(1500, 1000, 10_000)).toBe(5000);
    expect(rateThrottleMs(1000, 1000, 10_000)).toBe(0);
    expect(rateThrottleMs(900, 1000, 10_000)).toBe(0);
  });

  it("rounds as Kafka does and honours a bound", () => {
    expect(rateThrottleMs(1000.06, 1000, 10_000)).toBe(1); // 0.6 ms rounds up
    expect(rateThrottleMs(1000.04, 1000, 10_000)).toBe(0); // 0.4 ms rounds down
    expect(rateThrottleMs(300, 100, 10_000, 1000)).toBe(1000);
  });

  it("holds a client with a quota of 0 for the given time", () => {
    expect(rateThrottleMs(1, 0, 10_000, Infinity, 11_000)).toBe(11_000);
  });

  it("a throttled producer sending at twice its quota waits as long as it sent", () => {
    const w = new RateWindow(11, 1000);
    // 2 MB/s for 11 s against a 1 MB/s quota.
    let t = 0;
    for (; t < 11_000; t += 100) w.record(200_000, t);
    const ms = rateThrottleMs(w.rate(t), 1_000_000, w.windowSizeMs(t));
    expect(ms).toBeGreaterThan(9000);
    expect(ms).toBeLessThan(12_000);
  });
});

describe("TokenBucket (controller mutations)", () => {
  it("starts full at rate × samples × window and refills at the rate", () => {
    const b = new TokenBucket(10, 1000);
    expect(b.tokensAt(2, 0)).toBe(20);
    b.take(25, 2, 0);
    expect(b.tokensAt(2, 0)).toBe(-5);
    expect(tokenBucketThrottleMs(-5, 2, 0)).toBe(2500);
    expect(b.tokensAt(2, 2500)).toBe(0);
    expect(b.tokensAt(2, 100_000)).toBe(20); // never above the burst
  });

  it("owes nothing while tokens are left", () => {
    expect(tokenBucketThrottleMs(0, 2, 0)).toBe(0);
    expect(tokenBucketThrottleMs(3, 2, 0)).toBe(0);
  });
});
