// Parsing of Kafka 4.4.0's perf tool output (lines captured from real runs) and of /proc files.
// Run: npm exec -- vitest run --config test/bench/vitest.config.ts (the root config leaves test/bench out).
import { describe, expect, it } from "vitest";
import {
  parseConsumerPerformance, parseEndToEndLatency, parseLoadAvg, parseProcStatTicks, parseProcStatusKb, parseProducerPerformance,
} from "./parse.js";

describe("ProducerPerformance", () => {
  const progress = "534378 records sent, 106875.6 records/sec (104.37 MB/sec), 257.9 ms avg latency, 1055.0 ms max latency.";
  const total =
    "1000000 records sent, 143513.203215 records/sec (140.15 MB/sec), 201.44 ms avg latency, 1055.00 ms max latency, " +
    "162 ms 50th, 509 ms 95th, 808 ms 99th, 1024 ms 99.9th.";
  it("reads the final summary and ignores progress lines", () => {
    const r = parseProducerPerformance(`${progress}\n${total}\n`);
    expect(r.steady).toBeUndefined();
    expect(r.total).toEqual({
      records: 1000000, recordsPerSec: 143513.203215, mibPerSec: 140.15, avgMs: 201.44, maxMs: 1055,
      p50Ms: 162, p95Ms: 509, p99Ms: 808, p999Ms: 1024,
    });
  });
  it("reads the steady-state summary printed after a warmup", () => {
    const out = [
      "Warmup first 50000 records. Steady state results will print after the complete test summary.",
      "300000 records sent, 49734.748011 records/sec (48.57 MB/sec), 19.71 ms avg latency, 542.00 ms max latency, 8 ms 50th, 70 ms 95th, 92 ms 99th, 126 ms 99.9th.",
      "250000 steady state records sent, 51567.656766 records/sec (50.36 MB/sec), 12.47 ms avg latency, 101.00 ms max latency, 7 ms 50th, 50 ms 95th, 73 ms 99th, 100 ms 99.9th.",
    ].join("\n");
    const r = parseProducerPerformance(out);
    expect(r.total.records).toBe(300000);
    expect(r.steady).toMatchObject({ records: 250000, recordsPerSec: 51567.656766, mibPerSec: 50.36, p50Ms: 7, p99Ms: 73, p999Ms: 100 });
  });
  it("accepts exponent notation and fails loudly without a summary", () => {
    const r = parseProducerPerformance(
      "10 records sent, 1.5E2 records/sec (0.15 MB/sec), 1.0 ms avg latency, 2.0 ms max latency, 1 ms 50th, 2 ms 95th, 2 ms 99th, 2 ms 99.9th.",
    );
    expect(r.total.recordsPerSec).toBe(150);
    expect(() => parseProducerPerformance(progress)).toThrow(/no ProducerPerformance summary/);
  });
});

describe("ConsumerPerformance", () => {
  const out = [
    "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
    "2026-12-01 03:46:04:546, 2026-12-01 03:46:07:741, 976.5625, 305.6534, 1000000, 312989.0454, 826, 2369, 412.2256, 422119.0376",
  ].join("\n");
  it("reads the CSV line by column name", () => {
    expect(parseConsumerPerformance(out)).toEqual({
      mib: 976.5625, mibPerSec: 305.6534, records: 1000000, recordsPerSec: 312989.0454,
      rebalanceMs: 826, fetchMs: 2369, fetchMibPerSec: 412.2256, fetchRecordsPerSec: 422119.0376,
    });
  });
  it("fails without header or data", () => {
    expect(() => parseConsumerPerformance("WARN something")).toThrow(/no ConsumerPerformance header/);
    expect(() => parseConsumerPerformance(out.split("\n")[0]!)).toThrow(/no ConsumerPerformance data/);
  });
});

describe("EndToEndLatency", () => {
  it("reads the average and the whole-millisecond percentiles", () => {
    const out = 'Topic "e2e" does not exist. Will create topic with 1 partition(s) and replication factor = 1\n0\t62.05\n1000\t1.66\nAvg latency: 1.7899 ms\nPercentiles: 50th = 1, 99th = 8, 99.9th = 16\n';
    expect(parseEndToEndLatency(out)).toEqual({ avgMs: 1.7899, p50Ms: 1, p99Ms: 8, p999Ms: 16 });
    expect(() => parseEndToEndLatency("Avg latency: 1 ms")).toThrow();
  });
});

describe("/proc", () => {
  it("reads utime + stime after a command name with spaces and parentheses", () => {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = "1234 (java (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 40 0 12345 0 0";
    expect(parseProcStatTicks(stat)).toBe(325);
  });
  it("reads kB fields of status in bytes", () => {
    const status = "Name:\tnode\nVmHWM:\t  250444 kB\nVmRSS:\t  248932 kB\n";
    expect(parseProcStatusKb(status, "VmRSS")).toBe(248932 * 1024);
    expect(parseProcStatusKb(status, "VmHWM")).toBe(250444 * 1024);
    expect(parseProcStatusKb(status, "VmSwap")).toBeNaN();
  });
  it("reads the load averages", () => {
    expect(parseLoadAvg("0.05 0.19 0.35 1/234 5678\n")).toEqual([0.05, 0.19, 0.35]);
  });
});
