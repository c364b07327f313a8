// What the log needs to know from inside batches beyond their headers: producer fields and
// markers, keys on compacted topics, and record timestamps for ListOffsets.
import {
  BATCH,
  type RecordBatchView,
  decodeRecords,
  isRecordsError,
  parseControlRecord,
  readInt64Number,
} from "../protocol/records.js";
import type { AppendError } from "./errors.js";
import type { TimestampOffset } from "./log-types.js";
import type { ProducerBatch } from "./producer-state.js";

export function describeProducerBatch(view: RecordBatchView, base: number): ProducerBatch {
  const lastOffset = base + view.lastOffsetDelta;
  let control: ProducerBatch["control"];
  if (view.isControl) {
    const decoded = decodeRecords(view);
    const first = !isRecordsError(decoded) ? decoded.records[0] : undefined;
    const parsed = first ? parseControlRecord(first) : undefined;
    if (parsed) control = parsed;
  }
  return {
    producerId: readInt64Number(view.buf, view.pos + BATCH.producerId),
    epoch: view.producerEpoch,
    firstSeq: view.baseSequence,
    lastSeq: view.lastSequence,
    firstOffset: base,
    lastOffset,
    maxTimestamp: readInt64Number(view.buf, view.pos + BATCH.maxTimestamp),
    isTransactional: view.isTransactional,
    isControl: view.isControl,
    control,
  };
}

export function describeProducerBatches(batches: readonly RecordBatchView[], base: number): ProducerBatch[] {
  const out: ProducerBatch[] = [];
  let offset = base;
  for (const b of batches) {
    if (readInt64Number(b.buf, b.pos + BATCH.producerId) >= 0) out.push(describeProducerBatch(b, offset));
    offset += b.lastOffsetDelta + 1;
  }
  return out;
}

/** Compacted topics need a key on every record (Kafka's LogValidator); the cleaner relies on it. */
export function checkKeys(batches: readonly RecordBatchView[], topic: string, partition: number): AppendError | undefined {
  for (const b of batches) {
    const decoded = decodeRecords(b);
    if (isRecordsError(decoded)) return { error: decoded.code, message: decoded.message };
    const recordErrors = [];
    for (let i = 0; i < decoded.records.length; i++) {
      if (decoded.records[i]!.key === null) {
        recordErrors.push({ batchIndex: i, message: `Compacted topic cannot accept message without key in topic partition ${topic}-${partition}.` });
      }
    }
    if (recordErrors.length > 0) {
      return { error: "INVALID_RECORD", message: "One or more records have been rejected", recordErrors };
    }
  }
  return undefined;
}

/** The first record of `view` at or after `target` ms and at or after `minOffset`. */
export function firstRecordAtOrAfter(view: RecordBatchView, target: number, minOffset: number): TimestampOffset {
  const epoch = view.partitionLeaderEpoch;
  const lat = view.timestampType === "LogAppendTime";
  const decoded = decodeRecords(view);
  if (!isRecordsError(decoded)) {
    for (const r of decoded.records) {
      const ts = lat ? view.maxTimestamp : r.timestamp;
      if (ts >= BigInt(target) && r.offset >= BigInt(minOffset)) return { timestamp: ts, offset: r.offset, leaderEpoch: epoch };
    }
  }
  // Undecodable batch: its first offset is the best honest answer.
  const base = readInt64Number(view.buf, view.pos);
  return { timestamp: view.maxTimestamp, offset: BigInt(Math.max(base, minOffset)), leaderEpoch: epoch };
}
