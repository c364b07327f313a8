import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BATCH, RecordBatchView } from "../protocol/records.js";
import { ManualClock } from "./clock.js";
import { InlineWrites } from "./inline-writes.js";
import type { AppendResult, AppendSuccess, PartitionLog } from "./partition-log.js";
import {
  SpyIo,
  batch,
  batchesOf,
  bulkBatch,
  clientAppend,
  decodeAll,
  openLog,
  readAll,
  removeDir,
  segmentFiles,
  tempDir,
} from "./test-support.js";

function ok(r: AppendResult): AppendSuccess {
  if ("error" in r) throw new Error(`${r.error}: ${r.message}`);
  return r;
}

describe("PartitionLog append and read", () => {
  let dir: string;
  let log: PartitionLog;
  beforeEach(async () => {
    dir = await tempDir();
    log = await openLog(dir);
  });
  afterEach(async () => {
    await log.close();
    removeDir(dir);
  });

  it("assigns offsets and reads back whole batches", async () => {
    const r1 = ok(await log.append(batch(["a:1", "b:2"]), clientAppend));
    const r2 = ok(await log.append(batch(["c:3"]), clientAppend));
    expect([r1.baseOffset, r1.lastOffset, r2.baseOffset, r2.lastOffset]).toEqual([0n, 1n, 2n, 2n]);
    expect(r1.logAppendTimeMs).toBe(-1n);
    expect(log.logEndOffset).toBe(3n);
    expect(log.highWatermark).toBe(3n);
    const all = await readAll(log);
    expect(all.map((e) => `${e.offset}:${e.key}:${e.value}`)).toEqual(["0:a:1", "1:b:2", "2:c:3"]);
    // A fetch from the middle of a batch returns that whole batch.
    const mid = await log.read(1n, 1000, { minOneMessage: true, upperBound: "highWatermark" });
    if ("error" in mid) throw new Error(mid.error);
    expect(batchesOf(mid.records).map((b) => b.baseOffset)).toEqual([0n, 2n]);
  });

  it("writes the batches to the .log file exactly as returned", async () => {
    await log.append(batch(["a:1"]), { ...clientAppend, leaderEpoch: 4 });
    await log.flush();
    const file = fs.readFileSync(path.join(log.dir, "00000000000000000000.log"));
    const r = await log.read(0n, 1000, { minOneMessage: true, upperBound: "logEnd" });
    if ("error" in r) throw new Error(r.error);
    expect(file.equals(r.records)).toBe(true);
    const v = new RecordBatchView(file, 0);
    expect(v.partitionLeaderEpoch).toBe(4);
    expect(v.isCrcValid()).toBe(true);
  });

  it("serves the tail from memory and older data from disk", async () => {
    for (let i = 0; i < 5; i++) ok(await log.append(batch([`k${i}:v${i}`]), clientAppend));
    const before = log.stats.diskReads;
    await readAll(log);
    expect(log.stats.diskReads).toBe(before);
    await log.close();
    log = await openLog(dir);
    const all = await readAll(log);
    expect(all.map((e) => e.value)).toEqual(["v0", "v1", "v2", "v3", "v4"]);
    expect(log.stats.diskReads).toBeGreaterThan(0);
  });

  it("reads a fetch of older data from disk with one file read, and as many batches as fit", async () => {
    const batches = Array.from({ length: 40 }, () => bulkBatch(20, 1000));
    for (const b of batches) ok(await log.append(b, clientAppend));
    await log.close();
    const io = new SpyIo();
    log = await openLog(dir, {}, { io });
    const size = batches[0]!.length;
    for (const [offset, maxBytes, expected] of [
      [0n, 3 * size, [0n, 20n, 40n]],
      [205n, 2 * size + 10, [200n, 220n]], // from the middle of a batch
      [780n, 64 * 1024, [780n]], // the last batch
    ] as const) {
      const before = io.reads;
      const r = await log.read(offset, maxBytes, { minOneMessage: true, upperBound: "logEnd" });
      if ("error" in r) throw new Error(r.error);
      expect(batchesOf(r.records).map((b) => b.baseOffset)).toEqual(expected);
      expect([offset, io.reads - before]).toEqual([offset, 1]);
    }
  });

  it("reads a fetch at a batch's first offset from that batch, not from the batch before it", async () => {
    // Index entries are keyed by last offsets: the entry at or below a batch's first offset is the
    // batch before. These batches (~20 KiB, over index.interval.bytes) each have an entry.
    const batches = Array.from({ length: 10 }, () => bulkBatch(20, 1000));
    for (const b of batches) ok(await log.append(b, clientAppend));
    await log.close();
    const io = new SpyIo();
    log = await openLog(dir, {}, { io });
    const size = batches[0]!.length;
    for (const [offset, expected] of [
      [40n, [40n, 60n]],
      [100n, [100n, 120n]],
      [105n, [100n, 120n]], // from the middle of a batch
      [180n, [180n]], // the last batch
    ] as const) {
      const before = { reads: io.reads, bytes: io.bytesRead };
      const r = await log.read(offset, 2 * size, { minOneMessage: true, upperBound: "logEnd" });
      if ("error" in r) throw new Error(r.error);
      expect(batchesOf(r.records).map((b) => b.baseOffset)).toEqual(expected);
      expect([offset, io.reads - before.reads]).toEqual([offset, 1]);
      expect(io.bytesRead - before.bytes).toBeLessThanOrEqual(2 * size);
    }
  });

  it("finds a batch that has no index entry of its own behind the entry above it", async () => {
    // index.interval.bytes 4096: an entry goes to the first batch after more than 4096 bytes
    // without one, so of these only 30 and 63 have entries; 31–32 and 33–62 lie between them.
    const batches = [bulkBatch(30, 1000), bulkBatch(1, 1000), bulkBatch(2, 1000), bulkBatch(30, 1000), bulkBatch(1, 100)];
    for (const b of batches) ok(await log.append(b, clientAppend));
    await log.close();
    log = await openLog(dir);
    for (const [offset, expected] of [
      [31n, [31n, 33n, 63n]],
      [33n, [33n, 63n]],
      [40n, [33n, 63n]],
      [63n, [63n]],
    ] as const) {
      const r = await log.read(offset, 1 << 20, { minOneMessage: true, upperBound: "logEnd" });
      if ("error" in r) throw new Error(r.error);
      expect([offset, batchesOf(r.records).map((b) => b.baseOffset)]).toEqual([offset, expected]);
    }
  });

  it("respects maxBytes, but returns one oversized batch when minOneMessage", async () => {
    const big = bulkBatch(3, 500);
    ok(await log.append(big, clientAppend));
    ok(await log.append(batch(["x:y"]), clientAppend));
    for (const reopen of [false, true]) {
      if (reopen) {
        await log.close();
        log = await openLog(dir);
      }
      const none = await log.read(0n, 100, { minOneMessage: false, upperBound: "highWatermark" });
      if ("error" in none) throw new Error(none.error);
      expect(none.records.length).toBe(0);
      const one = await log.read(0n, 100, { minOneMessage: true, upperBound: "highWatermark" });
      if ("error" in one) throw new Error(one.error);
      expect(one.records.length).toBe(big.length);
      const both = await log.read(0n, 100_000, { minOneMessage: true, upperBound: "highWatermark" });
      if ("error" in both) throw new Error(both.error);
      expect(batchesOf(both.records)).toHaveLength(2);
    }
  });

  it("answers OFFSET_OUT_OF_RANGE outside [logStart, logEnd] and nothing at the end", async () => {
    ok(await log.append(batch(["a:1"]), clientAppend));
    expect(await log.read(5n, 100, { minOneMessage: true, upperBound: "highWatermark" })).toMatchObject({ error: "OFFSET_OUT_OF_RANGE" });
    const atEnd = await log.read(1n, 100, { minOneMessage: true, upperBound: "highWatermark" });
    expect("error" in atEnd ? atEnd.error : atEnd.records.length).toBe(0);
  });

  it("stamps LogAppendTime from the clock", async () => {
    const clock = new ManualClock(5_000_000);
    await log.close();
    log = await openLog(dir, { messageTimestampType: "LogAppendTime" }, { clock });
    const r = ok(await log.append(batch(["a:1"], { timestamp: 7n }), clientAppend));
    expect(r.logAppendTimeMs).toBe(5_000_000n);
    const read = await log.read(0n, 1000, { minOneMessage: true, upperBound: "highWatermark" });
    if ("error" in read) throw new Error(read.error);
    const v = batchesOf(read.records)[0]!;
    expect(v.timestampType).toBe("LogAppendTime");
    expect(v.maxTimestamp).toBe(5_000_000n);
    expect(v.isCrcValid()).toBe(true);
  });

  it("rejects bad input and leaves the log unchanged", async () => {
    ok(await log.append(batch(["a:1"]), clientAppend));
    const corrupt = batch(["b:2"]);
    corrupt[corrupt.length - 1] ^= 1;
    expect(await log.append(corrupt, clientAppend)).toMatchObject({ error: "CORRUPT_MESSAGE" });
    expect(await log.append(bulkBatch(1, 2000), { ...clientAppend, maxMessageBytes: 1000 })).toMatchObject({
      error: "MESSAGE_TOO_LARGE",
    });
    const control = batch(["c"], { control: true, producerId: 1n, producerEpoch: 0 });
    expect(await log.append(control, clientAppend)).toMatchObject({ error: "INVALID_RECORD" });
    // A valid batch followed by a corrupt one: nothing of the request is written.
    expect(await log.append(Buffer.concat([batch(["d:4"]), corrupt]), clientAppend)).toMatchObject({ error: "CORRUPT_MESSAGE" });
    expect(log.logEndOffset).toBe(1n);
    ok(await log.append(batch(["e:5"]), clientAppend));
    expect((await readAll(log)).map((e) => e.value)).toEqual(["1", "5"]);
  });

  it("answers RECORD_LIST_TOO_LARGE above segment.bytes", async () => {
    await log.close();
    log = await openLog(dir, { segmentBytes: 1000 });
    expect(await log.append(bulkBatch(4, 400), clientAppend)).toMatchObject({ error: "RECORD_LIST_TOO_LARGE" });
  });

  it("requires keys on compacted topics", async () => {
    await log.close();
    log = await openLog(dir, { cleanupPolicy: "compact" });
    const r = await log.append(batch(["a:1", ":nokey"]), clientAppend);
    expect(r).toMatchObject({ error: "INVALID_RECORD", recordErrors: [{ batchIndex: 1 }] });
    ok(await log.append(batch(["a:1"]), clientAppend));
    ok(await log.append(batch([":x"]), { ...clientAppend, origin: "coordinator" }));
  });

  it("notifies high watermark listeners", async () => {
    const seen: bigint[] = [];
    const off = log.onHighWatermark((hw) => seen.push(hw));
    ok(await log.append(batch(["a:1", "b:2"]), clientAppend));
    off();
    ok(await log.append(batch(["c:3"]), clientAppend));
    expect(seen).toEqual([2n]);
  });

  it("keeps logStart <= highWatermark <= logEnd and reads up to the chosen bound", async () => {
    ok(await log.append(batch(["a:1"]), clientAppend));
    expect(log.logStartOffset <= log.highWatermark && log.highWatermark <= log.logEndOffset).toBe(true);
    const r = await log.read(0n, 1000, { minOneMessage: true, upperBound: "lastStable" });
    if ("error" in r) throw new Error(r.error);
    expect(decodeAll(r.records)).toHaveLength(1);
  });

  it("returns KAFKA_STORAGE_ERROR and goes offline when the disk fails", async () => {
    await log.close();
    const io = new SpyIo();
    log = await openLog(dir, {}, { io });
    ok(await log.append(batch(["a:1"]), clientAppend));
    io.failWrites = true;
    expect(await log.append(batch(["b:2"]), clientAppend)).toMatchObject({ error: "KAFKA_STORAGE_ERROR" });
    expect(log.offline).toBe(true);
    expect(await log.append(batch(["c:3"]), clientAppend)).toMatchObject({ error: "KAFKA_STORAGE_ERROR" });
    expect(await log.read(0n, 100, { minOneMessage: true, upperBound: "logEnd" })).toMatchObject({ error: "KAFKA_STORAGE_ERROR" });
    // The acknowledged record is still there after a restart.
    await log.close();
    log = await openLog(dir);
    expect((await readAll(log)).map((e) => e.value)).toEqual(["1"]);
  });

  it("syncs the directory before acknowledging the first records of a new segment (flush.messages=1)", async () => {
    await log.close();
    const io = new SpyIo();
    log = await openLog(dir, { flushMessages: 1 }, { io });
    ok(await log.append(batch(["a:1"]), clientAppend));
    const before = io.dirSyncs;
    await log.roll();
    ok(await log.append(batch(["b:2"]), clientAppend));
    expect(io.dirSyncs).toBe(before + 1);
    // The new file's name is durable now: later appends sync only data.
    ok(await log.append(batch(["c:3"]), clientAppend));
    expect(io.dirSyncs).toBe(before + 1);
  });

  it("writes appends on the event loop as its InlineWrites allows, and through the pool otherwise", async () => {
    await log.close();
    const io = new SpyIo();
    log = await openLog(dir, {}, { io, inlineWrites: new InlineWrites({ maxBytes: 1024 }) });
    ok(await log.append(batch(["a:1"]), clientAppend));
    expect([io.inlineWrites, io.writes]).toEqual([1, 0]);
    ok(await log.append(bulkBatch(10, 200), clientAppend));
    expect([io.inlineWrites, io.writes]).toEqual([1, 1]);
    ok(await log.append(batch(["b:2"]), clientAppend));
    expect([io.inlineWrites, io.writes]).toEqual([2, 1]);
    expect((await readAll(log)).map((e) => e.offset)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    await log.close();
    log = await openLog(dir);
    expect((await readAll(log)).length).toBe(12);
  });

  it("never writes inline when every append is fsynced", async () => {
    await log.close();
    const io = new SpyIo();
    log = await openLog(dir, { flushMessages: 1 }, { io, inlineWrites: new InlineWrites({ maxBytes: 1024 }) });
    ok(await log.append(batch(["a:1"]), clientAppend));
    expect([io.inlineWrites, io.writes]).toEqual([0, 1]);
  });

  it("goes offline with KAFKA_STORAGE_ERROR when an inline write fails", async () => {
    await log.close();
    const io = new SpyIo();
    log = await openLog(dir, {}, { io, inlineWrites: new InlineWrites({ maxBytes: 1024 }) });
    ok(await log.append(batch(["a:1"]), clientAppend));
    io.failWrites = true;
    expect(await log.append(batch(["b:2"]), clientAppend)).toMatchObject({ error: "KAFKA_STORAGE_ERROR" });
    expect(log.offline).toBe(true);
    expect(io.inlineWrites).toBe(2);
    await log.close();
    log = await openLog(dir);
    expect((await readAll(log)).map((e) => e.value)).toEqual(["1"]);
  });

  it("coalesces concurrent appends into few writes", async () => {
    await log.close();
    const io = new SpyIo();
    log = await openLog(dir, {}, { io });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(batch([`k${i}:v${i}`]), clientAppend)));
    expect(results.map((r) => ok(r).baseOffset)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
    // Up to four writes start at once; everything queued behind them goes in one writev.
    expect(io.writes).toBeLessThanOrEqual(6);
    expect((await readAll(log)).length).toBe(50);
  });

  it("rewrites the base offset of each batch in a multi-batch append", async () => {
    ok(await log.append(batch(["a:1"]), clientAppend));
    const r = ok(await log.append(Buffer.concat([batch(["b:2", "c:3"]), batch(["d:4"])]), { ...clientAppend, origin: "coordinator" }));
    expect([r.baseOffset, r.lastOffset]).toEqual([1n, 3n]);
    const read = await log.read(1n, 10_000, { minOneMessage: true, upperBound: "highWatermark" });
    if ("error" in read) throw new Error(read.error);
    expect(batchesOf(read.records).map((b) => Number(b.buf.readBigInt64BE(b.pos + BATCH.baseOffset)))).toEqual([1, 3]);
  });
});

