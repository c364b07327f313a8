import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildControlBatch } from "../protocol/records.js";
import type { PartitionLog } from "./partition-log.js";
import { decodeSnapshot, encodeSnapshot } from "./producer-snapshot.js";
import { type ProducerBatch, ProducerStateManager } from "./producer-state.js";
import { batch, clientAppend, openLog, readAll, removeDir, segmentFiles, tempDir } from "./test-support.js";

const INT32_MAX = 0x7fffffff;

function pb(producerId: number, epoch: number, firstSeq: number, count: number, firstOffset: number): ProducerBatch {
  const lastSeq = firstSeq + count - 1 > INT32_MAX ? firstSeq + count - 1 - INT32_MAX - 1 : firstSeq + count - 1;
  return {
    producerId,
    epoch,
    firstSeq,
    lastSeq,
    firstOffset,
    lastOffset: firstOffset + count - 1,
    maxTimestamp: 1000,
    isTransactional: false,
    isControl: false,
  };
}

function apply(m: ProducerStateManager, b: ProducerBatch): unknown {
  const r = m.prepare([b], "client");
  if ("updates" in r) m.commit(r, b.lastOffset + 1);
  return r;
}

describe("ProducerStateManager", () => {
  it("accepts in-order sequences and detects retried batches among the last five", () => {
    const m = new ProducerStateManager();
    for (let i = 0; i < 7; i++) expect("updates" in (apply(m, pb(1, 0, i * 2, 2, i * 2)) as object)).toBe(true);
    expect(m.prepare([pb(1, 0, 12, 2, 99)], "client")).toEqual({
      duplicate: { firstSeq: 12, lastSeq: 13, firstOffset: 12, lastOffset: 13, timestamp: 1000 },
    });
    expect(m.prepare([pb(1, 0, 4, 2, 99)], "client")).toMatchObject({ duplicate: { firstOffset: 4 } });
    // Older than the last five: not a known duplicate, and out of sequence.
    expect(m.prepare([pb(1, 0, 2, 2, 99)], "client")).toMatchObject({ error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
  });

  it("rejects gaps and fences old epochs", () => {
    const m = new ProducerStateManager();
    apply(m, pb(1, 3, 0, 1, 0));
    expect(m.prepare([pb(1, 3, 2, 1, 1)], "client")).toMatchObject({ error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(m.prepare([pb(1, 2, 1, 1, 1)], "client")).toMatchObject({ error: "INVALID_PRODUCER_EPOCH" });
    // A new epoch must start at sequence 0.
    expect(m.prepare([pb(1, 4, 5, 1, 1)], "client")).toMatchObject({ error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect("updates" in (apply(m, pb(1, 4, 0, 1, 1)) as object)).toBe(true);
    expect(m.entry(1)!.epoch).toBe(4);
  });

  it("accepts any first sequence from an unknown producer, unless strict", () => {
    expect("updates" in new ProducerStateManager().prepare([pb(9, 0, 42, 1, 0)], "client")).toBe(true);
    expect(new ProducerStateManager({ strictUnknownProducerSequence: true }).prepare([pb(9, 0, 42, 1, 0)], "client")).toMatchObject({
      error: "OUT_OF_ORDER_SEQUENCE_NUMBER",
    });
  });

  it("wraps the sequence at Int32.MAX", () => {
    const m = new ProducerStateManager();
    apply(m, pb(1, 0, INT32_MAX - 1, 2, 0));
    expect(m.entry(1)!.batches.at(-1)!.lastSeq).toBe(INT32_MAX);
    expect("updates" in (apply(m, pb(1, 0, 0, 1, 2)) as object)).toBe(true);
  });

  it("tracks open transactions for the last stable offset", () => {
    const m = new ProducerStateManager();
    apply(m, { ...pb(1, 0, 0, 1, 10), isTransactional: true });
    apply(m, { ...pb(2, 0, 0, 1, 11), isTransactional: true });
    expect(m.firstUnstableOffset()).toBe(10);
    expect(m.prepare([pb(1, 0, 1, 1, 12)], "client")).toMatchObject({ error: "INVALID_TXN_STATE" });
    const marker: ProducerBatch = { ...pb(1, 0, -1, 1, 12), isControl: true, isTransactional: true, control: { type: "COMMIT", coordinatorEpoch: 3 } };
    const r = m.prepare([marker], "coordinator");
    if (!("updates" in r)) throw new Error("marker rejected");
    m.commit(r, 13);
    expect(m.firstUnstableOffset()).toBe(11);
    const stale = m.prepare([{ ...marker, producerId: 1, control: { type: "ABORT", coordinatorEpoch: 1 } }], "coordinator");
    expect(stale).toMatchObject({ error: "TRANSACTION_COORDINATOR_FENCED" });
  });

  it("round-trips Kafka's snapshot format", () => {
    const m = new ProducerStateManager();
    apply(m, pb(1, 2, 5, 3, 100));
    apply(m, { ...pb(7, 0, 0, 1, 103), isTransactional: true });
    const bytes = encodeSnapshot(m.toSnapshot());
    expect(bytes.readInt16BE(0)).toBe(1);
    expect(bytes.length).toBe(10 + 2 * 46);
    const m2 = new ProducerStateManager();
    m2.loadSnapshot(decodeSnapshot(bytes), 104);
    expect(m2.entry(1)!.batches).toEqual([{ firstSeq: 5, lastSeq: 7, firstOffset: 100, lastOffset: 102, timestamp: 1000 }]);
    expect(m2.firstUnstableOffset()).toBe(103);
    expect(m2.prepare([pb(1, 2, 5, 3, 999)], "client")).toMatchObject({ duplicate: { firstOffset: 100 } });
    bytes[bytes.length - 1] ^= 1;
    expect(() => decodeSnapshot(bytes)).toThrow(/CRC/);
  });

  it("expires idle producers", () => {
    const m = new ProducerStateManager();
    apply(m, pb(1, 0, 0, 1, 0));
    expect(m.removeExpired(1000 + 500, 1000)).toBe(0);
    expect(m.removeExpired(1000 + 2000, 1000)).toBe(1);
  });
});

describe("idempotent appends", () => {
  let dir: string;
  let log: PartitionLog;
  const idem = (records: string[], seq: number, epoch = 0) => batch(records, { producerId: 77n, producerEpoch: epoch, baseSequence: seq });

  beforeEach(async () => {
    dir = await tempDir();
    log = await openLog(dir, { segmentBytes: 500 });
  });
  afterEach(async () => {
    await log.close();
    removeDir(dir);
  });

  it("answers a retried batch with its original offsets and writes nothing", async () => {
    await log.append(batch(["x"]), clientAppend);
    expect(await log.append(idem(["a", "b"], 0), clientAppend)).toMatchObject({ baseOffset: 1n, lastOffset: 2n });
    expect(await log.append(idem(["c"], 2), clientAppend)).toMatchObject({ baseOffset: 3n });
    const size = log.sizeInBytes;
    expect(await log.append(idem(["a", "b"], 0), clientAppend)).toEqual({
      baseOffset: 1n,
      lastOffset: 2n,
      logAppendTimeMs: -1n,
      logStartOffset: 0n,
      duplicate: true,
    });
    expect(log.sizeInBytes).toBe(size);
    expect(log.logEndOffset).toBe(4n);
    expect(await log.append(idem(["d"], 5), clientAppend)).toMatchObject({ error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(await log.append(idem(["d"], 3, 1), clientAppend)).toMatchObject({ error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(await log.append(idem(["d"], 0, 1), clientAppend)).toMatchObject({ baseOffset: 4n });
    expect(await log.append(idem(["e"], 1, 0), clientAppend)).toMatchObject({ error: "INVALID_PRODUCER_EPOCH" });
    expect(log.activeProducers()).toMatchObject([{ producerId: 77n, producerEpoch: 1, lastSequence: 0 }]);
  });

  it("rebuilds producer state after clean and unclean restarts", async () => {
    for (let i = 0; i < 10; i++) await log.append(idem([`r${i}`], i), clientAppend);
    expect(segmentFiles(log).length).toBeGreaterThan(1);
    await log.close();
    log = await openLog(dir, { segmentBytes: 500 }, { cleanShutdown: true });
    expect(await log.append(idem(["r9"], 9), clientAppend)).toMatchObject({ baseOffset: 9n, duplicate: true });
    expect(await log.append(idem(["r10"], 10), clientAppend)).toMatchObject({ baseOffset: 10n });
    await log.flush();
    log.closeAbruptly();
    // Unclean: the snapshot at the log end was never written; replay from an older one.
    log = await openLog(dir, { segmentBytes: 500 }, { cleanShutdown: false });
    expect(await log.append(idem(["r10"], 10), clientAppend)).toMatchObject({ baseOffset: 10n, duplicate: true });
    expect(await log.append(idem(["r12"], 12), clientAppend)).toMatchObject({ error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(await log.append(idem(["r11"], 11), clientAppend)).toMatchObject({ baseOffset: 11n });
  });

  it("rebuilds from the log alone when every snapshot is gone", async () => {
    for (let i = 0; i < 6; i++) await log.append(idem([`r${i}`], i), clientAppend);
    log.closeAbruptly();
    for (const f of fs.readdirSync(log.dir)) if (f.endsWith(".snapshot")) fs.rmSync(path.join(log.dir, f));
    log = await openLog(dir, { segmentBytes: 500 });
    expect(await log.append(idem(["r5"], 5), clientAppend)).toMatchObject({ baseOffset: 5n, duplicate: true });
  });

  it("tracks transactions through markers for the last stable offset", async () => {
    const txn = (records: string[], seq: number) => batch(records, { producerId: 5n, producerEpoch: 0, baseSequence: seq, transactional: true });
    await log.append(batch(["plain"]), clientAppend);
    await log.append(txn(["t1"], 0), clientAppend);
    await log.append(batch(["plain2"]), clientAppend);
    expect(log.highWatermark).toBe(3n);
    expect(log.lastStableOffset).toBe(1n);
    const stable = await log.read(0n, 10_000, { minOneMessage: true, upperBound: "lastStable" });
    if ("error" in stable) throw new Error(stable.error);
    expect(stable.records.readBigInt64BE(0)).toBe(0n);
    const marker = buildControlBatch({ type: "COMMIT", producerId: 5n, producerEpoch: 0, coordinatorEpoch: 0 });
    expect(await log.append(marker, { ...clientAppend, origin: "coordinator" })).toMatchObject({ baseOffset: 3n });
    expect(log.lastStableOffset).toBe(4n);
    expect((await readAll(log)).map((e) => e.offset)).toEqual([0, 1, 2, 3]);
  });
});
