import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BATCH, Compression, RecordBatchView, buildRecordBatch } from "../protocol/records.js";
import { ManualClock } from "./clock.js";
import type { PartitionLog } from "./partition-log.js";
import { batch, batchesOf, clientAppend, openLog, readAll, removeDir, segmentFiles, tempDir } from "./test-support.js";

const compactCfg = { cleanupPolicy: "compact" as const, segmentBytes: 250, indexIntervalBytes: 1 };

async function put(log: PartitionLog, ...records: string[]): Promise<void> {
  for (const r of records) {
    const res = await log.append(batch([r]), clientAppend);
    if ("error" in res) throw new Error(res.message);
  }
}

async function rawRead(log: PartitionLog): Promise<Buffer> {
  const r = await log.read(log.logStartOffset, 1 << 20, { minOneMessage: true, upperBound: "logEnd" });
  if ("error" in r) throw new Error(r.error);
  const parts = [r.records];
  let next = batchesOf(r.records).at(-1)!.lastOffset + 1n;
  while (next < log.logEndOffset) {
    const more = await log.read(next, 1 << 20, { minOneMessage: true, upperBound: "logEnd" });
    if ("error" in more) throw new Error(more.error);
    if (more.records.length === 0) break;
    parts.push(more.records);
    next = batchesOf(more.records).at(-1)!.lastOffset + 1n;
  }
  return Buffer.concat(parts);
}

