import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "./clock.js";
import { logConfig } from "./log-config.js";
import { segmentsToDelete } from "./retention.js";
import { batch, clientAppend, openLog, readAll, removeDir, segmentFiles, tempDir } from "./test-support.js";

describe("segmentsToDelete", () => {
  const seg = (size: number, ts: number, upper: number, isActive = false) => ({ size, largestTimestamp: ts, upperBoundOffset: upper, isActive });
  const base = { nowMs: 10_000, logStartOffset: 0, highWatermark: 100 };

  it("deletes by age, stopping at the first young segment", () => {
    const segments = [seg(10, 1000, 10), seg(10, 9000, 20), seg(10, 1000, 30), seg(10, 9500, 40, true)];
    expect(segmentsToDelete({ ...base, segments, config: logConfig({ retentionMs: 5000 }) }).count).toBe(1);
  });

  it("deletes by size, never below retention.bytes", () => {
    const segments = [seg(100, 9999, 10), seg(100, 9999, 20), seg(100, 9999, 30), seg(50, 9999, 40, true)];
    expect(segmentsToDelete({ ...base, segments, config: logConfig({ retentionBytes: 200 }) }).count).toBe(1);
    expect(segmentsToDelete({ ...base, segments, config: logConfig({ retentionBytes: 149 }) }).count).toBe(2);
  });

  it("keeps data above the high watermark and empty active segments", () => {
    const segments = [seg(10, 0, 10), seg(10, 0, 20), seg(0, 0, 20, true)];
    expect(segmentsToDelete({ ...base, highWatermark: 15, segments, config: logConfig({ retentionMs: 1 }) }).count).toBe(1);
    expect(segmentsToDelete({ ...base, segments, config: logConfig({ retentionMs: 1 }) }).count).toBe(2);
  });

  it("deletes segments below the log start offset even on compacted topics", () => {
    const segments = [seg(10, 9999, 10), seg(10, 9999, 20), seg(10, 9999, 30, true)];
    const r = segmentsToDelete({ ...base, logStartOffset: 25, segments, config: logConfig({ cleanupPolicy: "compact", retentionMs: 1 }) });
    expect(r).toEqual({ count: 2, reasons: ["log-start-offset", "log-start-offset"] });
  });
});

describe("retention on a log", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  it("deletes old segments by retention.ms on the injected clock", async () => {
    const clock = new ManualClock(1_000_000);
    const log = await openLog(dir, { segmentBytes: 150, retentionMs: 10_000 }, { clock });
    for (let i = 0; i < 6; i++) {
      await log.append(batch([`k${i}:v${i}`], { timestamp: BigInt(clock.nowMs()) }), clientAppend);
      clock.advance(3_000);
    }
    const before = log.numberOfSegments;
    expect(before).toBeGreaterThan(2);
    clock.set(1_000_000 + 14_000);
    expect(await log.deleteOldSegments()).toBeGreaterThan(0);
    expect(log.logStartOffset).toBeGreaterThan(0n);
    expect(Number(log.logStartOffset)).toBe(log.segmentList[0]!.baseOffset);
    const left = await readAll(log);
    expect(left[0]!.offset).toBe(Number(log.logStartOffset));
    expect(fs.readdirSync(log.dir).some((f) => f.endsWith(".deleted"))).toBe(true);
    await log.close();
  });

  it("rolls and deletes everything when even the active segment expired", async () => {
    const clock = new ManualClock(1_000_000);
    const log = await openLog(dir, { retentionMs: 1000 }, { clock });
    await log.append(batch(["a:1", "b:2"], { timestamp: 1_000_000n }), clientAppend);
    clock.advance(5000);
    expect(await log.deleteOldSegments()).toBe(1);
    expect(log.logStartOffset).toBe(2n);
    expect(log.logEndOffset).toBe(2n);
    expect(segmentFiles(log)).toEqual(["00000000000000000002.log"]);
    expect(await log.append(batch(["c:3"]), clientAppend)).toMatchObject({ baseOffset: 2n, logStartOffset: 2n });
    await log.close();
  });

  it("deletes by retention.bytes", async () => {
    const log = await openLog(dir, { segmentBytes: 300, retentionBytes: 600 });
    for (let i = 0; i < 12; i++) await log.append(batch([`k${i}:v${i}`]), clientAppend);
    await log.deleteOldSegments();
    expect(log.sizeInBytes).toBeLessThanOrEqual(600 + 300);
    expect(log.sizeInBytes).toBeGreaterThan(300);
    await log.close();
  });

  it("DeleteRecords advances the log start and drops whole segments below it", async () => {
    const log = await openLog(dir, { segmentBytes: 300 });
    for (let i = 0; i < 12; i++) await log.append(batch([`k${i}:v${i}`]), clientAppend);
    const segsBefore = log.numberOfSegments;
    expect(await log.deleteRecordsBefore(7n)).toEqual({ lowWatermark: 7n });
    expect(log.logStartOffset).toBe(7n);
    expect(log.numberOfSegments).toBeLessThan(segsBefore);
    expect(await log.read(6n, 100, { minOneMessage: true, upperBound: "highWatermark" })).toMatchObject({ error: "OFFSET_OUT_OF_RANGE" });
    expect((await readAll(log)).map((e) => e.offset)).toEqual([7, 8, 9, 10, 11]);
    expect(await log.deleteRecordsBefore(50n)).toMatchObject({ error: "OFFSET_OUT_OF_RANGE" });
    expect(await log.deleteRecordsBefore(3n)).toEqual({ lowWatermark: 7n });
    expect(await log.deleteRecordsBefore(-1n)).toEqual({ lowWatermark: 12n });
    expect(await log.offsetForTimestamp(-2n)).toMatchObject({ offset: 12n });
    await log.close();
    const again = await openLog(dir, { segmentBytes: 300 }, { logStartOffset: 12n });
    expect(again.logStartOffset).toBe(12n);
    await again.close();
  });

  it("removes deleted files after file.delete.delay.ms", async () => {
    const log = await openLog(dir, { segmentBytes: 300, fileDeleteDelayMs: 0 });
    for (let i = 0; i < 8; i++) await log.append(batch([`k${i}:v${i}`]), clientAppend);
    await log.deleteRecordsBefore(6n);
    await vi.waitFor(() => expect(fs.readdirSync(log.dir).filter((f) => f.endsWith(".deleted"))).toEqual([]));
    expect(fs.existsSync(path.join(log.dir, "00000000000000000000.log"))).toBe(false);
    await log.close();
  });
});
