// The fault-injection suite (fault-run.ts). CI runs two seeded schedules; the full run is
// `npm run faults` (FAULT_SEEDS=first:count, default 1:50), and any failing seed replays alone
// with FAULT_SEEDS=<seed>:1. Each report is printed as one JSON line.
import { describe, expect, it } from "vitest";
import { runFaults } from "./fault-run.js";

const [first, count] = (process.env.FAULT_SEEDS ?? "1:2").split(":").map(Number) as [number, number];
const durationMs = Number(process.env.FAULT_DURATION_MS ?? 20_000);
const seeds = Array.from({ length: count }, (_, i) => first + i);

describe("faults: kill -9 and SIGSTOP under an idempotent acks=all producer", () => {
  it.each(seeds)("seed %i: every acknowledged record once, in order; the cluster heals", async (seed) => {
    const report = await runFaults(seed, durationMs);
    console.log(`FAULT-REPORT ${JSON.stringify(report)}`);
    expect(report.problems).toEqual([]);
    expect(report.acknowledged).toBeGreaterThan(0);
  }, 240_000);
});
