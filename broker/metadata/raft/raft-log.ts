// The metadata log as the quorum sees it: an in-memory list of record batches with their epochs.
// The whole log since the latest snapshot is kept in memory (metadata is small); durability is
// someone else's job (metadata-log-store.ts), which reports how far the log is on disk through
// markFlushed. Offsets that are not yet flushed do not count towards the high watermark.
import type { OffsetAndEpoch, RaftBatch, RaftSnapshot } from "./raft-types.js";
import { RecordBatchView } from "../../protocol/records.js";
import { voterIds, votersInBatch, votersInBatches, type VoterSet } from "./voter-set.js";

/** A voter set (KIP-853) and the offset it takes effect at: its batch's base offset, or a snapshot's end - 1. */
interface VoterSetEntry {
  readonly offset: bigint;
  readonly voters: VoterSet;
  readonly ids: readonly number[];
  /** Read from a batch of the log (not from a snapshot). */
  readonly inLog: boolean;
}

/** Told of every change, in order, so the log's durable copy can follow (metadata-log-store.ts). */
export interface RaftLogListener {
  appended(batches: readonly RaftBatch[]): void;
  truncated(offset: bigint): void;
  /** A snapshot from the leader replaced the whole log; it must be durable when this returns. */
  snapshotInstalled(snapshot: RaftSnapshot): void;
}

export class RaftLog {
  private batches: RaftBatch[] = [];
  private listener: RaftLogListener | undefined;
  private flushed: bigint;
  /** Epoch and end offset of what precedes the first batch (a snapshot, or nothing: 0/0). */
  private base: OffsetAndEpoch;
  /**
   * The snapshots this node keeps, oldest first, whole in memory (metadata is small): what a
   * lagging follower is sent. Any of them is served, so a download survives a newer snapshot.
   */
  private snapshots: RaftSnapshot[] = [];
  /** Every voter set in the log and the snapshots kept, by offset: truncation must bring back the one before. */
  private voterHistory: VoterSetEntry[] = [];

  constructor(base: OffsetAndEpoch = { offset: 0n, epoch: 0 }) {
    this.base = base;
    this.flushed = base.offset;
  }

  listen(listener: RaftLogListener): void {
    this.listener = listener;
  }

  get startOffset(): bigint {
    return this.base.offset;
  }

  /** The log start and the epoch of the last record before it. */
  get start(): OffsetAndEpoch {
    return this.base;
  }

  get latestSnapshot(): RaftSnapshot | undefined {
    return this.snapshots.at(-1);
  }

  /** A kept snapshot by id, if any. */
  snapshotFor(id: OffsetAndEpoch): RaftSnapshot | undefined {
    return this.snapshots.find((s) => s.id.offset === id.offset && s.id.epoch === id.epoch);
  }

  /** The snapshot's file is gone: stop serving it. */
  forgetSnapshot(id: OffsetAndEpoch): void {
    this.snapshots = this.snapshots.filter((s) => s.id.offset !== id.offset || s.id.epoch !== id.epoch);
  }

  /**
   * The snapshot id for a snapshot ending at `offset`: the offset and the epoch of the record
   * before it. `offset` must be the log start or a batch boundary inside the log.
   */
  snapshotIdAt(offset: bigint): OffsetAndEpoch {
    if (offset === this.base.offset) return this.base;
    const i = this.indexOf(offset - 1n);
    const batch = this.batches[i];
    if (!batch || batch.lastOffset !== offset - 1n) throw new Error(`raft log: ${offset} is not a batch boundary in [${this.base.offset}, ${this.endOffset}]`);
    return { offset, epoch: batch.epoch };
  }

