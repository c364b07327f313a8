// ListOffsets by time: the time indexes narrow the search to a batch, the batch's records give
// the exact offset (Kafka answers with a record, not a batch).
import { firstRecordAtOrAfter } from "./batch-inspection.js";
import type { TimestampOffset } from "./log-types.js";
import type { LogSegment } from "./segment.js";

/** The first record at or after `target` ms and at or after the log start. */
export async function findOffsetForTimestamp(
  segments: readonly LogSegment[],
  target: number,
  logStart: number,
): Promise<TimestampOffset | null> {
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1];
    if (next && next.baseOffset <= logStart) continue;
    if ((await seg.largestTimestamp()) < target) continue;
    const view = await seg.findBatchByTimestamp(target, logStart);
    if (view) return firstRecordAtOrAfter(view, target, logStart);
  }
  return null;
}

/** The record with the largest timestamp (KIP-734), the first of them on a tie. */
export async function findMaxTimestampOffset(segments: readonly LogSegment[], logStart: number): Promise<TimestampOffset | null> {
  let best: LogSegment | undefined;
  for (const seg of segments) {
    await seg.ensureLoaded();
    if (seg.maxTimestamp >= 0 && (!best || seg.maxTimestamp > best.maxTimestamp)) best = seg;
  }
  if (!best || best.offsetOfMaxTimestamp < logStart) return null;
  const view = await best.batchAt(best.offsetOfMaxTimestamp);
  if (!view) return null;
  return firstRecordAtOrAfter(view, best.maxTimestamp, logStart);
}
