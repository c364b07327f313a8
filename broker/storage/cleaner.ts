// Log compaction: keep the last record per key in the closed segments, at its original offset.
//
// One pass: map key → last offset over the dirty section (cleaner checkpoint → first uncleanable
// offset), then rewrite groups of segments from the log start into `.cleaned` files, swap them
// in through `.swap` (the commit point recovery honours), and delete the old segments.
// Batches are rebuilt with the kept records verbatim and their original base offset, last offset
// delta, producer fields and codec; batches that cannot be decoded are kept as they are.
import fs from "node:fs";
import {
  BATCH,
  type CompressionCodec,
  type DecodedRecord,
  type RecordBatchView,
  buildRecordBatch,
  decodeRecords,
  isRecordsError,
  readInt64Number,
} from "../protocol/records.js";
import { syncDir } from "./file-io.js";
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
  segmentPath,
} from "./file-names.js";
import { isCompacted } from "./log-config.js";
import { OffsetIndex } from "./offset-index.js";
import type { PartitionLog } from "./partition-log.js";
import { LogSegment, segmentOptions } from "./segment.js";
import { TimeIndex } from "./time-index.js";

export interface CompactOptions {
  /** Clean even below min.cleanable.dirty.ratio. */
  force?: boolean;
  /** Bounds the key map (Kafka's dedupe buffer); the pass stops at the segment that fills it. */
  maxKeys?: number;
}

export interface CleanStats {
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRead: number;
  recordsRetained: number;
  /** Batches kept untouched because their records could not be decoded. */
  undecodableBatches: number;
  /** Records without a key, dropped as Kafka's cleaner does. */
  keylessRecords: number;
  dirtyRatio: number;
  /** The new cleaner checkpoint. */
  cleanedUpTo: number;
}

export const DEFAULT_MAX_KEYS = 1_000_000;
const WRITE_CHUNK = 1024 * 1024;

/** Call through PartitionLog.compact (it holds the maintenance lock). */
export async function compactLog(log: PartitionLog, opts: CompactOptions): Promise<CleanStats | null> {
  if (!isCompacted(log.config) || log.offline) return null;
  const config = log.config;
  const now = log.logClock.nowMs();
  const segments = log.segmentList.slice();
  const active = segments.at(-1)!;
  let firstUncleanable = Math.min(active.baseOffset, Number(log.highWatermark), Number(log.lastStableOffset));
  if (config.minCompactionLagMs > 0) {
    for (const seg of segments) {
      if (seg === active) break;
      if ((await seg.largestTimestamp()) > now - config.minCompactionLagMs) {
        firstUncleanable = Math.min(firstUncleanable, seg.baseOffset);
        break;
      }
    }
  }
  const cleanable: LogSegment[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i + 1]!.baseOffset <= firstUncleanable && segments[i]!.sealed) cleanable.push(segments[i]!);
    else break;
  }
  if (cleanable.length === 0) return null;
  const nextBase = (seg: LogSegment) => segments[segments.indexOf(seg) + 1]!.baseOffset;
  const dirtyStart = Math.max(log.cleanerCheckpoint, Number(log.logStartOffset), cleanable[0]!.baseOffset);
  let cleanBytes = 0;
  let dirtyBytes = 0;
  for (const seg of cleanable) {
    if (nextBase(seg) <= dirtyStart) cleanBytes += seg.size;
    else dirtyBytes += seg.size;
  }
  const dirtyRatio = dirtyBytes + cleanBytes === 0 ? 0 : dirtyBytes / (dirtyBytes + cleanBytes);
  if (!opts.force && (dirtyBytes === 0 || dirtyRatio < config.minCleanableDirtyRatio)) return null;

  // 1. The key map over the dirty section.
  const maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
  const offsetMap = new Map<string, number>();
  let cleanedUpTo = dirtyStart;
  for (const seg of cleanable) {
    if (nextBase(seg) <= dirtyStart) continue;
    for await (const { view } of seg.scan(0)) {
      if (view.isControl) continue;
      const decoded = decodeRecords(view);
      if (isRecordsError(decoded)) continue;
      for (const r of decoded.records) if (r.key !== null && r.offset >= BigInt(dirtyStart)) offsetMap.set(r.key.toString("latin1"), Number(r.offset));
    }
    cleanedUpTo = nextBase(seg);
    if (offsetMap.size >= maxKeys) break;
  }

  // 2. Rewrite every closed segment below the end of the mapped section.
  const toClean = cleanable.filter((s) => nextBase(s) <= cleanedUpTo);
  const stats: CleanStats = {
    segmentsBefore: toClean.length,
    segmentsAfter: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    recordsRead: 0,
    recordsRetained: 0,
    undecodableBatches: 0,
    keylessRecords: 0,
    dirtyRatio,
    cleanedUpTo,
  };
  const latestProducerBatch = log.producerState.lastBatchOffsets();
  const ctx: CleanContext = { offsetMap, now, deleteRetentionMs: config.deleteRetentionMs, latestProducerBatch, stats };
  for (const group of groupSegments(toClean, nextBase, config.segmentBytes)) {
    await cleanGroup(log, group, nextBase(group.at(-1)!), ctx);
  }
  log.cleanerCheckpoint = cleanedUpTo;
  log.log.info(
    {
      topic: log.topic,
      partition: log.partition,
      segments: stats.segmentsBefore,
      bytesBefore: stats.bytesBefore,
      bytesAfter: stats.bytesAfter,
      recordsRetained: stats.recordsRetained,
      recordsRead: stats.recordsRead,
      undecodableBatches: stats.undecodableBatches,
      cleanedUpTo,
    },
    "log compacted",
  );
  if (stats.keylessRecords > 0) {
    log.log.warn({ topic: log.topic, partition: log.partition, records: stats.keylessRecords }, "compaction dropped records without a key");
  }
  return stats;
}