  /** Records a snapshot of the committed log that is durable elsewhere (the log itself is unchanged). */
  addSnapshot(snapshot: RaftSnapshot): void {
    if (snapshot.id.offset < this.base.offset || snapshot.id.offset > this.endOffset) {
      throw new Error(`raft log: snapshot at ${snapshot.id.offset} outside the log [${this.base.offset}, ${this.endOffset}]`);
    }
    const latest = this.latestSnapshot;
    if (latest && snapshot.id.offset <= latest.id.offset) return;
    this.snapshots.push(snapshot);
    this.rememberSnapshotVoters(snapshot);
  }

  // ── The voter set (KIP-853) ─────────────────────────────────────────────────────────────────

  /** The latest voter set in the log or its snapshots, committed or not (undefined: none, a static quorum or a node yet to learn it). */
  get latestVoters(): VoterSet | undefined {
    return this.voterHistory.at(-1)?.voters;
  }

  get latestVoterIds(): readonly number[] {
    return this.voterHistory.at(-1)?.ids ?? [];
  }

  /** Where the latest voter set was written (-1 when none, or only a snapshot holds it and it is older than the log). */
  get latestVotersOffset(): bigint {
    return this.voterHistory.at(-1)?.offset ?? -1n;
  }

  /** Whether a batch of the log itself (not only a snapshot) holds a voter set. */
  get logHoldsVoters(): boolean {
    return this.voterHistory.some((e) => e.inLog);
  }

  /** The voter set in force just before `endOffset` (what a snapshot ending there must hold). */
  votersAt(endOffset: bigint): VoterSet | undefined {
    for (let i = this.voterHistory.length - 1; i >= 0; i--) if (this.voterHistory[i]!.offset < endOffset) return this.voterHistory[i]!.voters;
    return undefined;
  }

  private rememberSnapshotVoters(snapshot: RaftSnapshot): void {
    const voters = votersInBatches(snapshot.bytes);
    if (!voters) return;
    const offset = snapshot.id.offset - 1n;
    if (this.voterHistory.some((e) => e.offset >= offset)) return;
    this.voterHistory.push({ offset, voters, ids: voterIds(voters), inLog: false });
  }

  private rememberBatchVoters(batch: RaftBatch): void {
    if (!new RecordBatchView(batch.bytes, 0).isControl) return;
    const voters = votersInBatch(batch.bytes);
    if (voters) this.voterHistory.push({ offset: batch.baseOffset, voters, ids: voterIds(voters), inLog: true });
  }

  /**
   * Replaces the whole log with a snapshot fetched from the leader (a follower that fell behind
   * its log start): the log then starts, empty, at the snapshot's end.
   */
  installSnapshot(snapshot: RaftSnapshot): void {
    this.listener?.snapshotInstalled(snapshot);
    this.batches = [];
    this.base = snapshot.id;
    this.flushed = snapshot.id.offset;
    this.snapshots = [snapshot];
    this.voterHistory = [];
    this.rememberSnapshotVoters(snapshot);
  }

  /** The next offset to be written. */
  get endOffset(): bigint {
    const last = this.batches.at(-1);
    return last ? last.lastOffset + 1n : this.base.offset;
  }

  /** How far the log is durable on this node. */
  get flushedEnd(): bigint {
    return this.flushed;
  }

  /** Epoch of the last batch (or of the snapshot the log starts from). */
  get lastEpoch(): number {
    return this.batches.at(-1)?.epoch ?? this.base.epoch;
  }

  get lastOffsetAndEpoch(): OffsetAndEpoch {
    return { offset: this.endOffset, epoch: this.lastEpoch };
  }

  /**
   * Where `epoch` ends in this log: the largest epoch ≤ `epoch` we have and the offset after its
   * last batch (the start of the next epoch). An epoch below everything we have gives (-1, -1).
   */
  endOffsetForEpoch(epoch: number): OffsetAndEpoch {
    for (let i = this.batches.length - 1; i >= 0; i--) {
      const batch = this.batches[i]!;
      // Epochs never decrease along the log, so the batch after the last one at or below `epoch` starts a later epoch.
      if (batch.epoch <= epoch) return { epoch: batch.epoch, offset: this.batches[i + 1]?.baseOffset ?? this.endOffset };
    }
    if (this.base.epoch <= epoch) {
      const next = this.batches[0];
      return { epoch: this.base.epoch, offset: next && next.epoch > this.base.epoch ? next.baseOffset : this.endOffset };
    }
    return { epoch: -1, offset: -1n };
  }

