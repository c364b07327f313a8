import { describe, expect, it } from "vitest";
import { KeyBackoff } from "./backoff.js";
import { ManualClock } from "./clock.js";
import { WorkQueue } from "./work-queue.js";

describe("KeyBackoff", () => {
  it("doubles from 5 ms per failure of a key up to the 1000 s cap, and forget resets it", () => {
    const b = new KeyBackoff();
    const seq = Array.from({ length: 20 }, () => b.next("K/ns/a"));
    expect(seq.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(seq[17]).toBe(5 * 2 ** 17); // 655 s
    expect(seq[18]).toBe(1_000_000); // capped
    expect(seq[19]).toBe(1_000_000);
    expect(b.next("K/ns/other")).toBe(5); // per key
    b.forget("K/ns/a");
    expect(b.next("K/ns/a")).toBe(5);
  });

  it("is configurable and refuses nonsense", () => {
    const b = new KeyBackoff({ baseDelayMs: 100, maxDelayMs: 300 });
    expect([b.next("k"), b.next("k"), b.next("k"), b.next("k")]).toEqual([100, 200, 300, 300]);
    expect(() => new KeyBackoff({ baseDelayMs: 0 })).toThrow(/bad backoff/);
    expect(() => new KeyBackoff({ baseDelayMs: 10, maxDelayMs: 5 })).toThrow(/bad backoff/);
  });
});

describe("WorkQueue", () => {
  it("deduplicates a key queued several times", async () => {
    const q = new WorkQueue();
    q.add("K/ns/a");
    q.add("K/ns/b");
    q.add("K/ns/a");
    expect(q.length).toBe(2);
    expect(await q.get()).toBe("K/ns/a");
    expect(await q.get()).toBe("K/ns/b");
  });

  it("queues a key added while processing once more, after done(), never to a second getter meanwhile", async () => {
    const q = new WorkQueue();
    q.add("K/ns/a");
    const key = await q.get();
    q.add("K/ns/a");
    q.add("K/ns/a");
    expect(q.length).toBe(0); // held back: a second worker must not get it
    let second: string | undefined;
    const pending = q.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(key!);
    await pending;
    expect(second).toBe("K/ns/a");
    q.done("K/ns/a");
    expect(q.length).toBe(0); // once, not twice
  });

  it("addAfter delays a key by the clock, the earliest delay winning", async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ clock });
    q.addAfter("K/ns/a", 1000);
    q.addAfter("K/ns/a", 300);
    q.addAfter("K/ns/a", 5000);
    expect(q.length).toBe(0);
    clock.advance(299);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
    clock.advance(10_000);
    expect(q.length).toBe(1); // the later timers were replaced, not added
  });

  it("addRateLimited follows the backoff sequence, forget resets it", () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ clock, baseDelayMs: 5, maxDelayMs: 40 });
    const delays = [1, 2, 3, 4, 5].map(() => q.addRateLimited("K/ns/a"));
    expect(delays).toEqual([5, 10, 20, 40, 40]);
    q.forget("K/ns/a");
    expect(q.addRateLimited("K/ns/a")).toBe(5);
  });

  it("shutDown wakes waiting getters with undefined and drops delayed keys", async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ clock });
    q.addAfter("K/ns/a", 100);
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    expect(clock.pendingTimers()).toBe(0);
    q.add("K/ns/b");
    expect(q.length).toBe(0);
  });

  it("reports depth, adds, retries and durations to its observer", async () => {
    const seen = { adds: 0, retries: 0, depths: [] as number[], waited: 0, worked: 0 };
    const clock = new ManualClock();
    const q = new WorkQueue({
      clock,
      observer: {
        added: () => seen.adds++,
        retried: () => seen.retries++,
        depth: (d) => seen.depths.push(d),
        waited: () => seen.waited++,
        worked: () => seen.worked++,
      },
    });
    q.add("K/ns/a");
    q.add("K/ns/b");
    q.add("K/ns/a");
    const k = await q.get();
    q.done(k!);
    q.addRateLimited("K/ns/a");
    expect(seen).toMatchObject({ adds: 2, retries: 1, waited: 1, worked: 1 });
    expect(seen.depths).toEqual([1, 2, 1]);
  });
});
