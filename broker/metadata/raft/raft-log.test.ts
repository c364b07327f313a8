import { describe, expect, it } from "vitest";
import { dataBatch } from "./raft-batches.js";
import { RaftLog } from "./raft-log.js";
import { planRetention, type RetentionBatch } from "./snapshot-retention.js";

/** Batches of one record each, in these epochs, all flushed. */
function logWith(...epochs: number[]): RaftLog {
  const log = new RaftLog();
  for (const epoch of epochs) log.append([dataBatch(log.endOffset, epoch, [Buffer.from("x")], 0)]);
  log.markFlushed(log.endOffset);
  return log;
}

describe("RaftLog front truncation", () => {
  it("drops whole batches before a snapshot's end; the start keeps the epoch before it", () => {
    const log = logWith(1, 1, 2, 2, 3);
    const id = log.snapshotIdAt(3n);
    expect(id).toEqual({ offset: 3n, epoch: 2 });
    log.dropPrefix(id);
    expect(log.startOffset).toBe(3n);
    expect(log.start).toEqual({ offset: 3n, epoch: 2 });
    expect(log.endOffset).toBe(5n);
    expect(log.read(3n, 1024).map((b) => b.baseOffset)).toEqual([3n, 4n]);
    // Divergence checks still work at and after the start; epochs wholly before it are unknown.
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, offset: 4n });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, offset: 5n });
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: -1, offset: -1n });
    expect(() => log.truncateTo(2n)).toThrow(/below the start/);
    expect(log.snapshotIdAt(3n)).toEqual({ offset: 3n, epoch: 2 });
  });

  it("never drops what is not flushed, nor inside a batch", () => {
    const log = new RaftLog();
    log.append([dataBatch(0n, 1, [Buffer.from("a"), Buffer.from("b")], 0), dataBatch(2n, 1, [Buffer.from("c")], 0)]);
    log.markFlushed(2n);
    expect(() => log.dropPrefix({ offset: 3n, epoch: 1 })).toThrow(/flushed end/);
    expect(() => log.dropPrefix({ offset: 1n, epoch: 1 })).toThrow(/inside a batch/);
    expect(() => log.snapshotIdAt(1n)).toThrow(/not a batch boundary/);
  });

  it("installing a snapshot replaces the whole log, which then starts, empty, at its end", () => {
    const log = logWith(1, 1);
    log.installSnapshot({ id: { offset: 10n, epoch: 4 }, bytes: Buffer.from("s") });
    expect([log.startOffset, log.endOffset, log.flushedEnd, log.lastEpoch]).toEqual([10n, 10n, 10n, 4]);
    expect(log.latestSnapshot?.id).toEqual({ offset: 10n, epoch: 4 });
    log.append([dataBatch(10n, 4, [Buffer.from("y")], 0)]);
    expect(log.endOffset).toBe(11n);
  });
});

describe("planRetention", () => {
  const batches = (count: number, sizeBytes = 100, maxTimestamp = 0): RetentionBatch[] =>
    Array.from({ length: count }, (_, i) => ({ baseOffset: BigInt(i), lastOffset: BigInt(i), sizeBytes, maxTimestamp }));
  const ids = (...offsets: number[]) => offsets.map((o) => ({ offset: BigInt(o), epoch: 1 }));

  it("keeps everything while the log is within retention, snapshots or not", () => {
    const plan = planRetention({ logStart: 0n, snapshots: ids(5), batches: batches(10), retentionBytes: 10_000, retentionMs: -1, nowMs: 1000 });
    expect(plan).toEqual({ newStart: undefined, deleteSnapshots: [] });
  });

  it("moves the start only to a snapshot, and only as far as the size limit needs", () => {
    // 10 batches of 100 bytes, limit 600: dropping to 4 leaves 600 bytes, enough.
    const plan = planRetention({ logStart: 0n, snapshots: ids(2, 4, 8), batches: batches(10), retentionBytes: 600, retentionMs: -1, nowMs: 0 });
    expect(plan.newStart).toEqual({ offset: 4n, epoch: 1 });
    expect(plan.deleteSnapshots).toEqual(ids(2));
  });

  it("drops what is older than the age limit, never past the newest snapshot", () => {
    const old = batches(10, 100, 1000);
    const plan = planRetention({ logStart: 0n, snapshots: ids(6), batches: old, retentionBytes: -1, retentionMs: 500, nowMs: 2000 });
    expect(plan.newStart).toEqual({ offset: 6n, epoch: 1 });
    const young = planRetention({ logStart: 0n, snapshots: ids(6), batches: batches(10, 100, 1900), retentionBytes: -1, retentionMs: 500, nowMs: 2000 });
    expect(young.newStart).toBeUndefined();
  });

  it("without a snapshot nothing goes, however large the log", () => {
    expect(planRetention({ logStart: 0n, snapshots: [], batches: batches(10), retentionBytes: 0, retentionMs: 0, nowMs: 1e9 }).newStart).toBeUndefined();
  });

  it("keeps the oldest snapshot (where the log starts) and the two newest", () => {
    const plan = planRetention({ logStart: 2n, snapshots: ids(2, 4, 6, 8, 9), batches: batches(10).slice(2), retentionBytes: -1, retentionMs: -1, nowMs: 0 });
    expect(plan.newStart).toBeUndefined();
    expect(plan.deleteSnapshots).toEqual(ids(4, 6));
  });
});
