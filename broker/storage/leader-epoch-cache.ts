// Leader epoch → first offset written in it, persisted as Kafka's leader-epoch-checkpoint.
// Answers OffsetForLeaderEpoch and lets followers find where their log diverges.
//
// An append that starts a new epoch persists it off the event loop (persistAsync): after a
// leadership change every partition's first append would otherwise fsync on the loop, one after
// another. That is safe while the log's recovery point stays at or below the start of any epoch
// not yet durable, as PartitionLog keeps it (its syncs await `durable`): recovery re-reads the
// batches from the recovery point and assigns their epochs again. Truncations and start-up still
// persist with a blocking write, which a pending async write never lands over.
import { readCheckpoint } from "./checkpoint-file.js";
import { CheckpointWriter } from "./checkpoint-writer.js";

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export class LeaderEpochCache {
  private entries: EpochEntry[];
  private readonly file: CheckpointWriter;

  constructor(path: string, entries: EpochEntry[] = []) {
    this.entries = entries;
    this.file = new CheckpointWriter(path);
  }

  /** Loads the checkpoint; a malformed file is dropped (recovery re-derives epochs from batches). */
  static load(path: string): { cache: LeaderEpochCache; valid: boolean } {
    try {
      const lines = readCheckpoint(path, 2);
      const entries = lines.map(([e, o]) => ({ epoch: Number(e), startOffset: Number(o) }));
      const ok = entries.every(
        (x, i) =>
          Number.isInteger(x.epoch) &&
          Number.isSafeInteger(x.startOffset) &&
          (i === 0 || (x.epoch > entries[i - 1]!.epoch && x.startOffset >= entries[i - 1]!.startOffset)),
      );
      return ok ? { cache: new LeaderEpochCache(path, entries), valid: true } : { cache: new LeaderEpochCache(path), valid: false };
    } catch {
      return { cache: new LeaderEpochCache(path), valid: false };
    }
  }

  get all(): readonly EpochEntry[] {
    return this.entries;
  }

  get latestEpoch(): number | undefined {
    return this.entries.at(-1)?.epoch;
  }

  /**
   * Records that `epoch` starts at `startOffset`. Entries that would break monotonicity (a
   * higher-or-equal epoch, or a later start offset) are removed first, as Kafka does.
   * Returns whether anything changed; the caller persists.
   */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0) return false;
    const last = this.entries.at(-1);
    if (last && last.epoch === epoch && last.startOffset <= startOffset) return false;
    this.entries = this.entries.filter((e) => e.epoch < epoch && e.startOffset < startOffset);
    this.entries.push({ epoch, startOffset });
    return true;
  }

  /**
   * Kafka's endOffsetFor: the largest epoch at or below the requested one, and the start offset of
   * the next higher epoch (or the log end when the requested epoch is the latest).
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    if (requestedEpoch === UNDEFINED_EPOCH || this.entries.length === 0) {
      return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    }
    if (requestedEpoch === this.latestEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    const higherIdx = this.entries.findIndex((e) => e.epoch > requestedEpoch);
    if (higherIdx < 0) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    const higher = this.entries[higherIdx]!;
    if (higherIdx === 0) return { epoch: requestedEpoch, endOffset: higher.startOffset };
    return { epoch: this.entries[higherIdx - 1]!.epoch, endOffset: higher.startOffset };
  }

  /** The epoch in which `offset` was written, or -1. */
  epochForOffset(offset: number): number {
    let epoch = UNDEFINED_EPOCH;
    for (const e of this.entries) {
      if (e.startOffset <= offset) epoch = e.epoch;
      else break;
    }
    return epoch;
  }

  /** Drops epochs starting at or after `endOffset` (log truncated there). */
  truncateFromEnd(endOffset: number): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.startOffset < endOffset);
    return this.entries.length !== before;
  }

  /** The log now starts at `startOffset`: earlier epochs collapse into the one covering it. */
  truncateFromStart(startOffset: number): boolean {
    let idx = -1;
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i]!.startOffset <= startOffset) idx = i;
    if (idx < 0) return false;
    const changed = idx > 0 || this.entries[idx]!.startOffset !== startOffset;
    this.entries = [{ epoch: this.entries[idx]!.epoch, startOffset }, ...this.entries.slice(idx + 1)];
    return changed;
  }

  clear(): void {
    this.entries = [];
  }

  /** Writes the checkpoint now, blocking the event loop. */
  persist(): void {
    this.file.writeSync(this.lines());
  }

  /** Writes the checkpoint without blocking; resolves once these entries (or newer) are durable. */
  persistAsync(): Promise<void> {
    return this.file.write(this.lines());
  }

  /** Resolves once no async write is pending (its failure went to persistAsync's caller). */
  durable(): Promise<void> {
    return this.file.idle();
  }

  private lines(): string[] {
    return this.entries.map((e) => `${e.epoch} ${e.startOffset}`);
  }
}