describe("PartitionLog segments", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  it("rolls by segment.bytes and reads across segments", async () => {
    const log = await openLog(dir, { segmentBytes: 2000 });
    for (let i = 0; i < 10; i++) ok(await log.append(bulkBatch(2, 200), clientAppend));
    await log.flush();
    expect(log.numberOfSegments).toBeGreaterThanOrEqual(3);
    const files = segmentFiles(log);
    expect(files[0]).toBe("00000000000000000000.log");
    expect(files.every((f) => /^\d{20}\.log$/.test(f))).toBe(true);
    expect(segmentFiles(log, ".snapshot").length).toBeGreaterThan(0);
    await log.close();
    const again = await openLog(dir, { segmentBytes: 2000 });
    const all = await readAll(again);
    expect(all.map((e) => e.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await again.close();
  });

  it("rolls by segment.ms on the injected clock", async () => {
    const clock = new ManualClock();
    const log = await openLog(dir, { segmentMs: 1000 }, { clock });
    ok(await log.append(batch(["a:1"]), clientAppend));
    clock.advance(500);
    ok(await log.append(batch(["b:2"]), clientAppend));
    expect(log.numberOfSegments).toBe(1);
    clock.advance(600);
    ok(await log.append(batch(["c:3"]), clientAppend));
    expect(log.numberOfSegments).toBe(2);
    expect(log.segmentList[1]!.baseOffset).toBe(2);
    await log.close();
  });

  it("rolls when the offset index is full, and finds offsets through the index", async () => {
    const log = await openLog(dir, { indexIntervalBytes: 1, segmentIndexBytes: 8 * 4 });
    for (let i = 0; i < 12; i++) ok(await log.append(batch([`k${i}:v${i}`]), clientAppend));
    expect(log.numberOfSegments).toBeGreaterThan(1);
    await log.close();
    const again = await openLog(dir, { indexIntervalBytes: 1, segmentIndexBytes: 8 * 4 });
    for (const target of [0, 3, 7, 11]) {
      const r = await again.read(BigInt(target), 1, { minOneMessage: true, upperBound: "highWatermark" });
      if ("error" in r) throw new Error(r.error);
      expect(decodeAll(r.records)[0]!.offset).toBe(target);
    }
    const idx = fs.readFileSync(path.join(again.dir, "00000000000000000000.index"));
    expect(idx.length % 8).toBe(0);
    expect(idx.length).toBeGreaterThan(0);
    await again.close();
  });

  it("finds offsets by timestamp (ListOffsets)", async () => {
    const log = await openLog(dir, { segmentBytes: 300, indexIntervalBytes: 1 });
    for (let i = 0; i < 10; i++) ok(await log.append(batch([`k${i}:v`, `j${i}:v`], { timestamp: BigInt(1000 + i * 10) }), clientAppend));
    await log.flush();
    expect(await log.offsetForTimestamp(-2n)).toMatchObject({ offset: 0n });
    expect(await log.offsetForTimestamp(-1n)).toMatchObject({ offset: 20n });
    expect(await log.offsetForTimestamp(-3n)).toMatchObject({ offset: 19n, timestamp: 1091n });
    expect(await log.offsetForTimestamp(1000n)).toMatchObject({ offset: 0n, timestamp: 1000n });
    expect(await log.offsetForTimestamp(1031n)).toMatchObject({ offset: 7n, timestamp: 1031n });
    expect(await log.offsetForTimestamp(1035n)).toMatchObject({ offset: 8n, timestamp: 1040n });
    expect(await log.offsetForTimestamp(5000n)).toBeNull();
    await log.close();
    const again = await openLog(dir, { segmentBytes: 300, indexIntervalBytes: 1 });
    expect(await again.offsetForTimestamp(1055n)).toMatchObject({ offset: 12n });
    await again.close();
  });

  it("tracks leader epochs and answers OffsetForLeaderEpoch", async () => {
    const log = await openLog(dir);
    ok(await log.append(batch(["a", "b"]), { ...clientAppend, leaderEpoch: 1 }));
    ok(await log.append(batch(["c"]), { ...clientAppend, leaderEpoch: 1 }));
    ok(await log.append(batch(["d"]), { ...clientAppend, leaderEpoch: 3 }));
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 3n });
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 1, endOffset: 3n });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, endOffset: 4n });
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 0n });
    expect(log.endOffsetForEpoch(9)).toEqual({ epoch: -1, endOffset: -1n });
    // New epochs are persisted off the loop; a flush (which moves the recovery point) waits for them.
    await log.flush();
    expect(fs.readFileSync(path.join(log.dir, "leader-epoch-checkpoint"), "utf8")).toBe("0\n2\n1 0\n3 3\n");
    await log.close();
  });

  it("truncates to an offset (replication) and keeps appending", async () => {
    const log = await openLog(dir, { segmentBytes: 300 });
    for (let i = 0; i < 8; i++) ok(await log.append(batch([`k${i}:v${i}`]), { ...clientAppend, leaderEpoch: i < 4 ? 1 : 2 }));
    await log.truncateTo(3n);
    expect(log.logEndOffset).toBe(3n);
    expect(log.highWatermark).toBe(3n);
    expect(log.latestEpoch).toBe(1);
    ok(await log.append(batch(["x:y"]), { ...clientAppend, leaderEpoch: 3 }));
    expect((await readAll(log)).map((e) => e.value)).toEqual(["v0", "v1", "v2", "y"]);
    await log.close();
    const again = await openLog(dir, { segmentBytes: 300 });
    expect((await readAll(again)).map((e) => e.value)).toEqual(["v0", "v1", "v2", "y"]);
    await again.close();
  });

  it("writes partition.metadata and refuses another topic id", async () => {
    const topicId = "AAAAAAAAAAAAAAAAAAAAAQ" as never;
    const log = await openLog(dir, {}, { topicId });
    expect(fs.readFileSync(path.join(log.dir, "partition.metadata"), "utf8")).toBe("version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ\n");
    await log.close();
    await expect(openLog(dir, {}, { topicId: "BBBBBBBBBBBBBBBBBBBBBQ" as never })).rejects.toThrow(/topic id/);
    const reopened = await openLog(dir);
    expect(reopened.topicId).toBe(topicId);
    await reopened.close();
  });

  it("replicates: a follower appends the leader's batches unchanged", async () => {
    const leader = await openLog(dir);
    const follower = await openLog(path.join(dir, "f"), {}, { externalHighWatermark: true });
    ok(await leader.append(batch(["a:1", "b:2"]), { ...clientAppend, leaderEpoch: 1 }));
    ok(await leader.append(batch(["c:3"], { producerId: 9n, producerEpoch: 0, baseSequence: 0 }), { ...clientAppend, leaderEpoch: 2 }));
    const fetched = await leader.read(0n, 1 << 20, { minOneMessage: true, upperBound: "logEnd" });
    if ("error" in fetched) throw new Error(fetched.error);
    const copy = Buffer.from(fetched.records);
    expect(await follower.appendAsFollower(copy)).toMatchObject({ baseOffset: 0n, lastOffset: 2n });
    expect(follower.logEndOffset).toBe(3n);
    expect(follower.highWatermark).toBe(0n);
    follower.updateHighWatermark(3n);
    const mirrored = await follower.read(0n, 1 << 20, { minOneMessage: true, upperBound: "highWatermark" });
    if ("error" in mirrored) throw new Error(mirrored.error);
    expect(mirrored.records.equals(fetched.records)).toBe(true);
    expect(follower.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 2n });
    expect(follower.activeProducers()).toMatchObject([{ producerId: 9n, lastSequence: 0 }]);
    expect(await follower.appendAsFollower(Buffer.from(fetched.records))).toMatchObject({ error: "INVALID_RECORD" });
    await leader.close();
    await follower.close();
  });
});

