// Producer state on disk: `<offset>.snapshot` files in a partition directory, and rebuilding
// the in-memory state from the newest usable snapshot plus a replay of the log after it.
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { BATCH, readInt64Number } from "../protocol/records.js";
import { describeProducerBatch } from "./batch-inspection.js";
import { writeFileAtomic, writeFileAtomicAsync } from "./file-io.js";
import { SNAPSHOT_SUFFIX, offsetFileName, parseOffsetFileName } from "./file-names.js";
import { decodeSnapshot, encodeSnapshot } from "./producer-snapshot.js";
import type { ProducerStateManager } from "./producer-state.js";
import type { LogSegment } from "./segment.js";

export function snapshotOffsets(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .filter((n) => /^\d{20}\.snapshot$/.test(n))
    .map((n) => parseOffsetFileName(n)!)
    .sort((a, b) => a - b);
}

function snapshotPath(dir: string, offset: number): string {
  return path.join(dir, offsetFileName(offset, SNAPSHOT_SUFFIX));
}

/** The state as Kafka's snapshot bytes, taken now (the write may happen later). */
export function snapshotBytes(producers: ProducerStateManager): Buffer {
  return encodeSnapshot(producers.toSnapshot());
}

export function writeSnapshot(dir: string, offset: number, bytes: Buffer): Promise<void> {
  return writeFileAtomicAsync(snapshotPath(dir, offset), bytes);
}

export function writeSnapshotSync(dir: string, offset: number, bytes: Buffer): void {
  writeFileAtomic(snapshotPath(dir, offset), bytes);
}

/** Deletes snapshots below `offset`, keeping the newest at or below it: a replay would start there. */
export function deleteSnapshotsBefore(dir: string, offset: number): void {
  const offsets = snapshotOffsets(dir);
  const keepFrom = offsets.filter((o) => o <= offset).at(-1) ?? offset;
  for (const o of offsets) if (o < keepFrom) fs.rmSync(snapshotPath(dir, o), { force: true });
}

export function deleteSnapshotsAfter(dir: string, offset: number): void {
  for (const o of snapshotOffsets(dir)) if (o > offset) fs.rmSync(snapshotPath(dir, o), { force: true });
}

export interface RebuildInput {
  dir: string;
  producers: ProducerStateManager;
  segments: readonly LogSegment[];
  /** The log end the state must describe. */
  end: number;
  logger: Logger;
  context: Record<string, unknown>;
}

/** Loads the newest usable snapshot at or below `end` and replays the log from there. */
export async function rebuildProducerState({ dir, producers, segments, end, logger, context }: RebuildInput): Promise<void> {
  deleteSnapshotsAfter(dir, end);
  let from = segments[0]!.baseOffset;
  producers.clear(from);
  for (const o of snapshotOffsets(dir).reverse()) {
    const file = snapshotPath(dir, o);
    try {
      producers.loadSnapshot(decodeSnapshot(fs.readFileSync(file)), o);
      from = Math.max(o, from);
      break;
    } catch (err) {
      logger.warn({ ...context, err, file }, "discarding an unreadable producer snapshot");
      fs.rmSync(file, { force: true });
    }
  }
  if (from >= end) return;
  let replayed = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1];
    if (next && next.baseOffset <= from) continue;
    const found = await seg.locate(Math.max(from, seg.baseOffset));
    if (!found) continue;
    for await (const { view } of seg.scan(found.position)) {
      const base = readInt64Number(view.buf, view.pos);
      const last = base + view.lastOffsetDelta;
      if (last < from) continue;
      if (base >= end) break;
      if (readInt64Number(view.buf, view.pos + BATCH.producerId) >= 0) {
        producers.replay(describeProducerBatch(view, base));
        replayed++;
      }
    }
  }
  producers.mapEndOffset = end;
  if (replayed > 0) logger.info({ ...context, from, to: end, batches: replayed }, "producer state rebuilt");
}
