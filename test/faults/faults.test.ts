// The fault-injection suite (fault-run.ts), run on demand (minutes per seed): `npm run faults`
// (FAULT_SEEDS=first:count, default 1:50; FAULT_KINDS=kill,stop,isolate), and any failing seed
// replays alone with FAULT_SEEDS=<seed>:1 (and the same FAULT_KINDS). Each report is printed as one JSON line (and appended to
// FAULT_REPORT_FILE when set).
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { availableFaultKinds, runFaults, type FaultKind } from "./fault-run.js";

const [first, count] = (process.env.FAULT_SEEDS ?? "1:2").split(":").map(Number) as [number, number];
const durationMs = Number(process.env.FAULT_DURATION_MS ?? 20_000);
const seeds = Array.from({ length: count }, (_, i) => first + i);
/** FAULT_KINDS=kill,stop,isolate narrows the faults (default: every kind this machine can inject). */
const kinds = (process.env.FAULT_KINDS?.split(",") as FaultKind[] | undefined) ?? availableFaultKinds();
/** Where each report is appended as a JSON line (npm run faults: test/faults/results/latest.jsonl). */
const reportFile = process.env.FAULT_REPORT_FILE;

describe("faults: kill -9, SIGSTOP and network isolation under an idempotent acks=all producer", () => {
  beforeAll(() => {
    if (!reportFile) return;
    mkdirSync(dirname(reportFile), { recursive: true });
    writeFileSync(reportFile, "");
  });

  it.each(seeds)("seed %i: every acknowledged record once, in order; the cluster heals", async (seed) => {
    const report = await runFaults(seed, durationMs, kinds);
    console.log(`FAULT-REPORT ${JSON.stringify(report)}`);
    if (reportFile) appendFileSync(reportFile, `${JSON.stringify(report)}\n`);
    expect(report.problems).toEqual([]);
    expect(report.acknowledged).toBeGreaterThan(0);
  }, 240_000);
});