  /** Batches starting at `offset` (which must be a batch boundary or the end), at least one, up to about maxBytes. */
  read(offset: bigint, maxBytes: number): RaftBatch[] {
    const out: RaftBatch[] = [];
    let bytes = 0;
    for (let i = this.indexOf(offset); i < this.batches.length; i++) {
      const batch = this.batches[i]!;
      if (out.length > 0 && bytes + batch.bytes.length > maxBytes) break;
      out.push(batch);
      bytes += batch.bytes.length;
    }
    return out;
  }

  /** All batches from `offset` to `end` (exclusive), for applying committed records. */
  range(offset: bigint, end: bigint): RaftBatch[] {
    const out: RaftBatch[] = [];
    for (let i = this.indexOf(offset); i < this.batches.length && this.batches[i]!.baseOffset < end; i++) out.push(this.batches[i]!);
    return out;
  }

  append(batches: readonly RaftBatch[]): void {
    for (const batch of batches) {
      if (batch.baseOffset !== this.endOffset) throw new Error(`raft log: batch at ${batch.baseOffset} does not follow the end ${this.endOffset}`);
      if (batch.epoch < this.lastEpoch) throw new Error(`raft log: batch epoch ${batch.epoch} below the last epoch ${this.lastEpoch}`);
      this.batches.push(batch);
      this.rememberBatchVoters(batch);
    }
    if (batches.length > 0) this.listener?.appended(batches);
  }

  /** Removes everything at and after `offset` (a batch boundary at or after the start). */
  truncateTo(offset: bigint): void {
    if (offset < this.base.offset) throw new Error(`raft log: cannot truncate to ${offset} below the start ${this.base.offset}`);
    const keep = this.batches.findIndex((b) => b.baseOffset >= offset);
    if (keep >= 0) {
      if (keep > 0 && this.batches[keep - 1]!.lastOffset >= offset) throw new Error(`raft log: ${offset} is inside a batch`);
      this.batches.length = keep;
      this.voterHistory = this.voterHistory.filter((e) => e.offset < offset);
      this.listener?.truncated(offset);
    }
    if (this.flushed > this.endOffset) this.flushed = this.endOffset;
  }

  markFlushed(offset: bigint): void {
    const end = offset < this.endOffset ? offset : this.endOffset;
    if (end > this.flushed) this.flushed = end;
  }

  /**
   * Drops batches before `start.offset` (a batch boundary) once a snapshot covers them: the log
   * then starts there. The durable copy is trimmed by its owner (metadata-log-store.ts).
   */
  dropPrefix(start: OffsetAndEpoch): void {
    if (start.offset <= this.base.offset) return;
    if (start.offset > this.flushed) throw new Error(`raft log: cannot start at ${start.offset}, beyond the flushed end ${this.flushed}`);
    const keep = this.indexOf(start.offset);
    if (keep < this.batches.length && this.batches[keep]!.baseOffset !== start.offset) throw new Error(`raft log: ${start.offset} is inside a batch`);
    this.batches = this.batches.slice(keep);
    this.base = start;
    // The voter set in force at the new start stays known (a snapshot holds it too).
    const before = this.voterHistory.filter((e) => e.offset < start.offset).at(-1);
    this.voterHistory = this.voterHistory.filter((e) => e === before || e.offset >= start.offset);
  }

  /** Index of the first batch whose last offset is ≥ offset. */
  private indexOf(offset: bigint): number {
    // Binary search for the first batch whose last offset is ≥ offset.
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.batches[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
