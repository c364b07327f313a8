// Opening a partition directory: finish or discard interrupted file operations, open the
// segments, and — after an unclean shutdown — re-read every batch after the recovery point,
// truncating at the first invalid byte and rebuilding indexes on the way.
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import {
  BATCH,
  BATCH_HEADER_SIZE,
  CURRENT_MAGIC,
  INT32_MAX,
  LOG_OVERHEAD,
  type RecordBatchView,
  readInt64Number,
} from "../protocol/records.js";
import type { FileIo } from "./file-io.js";
import { syncDir } from "./file-io.js";
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
  TMP_SUFFIX,
  TXN_INDEX_SUFFIX,
  parseOffsetFileName,
  segmentPath,
} from "./file-names.js";
import { LogSegment, type SegmentOptions } from "./segment.js";

export interface RecoveryInput {
  dir: string;
  segmentOptions: SegmentOptions;
  io: FileIo;
  logger: Logger;
  cleanShutdown: boolean;
  recoveryPoint: number | undefined;
  /** Where an empty log starts. */
  initialOffset: number;
  /**
   * Offsets run on without gaps from one segment to the next (the log is not compacted): a
   * segment starting beyond the end of the one before was rolled while an earlier write was still
   * on its way, and the crash lost that write.
   */
  contiguousOffsets: boolean;
  /** Sees every batch that recovery re-read and kept (to re-derive leader epochs). */
  onRecoveredBatch?: (view: RecordBatchView) => void;
}

export interface RecoveredSegments {
  segments: LogSegment[];
  nextOffset: number;
  /** Bytes dropped from a torn or corrupt tail. */
  truncatedBytes: number;
  /** Whether any segment was re-read (unclean shutdown). */
  recovered: boolean;
}

export async function recoverSegments(input: RecoveryInput): Promise<RecoveredSegments> {
  const { dir, logger } = input;
  await completeInterruptedOperations(dir, input, logger);
  const bases = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith(LOG_SUFFIX) && /^\d{20}\.log$/.test(n))
    .map((n) => parseOffsetFileName(n)!)
    .sort((a, b) => a - b);
  const segments = bases.map((b) => LogSegment.open(dir, b, input.segmentOptions, input.io));
  if (segments.length === 0) {
    segments.push(LogSegment.create(dir, input.initialOffset, input.segmentOptions, input.io));
    return { segments, nextOffset: input.initialOffset, truncatedBytes: 0, recovered: false };
  }
  let truncatedBytes = 0;
  let recovered = false;
  if (input.cleanShutdown) {
    const active = segments.at(-1)!;
    await active.ensureLoaded();
    const valid = await validEnd(active);
    if (valid < active.writtenSize) {
      logger.warn({ dir, segment: active.baseOffset, bytes: active.writtenSize - valid }, "dropping a partial batch after clean shutdown");
      truncatedBytes += await active.truncateToPosition(valid);
    }
  } else {
    recovered = true;
    const rp = input.recoveryPoint ?? 0;
    let start = 0;
    for (let i = 0; i < segments.length; i++) if (segments[i]!.baseOffset <= rp) start = i;
    // The log ends at the first invalid byte or, when offsets must be contiguous, at the first gap
    // between segments. Appends complete in order, so nothing after either was acknowledged.
    for (let i = start; i < segments.length; i++) {
      const seg = segments[i]!;
      const valid = await seg.rebuild((view, expectedNext) => {
        const ok = isRecoverableBatch(view, seg.baseOffset, expectedNext);
        if (ok) input.onRecoveredBatch?.(view);
        return ok;
      });
      const next = segments[i + 1];
      if (valid < seg.writtenSize) {
        logger.warn(
          { dir, segment: seg.baseOffset, validBytes: valid, fileBytes: seg.writtenSize },
          "truncating invalid bytes at the end of the log",
        );
        truncatedBytes += await seg.truncateToPosition(valid);
      } else if (input.contiguousOffsets && next !== undefined && next.baseOffset > seg.nextOffset) {
        logger.warn(
          { dir, segment: next.baseOffset, previousEnd: seg.nextOffset },
          "a segment starts beyond the end of the one before (rolled before a write the crash lost)",
        );
      } else {
        continue;
      }
      truncatedBytes += deleteSegmentsAfter(segments, i, logger);
      break;
    }
    for (const seg of segments.slice(start)) if (!seg.isClosed) await seg.sync();
  }
  const active = segments.at(-1)!;
  await active.ensureLoaded();
  return { segments, nextOffset: active.nextOffset, truncatedBytes, recovered };
}