interface CleanContext {
  offsetMap: Map<string, number>;
  now: number;
  deleteRetentionMs: number;
  /** producer id → last offset of its latest batch: that batch survives even when emptied. */
  latestProducerBatch: Map<number, number>;
  stats: CleanStats;
}

/** Consecutive segments whose combined size and offset span fit one segment. */
function groupSegments(segs: readonly LogSegment[], nextBase: (s: LogSegment) => number, maxBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let current: LogSegment[] = [];
  let bytes = 0;
  for (const seg of segs) {
    const fits =
      current.length > 0 && bytes + seg.size <= maxBytes && nextBase(seg) - 1 - current[0]!.baseOffset <= 0x7fffffff;
    if (!fits && current.length > 0) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(seg);
    bytes += seg.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

async function cleanGroup(log: PartitionLog, group: LogSegment[], groupEnd: number, ctx: CleanContext): Promise<void> {
  const base = group[0]!.baseOffset;
  const dir = log.dir;
  const opts = segmentOptions(log.config);
  const logPath = segmentPath(dir, base, LOG_SUFFIX);
  const indexPath = segmentPath(dir, base, INDEX_SUFFIX);
  const timePath = segmentPath(dir, base, TIME_INDEX_SUFFIX);
  const offsetIndex = new OffsetIndex(indexPath + CLEANED_SUFFIX, base, Math.floor(opts.segmentIndexBytes / 8));
  const timeIndex = new TimeIndex(timePath + CLEANED_SUFFIX, base, Math.floor(opts.segmentIndexBytes / 12));
  const fd = fs.openSync(logPath + CLEANED_SUFFIX, "w");
  let position = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let bytesSinceIndex = 0;
  let maxTs = -1;
  let offsetOfMaxTs = -1;
  const flushPending = async () => {
    if (pendingBytes === 0) return;
    await log.fileIo.writev(fd, pending, position - pendingBytes);
    pending = [];
    pendingBytes = 0;
  };
  try {
    for (const seg of group) {
      ctx.stats.bytesBefore += seg.size;
      for await (const { view } of seg.scan(0)) {
        const out = filterBatch(view, ctx);
        if (out === undefined) continue;
        const lastOffset = readInt64Number(out, 0) + out.readInt32BE(BATCH.lastOffsetDelta);
        if (lastOffset >= groupEnd) throw new Error(`batch at ${lastOffset} beyond segment group end ${groupEnd}`);
        const batchMax = readInt64Number(out, BATCH.maxTimestamp);
        if (batchMax > maxTs) {
          maxTs = batchMax;
          offsetOfMaxTs = lastOffset;
        }
        if (bytesSinceIndex > opts.indexIntervalBytes) {
          offsetIndex.append(lastOffset, position);
          timeIndex.maybeAppend(maxTs, offsetOfMaxTs);
          bytesSinceIndex = 0;
        }
        bytesSinceIndex += out.length;
        pending.push(out);
        pendingBytes += out.length;
        position += out.length;
        if (pendingBytes >= WRITE_CHUNK) await flushPending();
      }
    }
    await flushPending();
    await log.fileIo.datasync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (maxTs >= 0) timeIndex.maybeAppend(maxTs, offsetOfMaxTs, true);
  offsetIndex.persist();
  timeIndex.persist();
  ctx.stats.bytesAfter += position;

  // The swap: index files first, the log last — a .log.swap on disk means "committed".
  fs.renameSync(indexPath + CLEANED_SUFFIX, indexPath + SWAP_SUFFIX);
  fs.renameSync(timePath + CLEANED_SUFFIX, timePath + SWAP_SUFFIX);
  fs.renameSync(logPath + CLEANED_SUFFIX, logPath + SWAP_SUFFIX);
  syncDir(dir);
  for (const seg of group) {
    seg.markDeleted();
    seg.renameFiles("", DELETED_SUFFIX);
  }
  for (const p of [indexPath, timePath, logPath]) fs.renameSync(p + SWAP_SUFFIX, p);
  syncDir(dir);

  const replacement = LogSegment.open(dir, base, opts, log.fileIo);
  await replacement.ensureLoaded();
  replacement.sealed = true;
  log.replaceSegments(group, replacement);
  ctx.stats.segmentsAfter++;
  for (const seg of group) log.deleteLater(seg);
}

/**
 * The batch to write for `view`: itself, a rebuilt copy with fewer records or a delete horizon,
 * an empty header for a producer's latest batch, or undefined to drop it.
 */
function filterBatch(view: RecordBatchView, ctx: CleanContext): Buffer | undefined {
  const original = view.bytes;
  if (view.isControl) return original;
  const decoded = decodeRecords(view);
  if (isRecordsError(decoded)) {
    ctx.stats.undecodableBatches++;
    return original;
  }
  const records = decoded.records;
  ctx.stats.recordsRead += records.length;
  const horizon = view.hasDeleteHorizon ? Number(view.baseTimestamp) : undefined;
  const kept: DecodedRecord[] = [];
  let keptTombstone = false;
  for (const r of records) {
    if (r.key === null) {
      ctx.stats.keylessRecords++;
      continue;
    }
    const latest = ctx.offsetMap.get(r.key.toString("latin1"));
    if (latest !== undefined && latest > Number(r.offset)) continue;
    if (r.value === null) {
      if (horizon !== undefined && ctx.now >= horizon) continue;
      keptTombstone = true;
    }
    kept.push(r);
  }
  ctx.stats.recordsRetained += kept.length;
  const needsHorizon = keptTombstone && horizon === undefined;
  if (kept.length === records.length && !needsHorizon) return original;
  const base = readInt64Number(view.buf, view.pos);
  const lastOffset = base + view.lastOffsetDelta;
  const pid = readInt64Number(view.buf, view.pos + BATCH.producerId);
  if (kept.length === 0) {
    if (pid >= 0 && ctx.latestProducerBatch.get(pid) === lastOffset) {
      return rebuild(view, [], undefined);
    }
    return undefined;
  }
  return rebuild(view, kept, needsHorizon ? ctx.now + ctx.deleteRetentionMs : horizon);
}

function rebuild(view: RecordBatchView, kept: readonly DecodedRecord[], horizonMs: number | undefined): Buffer {
  const lat = view.timestampType === "LogAppendTime";
  return buildRecordBatch(
    kept.map((r) => ({
      value: r.value,
      timestamp: r.timestamp,
      offsetDelta: r.offsetDelta,
      encoded: r.encoded,
      tailStart: r.tailStart,
      attributes: r.attributes,
    })),
    {
      baseOffset: view.baseOffset,
      partitionLeaderEpoch: view.partitionLeaderEpoch,
      compression: view.compression as CompressionCodec,
      timestampType: view.timestampType,
      producerId: view.producerId,
      producerEpoch: view.producerEpoch,
      baseSequence: view.baseSequence,
      transactional: view.isTransactional,
      control: view.isControl,
      lastOffsetDelta: view.lastOffsetDelta,
      ...(horizonMs !== undefined ? { deleteHorizonMs: BigInt(horizonMs) } : {}),
      ...(lat || kept.length === 0 ? { maxTimestamp: view.maxTimestamp } : {}),
      ...(kept.length === 0 ? { baseTimestamp: view.baseTimestamp } : {}),
    },
  );
}