describe("compaction", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  it("keeps the last record per key at its original offset", async () => {
    const log = await openLog(dir, compactCfg);
    await put(log, "a:1", "b:1", "a:2", "c:1", "b:2", "a:3", "d:1", "c:2", "e:1");
    await log.roll();
    await put(log, "a:4");
    const before = log.numberOfSegments;
    // Larger segments now (AlterConfigs): the cleaner merges small segments into groups.
    log.updateConfig({ ...log.config, segmentBytes: 10_000 });
    const stats = await log.compact({ force: true });
    expect(stats).not.toBeNull();
    expect(stats!.recordsRead).toBe(9);
    expect(stats!.recordsRetained).toBe(5);
    expect(log.numberOfSegments).toBeLessThan(before);
    const all = await readAll(log);
    expect(all.map((e) => `${e.offset}:${e.key}:${e.value}`)).toEqual(["4:b:2", "5:a:3", "6:d:1", "7:c:2", "8:e:1", "9:a:4"]);
    // Replaced segments are deleted by a file.delete.delay.ms timer (0 here), not inline.
    await expect.poll(() => segmentFiles(log, ".deleted")).toEqual([]);
    await log.close();
    // The compacted files survive a restart, clean or not.
    const again = await openLog(dir, compactCfg, { cleanShutdown: false });
    expect((await readAll(again)).map((e) => e.offset)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(await again.offsetForTimestamp(-2n)).toMatchObject({ offset: 0n });
    const read = await again.read(2n, 1, { minOneMessage: true, upperBound: "highWatermark" });
    if ("error" in read) throw new Error(read.error);
    expect(batchesOf(read.records)[0]!.baseOffset).toBe(4n);
    await again.close();
  });

  it("keeps tombstones until delete.retention.ms after their first cleaning", async () => {
    const clock = new ManualClock(10_000_000);
    const log = await openLog(dir, { ...compactCfg, deleteRetentionMs: 1000 }, { clock });
    await put(log, "a:1", "b:1", "a:~", "c:1");
    await log.roll();
    await put(log, "z:1");
    await log.compact({ force: true });
    let all = await readAll(log);
    expect(all.map((e) => `${e.key}:${e.value}`)).toEqual(["b:1", "a:null", "c:1", "z:1"]);
    const raw = await rawRead(log);
    const withTombstone = batchesOf(raw).find((b) => b.baseOffset === 2n)!;
    expect(withTombstone.hasDeleteHorizon).toBe(true);
    expect(withTombstone.deleteHorizonMs).toBe(10_001_000n);
    clock.advance(500);
    await log.compact({ force: true });
    expect((await readAll(log)).some((e) => e.key === "a")).toBe(true);
    clock.advance(600);
    await log.compact({ force: true });
    all = await readAll(log);
    expect(all.map((e) => `${e.key}:${e.value}`)).toEqual(["b:1", "c:1", "z:1"]);
    await log.close();
  });

  it("keeps an emptied last batch of a producer as a header, so its sequence survives", async () => {
    const log = await openLog(dir, compactCfg);
    const idem = (r: string, seq: number) => batch([r], { producerId: 4n, producerEpoch: 0, baseSequence: seq });
    await log.append(idem("x:1", 0), clientAppend);
    await log.append(idem("y:1", 1), clientAppend);
    await put(log, "x:2", "y:2");
    await log.roll();
    await put(log, "q:1");
    await log.compact({ force: true });
    const raw = await rawRead(log);
    const views = batchesOf(raw);
    expect(views[0]!.baseOffset).toBe(1n);
    expect(views[0]!.recordCount).toBe(0);
    expect(views[0]!.producerId).toBe(4n);
    expect(views[0]!.lastSequence).toBe(1);
    expect((await readAll(log)).map((e) => e.offset)).toEqual([2, 3, 4]);
    log.closeAbruptly();
    for (const f of fs.readdirSync(log.dir)) if (f.endsWith(".snapshot")) fs.rmSync(path.join(log.dir, f));
    const again = await openLog(dir, compactCfg);
    expect(await again.append(idem("y:1", 1), clientAppend)).toMatchObject({ baseOffset: 1n, duplicate: true });
    expect(await again.append(idem("w:1", 2), clientAppend)).toMatchObject({ baseOffset: 5n });
    await again.close();
  });

  it("keeps batches it cannot decode, byte for byte", async () => {
    const log = await openLog(dir, compactCfg);
    await put(log, "a:1");
    const bad = buildRecordBatch([{ key: Buffer.from("a"), value: Buffer.from("2") }]);
    bad.writeInt16BE(Compression.gzip, BATCH.attributes);
    new RecordBatchView(bad, 0).updateCrc();
    const res = await log.append(Buffer.from(bad), { ...clientAppend, origin: "coordinator" });
    expect(res).toMatchObject({ baseOffset: 1n });
    await put(log, "a:3", "b:1");
    await log.roll();
    await put(log, "z:1");
    const stats = await log.compact({ force: true });
    expect(stats!.undecodableBatches).toBe(1);
    const views = batchesOf(await rawRead(log));
    const kept = views.find((v) => v.baseOffset === 1n)!;
    expect(kept).toBeDefined();
    expect(kept.compression).toBe(Compression.gzip);
    expect(views.map((v) => v.baseOffset)).toEqual([1n, 2n, 3n, 4n]);
    await log.close();
  });

  it("keeps the codec of compressed batches it rewrites", async () => {
    const log = await openLog(dir, compactCfg);
    const mk = (pairs: [string, string][]) =>
      buildRecordBatch(
        pairs.map(([k, v]) => ({ key: Buffer.from(k), value: Buffer.from(v), timestamp: 1000n })),
        { compression: Compression.zstd },
      );
    await log.append(mk([["a", "1"], ["b", "1"], ["c", "1"]]), clientAppend);
    await log.append(mk([["a", "2"]]), clientAppend);
    await log.roll();
    await put(log, "z:1");
    await log.compact({ force: true });
    const views = batchesOf(await rawRead(log));
    expect(views[0]!.compression).toBe(Compression.zstd);
    expect(views[0]!.recordCount).toBe(2);
    expect(views[0]!.lastOffset).toBe(2n);
    expect((await readAll(log)).map((e) => `${e.offset}:${e.key}:${e.value}`)).toEqual(["1:b:1", "2:c:1", "3:a:2", "4:z:1"]);
    await log.close();
  });

  it("compacts segments written before a restart", async () => {
    const log = await openLog(dir, compactCfg);
    await put(log, "a:1", "a:2", "b:1", "a:3", "b:2", "c:1");
    await log.close();
    const again = await openLog(dir, compactCfg, { cleanShutdown: true });
    await again.roll();
    expect(await again.compact({ force: true })).not.toBeNull();
    expect((await readAll(again)).map((e) => `${e.offset}:${e.key}:${e.value}`)).toEqual(["3:a:3", "4:b:2", "5:c:1"]);
    expect(again.releaseIdleIndexes(0)).toBeGreaterThan(0);
    expect((await readAll(again)).length).toBe(3);
    expect(await again.offsetForTimestamp(1000n)).toMatchObject({ offset: 3n });
    await again.close();
  });

  it("waits for min.cleanable.dirty.ratio unless forced, and never touches the active segment", async () => {
    const log = await openLog(dir, { ...compactCfg, minCleanableDirtyRatio: 0.6 });
    await put(log, "a:1", "a:2");
    expect(await log.compact()).toBeNull(); // only the active segment
    await put(log, "a:3", "a:4", "a:5");
    await log.roll();
    expect(await log.compact()).not.toBeNull();
    await put(log, "b:1");
    await log.roll();
    expect(await log.compact()).toBeNull(); // dirty: one small segment against a clean one
    expect(await log.compact({ force: true })).not.toBeNull();
    expect((await readAll(log)).map((e) => `${e.key}:${e.value}`)).toEqual(["a:5", "b:1"]);
    await log.close();
  });

  it("completes a swap interrupted after its commit point, and discards uncommitted output", async () => {
    const a = path.join(dir, "a");
    const b = path.join(dir, "b");
    const write = async (d: string) => {
      const log = await openLog(d, compactCfg);
      await put(log, "a:1", "b:1", "a:2", "c:1", "b:2", "a:3", "d:1");
      await log.roll();
      await put(log, "z:1");
      return log;
    };
    const logA = await write(a);
    await logA.close();
    const logB = await write(b);
    await logB.compact({ force: true });
    await logB.close();
    const expected = (await readAll(await openLog(b, compactCfg, { cleanShutdown: true }))).map((e) => e.offset);
    // Put B's compacted first segment into A as a committed swap (crash before the renames).
    const dirA = path.join(a, "topic-0");
    const dirB = path.join(b, "topic-0");
    for (const s of [".log", ".index", ".timeindex"]) {
      fs.copyFileSync(path.join(dirB, `00000000000000000000${s}`), path.join(dirA, `00000000000000000000${s}.swap`));
    }
    fs.writeFileSync(path.join(dirA, "00000000000000000000.log.cleaned"), "partial");
    const recovered = await openLog(a, compactCfg, { cleanShutdown: false });
    expect((await readAll(recovered)).map((e) => e.offset)).toEqual(expected);
    expect(fs.readdirSync(dirA).filter((n) => /swap|cleaned/.test(n))).toEqual([]);
    await recovered.close();
  });
});
