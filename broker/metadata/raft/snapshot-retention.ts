// When the metadata log may lose its front (KIP-630): only what a snapshot covers, and only what
// is beyond retention (metadata.max.retention.bytes / .ms). The log start always moves to a
// snapshot's end offset, so the oldest snapshot kept is where a restarted node's log begins.
// Pure: the quorum node and the simulation both plan with it.
import type { OffsetAndEpoch } from "./raft-types.js";

/** The oldest snapshot (the log's anchor) plus this many newer ones are kept at most. */
export const MAX_NEWER_SNAPSHOTS = 2;

export interface RetentionBatch {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly sizeBytes: number;
  readonly maxTimestamp: number;
}

export interface RetentionInput {
  readonly logStart: bigint;
  /** Snapshot ids on this node, any order. */
  readonly snapshots: readonly OffsetAndEpoch[];
  /** The log's batches from its start, in order. */
  readonly batches: readonly RetentionBatch[];
  /** -1: no limit by size. */
  readonly retentionBytes: number;
  /** -1: no limit by age. */
  readonly retentionMs: number;
  readonly nowMs: number;
}

export interface RetentionPlan {
  /** The new log start (a snapshot id), when it moves. */
  readonly newStart: OffsetAndEpoch | undefined;
  /** Snapshots no longer needed: below the new start, or more than the few kept. */
  readonly deleteSnapshots: OffsetAndEpoch[];
}

export function planRetention(input: RetentionInput): RetentionPlan {
  const snapshots = [...input.snapshots].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  let total = input.batches.reduce((sum, b) => sum + b.sizeBytes, 0);
  let start = input.logStart;
  let newStart: OffsetAndEpoch | undefined;
  let next = 0; // first batch not yet dropped
  for (const candidate of snapshots) {
    if (candidate.offset <= start) continue;
    let prefixBytes = 0;
    let prefixNewest = -Infinity;
    let end = next;
    while (end < input.batches.length && input.batches[end]!.lastOffset < candidate.offset) {
      prefixBytes += input.batches[end]!.sizeBytes;
      prefixNewest = Math.max(prefixNewest, input.batches[end]!.maxTimestamp);
      end++;
    }
    const beyondBytes = input.retentionBytes >= 0 && total > input.retentionBytes;
    const beyondAge = input.retentionMs >= 0 && prefixNewest < input.nowMs - input.retentionMs;
    if (!beyondBytes && !beyondAge) break;
    total -= prefixBytes;
    next = end;
    start = candidate.offset;
    newStart = candidate;
  }
  const kept = snapshots.filter((s) => s.offset >= start);
  const deleteSnapshots = snapshots.filter((s) => s.offset < start);
  // Keep the anchor (oldest) and the newest few; the ones in between help nobody.
  if (kept.length > MAX_NEWER_SNAPSHOTS + 1) deleteSnapshots.push(...kept.slice(1, kept.length - MAX_NEWER_SNAPSHOTS));
  return { newStart, deleteSnapshots };
}