/** Removes the segments after index `i` (from the list and the disk); returns their bytes. */
function deleteSegmentsAfter(segments: LogSegment[], i: number, logger: Logger): number {
  let bytes = 0;
  for (const later of segments.splice(i + 1)) {
    bytes += later.writtenSize;
    later.close();
    later.deleteFiles("");
    logger.warn({ dir: later.dir, segment: later.baseOffset }, "deleted a segment after the end of the recovered log");
  }
  return bytes;
}

function isRecoverableBatch(view: RecordBatchView, segmentBase: number, expectedNext: number): boolean {
  if (view.magic !== CURRENT_MAGIC) return false;
  const base = readInt64Number(view.buf, view.pos);
  const delta = view.lastOffsetDelta;
  if (base < expectedNext || base < segmentBase || delta < 0) return false;
  if (base + delta - segmentBase > INT32_MAX) return false;
  return view.isCrcValid();
}

/** The end of the last complete batch in a segment (a clean shutdown should leave no tail). */
async function validEnd(seg: LogSegment): Promise<number> {
  const last = seg.nextOffset - 1;
  if (seg.nextOffset === seg.baseOffset) {
    let end = 0;
    for await (const { position, view } of seg.scan(0)) end = position + view.size;
    return end;
  }
  const found = await seg.locate(last);
  if (!found) return seg.writtenSize;
  let end = found.position;
  for await (const { position, view } of seg.scan(found.position)) end = position + view.size;
  return end;
}

/**
 * Removes leftovers of operations a crash interrupted: .deleted, .cleaned and .tmp files go;
 * a compaction whose .log.swap exists had committed, so the segments it replaces are removed and
 * the swap files take their final names.
 */
async function completeInterruptedOperations(dir: string, input: RecoveryInput, logger: Logger): Promise<void> {
  const names = fs.readdirSync(dir);
  for (const n of names) {
    if (n.endsWith(DELETED_SUFFIX) || n.endsWith(CLEANED_SUFFIX) || n.endsWith(TMP_SUFFIX)) {
      fs.rmSync(path.join(dir, n), { force: true });
    }
  }
  const swaps = names.filter((n) => n.endsWith(LOG_SUFFIX + SWAP_SUFFIX)).map((n) => parseOffsetFileName(n)!);
  for (const base of swaps.sort((a, b) => a - b)) {
    const swapPath = segmentPath(dir, base, LOG_SUFFIX) + SWAP_SUFFIX;
    const lastOffset = await lastOffsetOfFile(swapPath, base, input);
    for (const n of fs.readdirSync(dir)) {
      if (!/^\d{20}\.log$/.test(n)) continue;
      const b = parseOffsetFileName(n)!;
      if (b >= base && b <= lastOffset) {
        for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX]) {
          fs.rmSync(segmentPath(dir, b, s), { force: true });
        }
      }
    }
    for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX]) {
      const p = segmentPath(dir, base, s);
      if (fs.existsSync(p + SWAP_SUFFIX)) fs.renameSync(p + SWAP_SUFFIX, p);
    }
    logger.info({ dir, segment: base }, "completed an interrupted compaction swap");
  }
  // Index swaps without their log never committed.
  for (const n of fs.readdirSync(dir)) {
    if (n.endsWith(SWAP_SUFFIX)) fs.rmSync(path.join(dir, n), { force: true });
  }
  // Indexes without a log are orphans (the log was deleted first).
  const logs = new Set(fs.readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n)).map((n) => parseOffsetFileName(n)));
  for (const n of fs.readdirSync(dir)) {
    if (!/^\d{20}\.(index|timeindex|txnindex)$/.test(n)) continue;
    if (!logs.has(parseOffsetFileName(n))) fs.rmSync(path.join(dir, n), { force: true });
  }
  syncDir(dir);
}

/** The last offset of the complete batches in a segment file (header scan only). */
async function lastOffsetOfFile(file: string, base: number, input: RecoveryInput): Promise<number> {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    let last = base - 1;
    let pos = 0;
    const headerBytes = BATCH.lastOffsetDelta + 4;
    const header = Buffer.allocUnsafe(headerBytes);
    while (size - pos >= headerBytes) {
      const n = await input.io.read(fd, header, 0, headerBytes, pos);
      if (n < headerBytes) break;
      const batchSize = LOG_OVERHEAD + header.readInt32BE(BATCH.batchLength);
      if (batchSize < BATCH_HEADER_SIZE || pos + batchSize > size) break;
      last = readInt64Number(header, 0) + header.readInt32BE(BATCH.lastOffsetDelta);
      pos += batchSize;
    }
    return last;
  } finally {
    fs.closeSync(fd);
  }
}