describe("PartitionLog.truncateFullyAndStartAt", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  /** Lets file.delete.delay.ms (0 in these tests) unlink the renamed segments. */
  const deletions = () => new Promise((resolve) => setTimeout(resolve, 20));

  async function filledLog(checkpoint: { logStart?: bigint }): Promise<PartitionLog> {
    const log = await openLog(dir, { segmentBytes: 300 }, { hooks: { onLogStartOffsetChanged: (l) => (checkpoint.logStart = l.logStartOffset) } });
    for (let i = 0; i < 12; i++) {
      ok(await log.append(batch([`k${i}:v${i}`], { producerId: 7n, producerEpoch: 0, baseSequence: i }), { ...clientAppend, leaderEpoch: i < 6 ? 1 : 2 }));
    }
    await log.flush();
    expect(log.numberOfSegments).toBeGreaterThan(2);
    expect(segmentFiles(log, ".snapshot").length).toBeGreaterThan(0);
    return log;
  }

  it("starts an empty log above the old end, appends the leader's batches there and survives restarts", async () => {
    const checkpoint: { logStart?: bigint } = {};
    let log = await filledLog(checkpoint);
    await log.truncateFullyAndStartAt(100n);
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark]).toEqual([100n, 100n, 100n]);
    expect(log.recoveryPoint).toBe(100n);
    expect(checkpoint.logStart).toBe(100n);
    expect(log.numberOfSegments).toBe(1);
    expect(log.latestEpoch).toBeUndefined();
    expect(log.activeProducers()).toEqual([]);
    expect(fs.readFileSync(path.join(log.dir, "leader-epoch-checkpoint"), "utf8")).toBe("0\n0\n");
    expect(segmentFiles(log, ".snapshot")).toEqual([]);
    await deletions();
    expect(segmentFiles(log)).toEqual(["00000000000000000100.log"]);
    expect(fs.readdirSync(log.dir).filter((n) => n.endsWith(".deleted"))).toEqual([]);
    expect(await log.read(99n, 1000, { minOneMessage: true, upperBound: "logEnd" })).toMatchObject({ error: "OFFSET_OUT_OF_RANGE" });
    expect(await log.read(100n, 1000, { minOneMessage: true, upperBound: "logEnd" })).toMatchObject({ records: Buffer.alloc(0) });

    // Restart while empty: the log comes back at the new offset.
    await log.close();
    log = await openLog(dir, { segmentBytes: 300 }, { logStartOffset: checkpoint.logStart! });
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark]).toEqual([100n, 100n, 100n]);

    const leaderBatch = batch(["a:1", "b:2"], { baseOffset: 100n, partitionLeaderEpoch: 5, producerId: 9n, producerEpoch: 0, baseSequence: 0 });
    expect(await log.appendAsFollower(leaderBatch)).toMatchObject({ baseOffset: 100n, lastOffset: 101n });
    expect((await readAll(log)).map((e) => `${e.offset}:${e.value}`)).toEqual(["100:1", "101:2"]);
    expect(log.endOffsetForEpoch(5)).toEqual({ epoch: 5, endOffset: 102n });
    expect(log.activeProducers()).toMatchObject([{ producerId: 9n, lastSequence: 1 }]);

    // After a crash (no clean close) recovery finds the same log.
    log.closeAbruptly();
    log = await openLog(dir, { segmentBytes: 300 }, { logStartOffset: checkpoint.logStart! });
    expect([log.logStartOffset, log.logEndOffset]).toEqual([100n, 102n]);
    expect((await readAll(log)).map((e) => `${e.offset}:${e.value}`)).toEqual(["100:1", "101:2"]);
    expect(log.latestEpoch).toBe(5);
    await log.close();
  });

  it("starts again below the old log start, and a restart keeps the lower start", async () => {
    const checkpoint: { logStart?: bigint } = {};
    let log = await filledLog(checkpoint);
    expect(await log.deleteRecordsBefore(8n)).toEqual({ lowWatermark: 8n });
    expect(checkpoint.logStart).toBe(8n);
    await log.truncateFullyAndStartAt(3n);
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark]).toEqual([3n, 3n, 3n]);
    expect(log.recoveryPoint).toBe(3n);
    expect(checkpoint.logStart).toBe(3n);
    expect(await log.appendAsFollower(batch(["x:y"], { baseOffset: 3n, partitionLeaderEpoch: 4 }))).toMatchObject({ baseOffset: 3n, lastOffset: 3n });
    expect((await readAll(log)).map((e) => `${e.offset}:${e.value}`)).toEqual(["3:y"]);
    await log.close();
    await deletions();
    expect(segmentFiles(log)).toEqual(["00000000000000000003.log"]);

    log = await openLog(dir, { segmentBytes: 300 }, { logStartOffset: checkpoint.logStart! });
    expect([log.logStartOffset, log.logEndOffset]).toEqual([3n, 4n]);
    expect((await readAll(log)).map((e) => `${e.offset}:${e.value}`)).toEqual(["3:y"]);
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: 4, endOffset: 4n });
    await log.close();
  });

  it("may start again at the base offset of a segment it deletes", async () => {
    let log = await filledLog({});
    await log.truncateFullyAndStartAt(0n);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([0n, 0n]);
    expect(await log.appendAsFollower(batch(["new:0"], { baseOffset: 0n, partitionLeaderEpoch: 3 }))).toMatchObject({ baseOffset: 0n });
    await log.close();
    await deletions();
    log = await openLog(dir, { segmentBytes: 300 });
    expect((await readAll(log)).map((e) => `${e.offset}:${e.key}:${e.value}`)).toEqual(["0:new:0"]);
    await log.close();
  });
});
