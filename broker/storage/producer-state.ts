// Idempotent and transactional producer state of one partition: per producer id its epoch, the
// last five batches' sequence and offset ranges (to answer retries with the original offsets),
// and the first offset of an open transaction (for the last stable offset).
// Validation follows Kafka 4's ProducerAppendInfo; see README "Decisions" for unknown producers.
import { INT32_MAX } from "../protocol/records.js";
import type { AppendError } from "./errors.js";
import type { SnapshotEntry } from "./producer-snapshot.js";

export const BATCHES_TO_RETAIN = 5;
const NO_SEQUENCE = -1;
const NO_EPOCH = -1;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  batches: BatchMetadata[];
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction in this partition, or -1. */
  currentTxnFirstOffset: number;
  lastTimestamp: number;
}

/** What producer state needs to know of one batch about to be appended. */
export interface ProducerBatch {
  producerId: number;
  epoch: number;
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  isTransactional: boolean;
  /** For control batches: the marker, when it could be read. */
  control?: { type: "COMMIT" | "ABORT" | "UNKNOWN"; coordinatorEpoch: number } | undefined;
  isControl: boolean;
}

export type ProducerOrigin = "client" | "coordinator" | "replication";

export interface PreparedAppend {
  updates: Map<number, ProducerEntry>;
}

export interface DuplicateAppend {
  duplicate: BatchMetadata;
}

export interface ProducerStateOptions {
  /**
   * Reject a non-zero first sequence from a producer this partition does not know. Kafka 4 does
   * this only under transactions-v2 verification; plain idempotent producers are accepted.
   */
  strictUnknownProducerSequence?: boolean;
}

export interface ProducerSummary {
  producerId: bigint;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: bigint;
  coordinatorEpoch: number;
  currentTxnStartOffset: bigint;
}

function emptyEntry(producerId: number): ProducerEntry {
  return { producerId, epoch: NO_EPOCH, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: -1, lastTimestamp: -1 };
}

function cloneEntry(e: ProducerEntry): ProducerEntry {
  return { ...e, batches: e.batches.slice() };
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}

export class ProducerStateManager {
  private producers = new Map<number, ProducerEntry>();
  /** The offset up to which state has been computed (the log end it describes). */
  mapEndOffset = 0;

  constructor(private readonly opts: ProducerStateOptions = {}) {}

  get size(): number {
    return this.producers.size;
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  /**
   * Validates the batches of one append against current state without changing it. Returns the
   * updated entries to commit, the metadata of a retried batch, or the error to answer.
   */
  prepare(batches: readonly ProducerBatch[], origin: ProducerOrigin): PreparedAppend | DuplicateAppend | AppendError {
    const updates = new Map<number, ProducerEntry>();
    for (const b of batches) {
      if (b.producerId < 0) continue;
      const current = this.producers.get(b.producerId);
      if (origin === "client" && !b.isControl && current && current.epoch === b.epoch) {
        const dup = current.batches.find((m) => m.firstSeq === b.firstSeq && m.lastSeq === b.lastSeq);
        if (dup) return { duplicate: dup };
      }
      const entry = updates.get(b.producerId) ?? (current ? cloneEntry(current) : emptyEntry(b.producerId));
      const err = b.isControl ? this.applyMarker(entry, b, origin) : this.applyData(entry, b, current, origin);
      if (err) return err;
      updates.set(b.producerId, entry);
    }
    return { updates };
  }

  commit(prepared: PreparedAppend, endOffset: number): void {
    for (const [pid, entry] of prepared.updates) this.producers.set(pid, entry);
    this.mapEndOffset = endOffset;
  }

  /** Replays a batch read back from the log (recovery): no validation, as for replication. */
  replay(b: ProducerBatch): void {
    if (b.producerId >= 0) {
      const prepared = this.prepare([b], "replication");
      if ("updates" in prepared) for (const [pid, entry] of prepared.updates) this.producers.set(pid, entry);
    }
    this.mapEndOffset = b.lastOffset + 1;
  }

  private applyData(entry: ProducerEntry, b: ProducerBatch, current: ProducerEntry | undefined, origin: ProducerOrigin): AppendError | undefined {
    if (b.epoch < entry.epoch && origin !== "replication") {
      return {
        error: "INVALID_PRODUCER_EPOCH",
        message: `epoch ${b.epoch} of producer ${b.producerId} is older than the last seen epoch ${entry.epoch}`,
      };
    }
    if (origin === "client") {
      const err = this.checkSequence(entry, b, current);
      if (err) return err;
    }
    if (b.epoch !== entry.epoch) {
      entry.epoch = b.epoch;
      entry.batches = [];
    }
    entry.batches.push({
      firstSeq: b.firstSeq,
      lastSeq: b.lastSeq,
      firstOffset: b.firstOffset,
      lastOffset: b.lastOffset,
      timestamp: b.maxTimestamp,
    });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestamp = b.maxTimestamp;
    if (entry.currentTxnFirstOffset >= 0 && !b.isTransactional) {
      if (origin !== "replication") {
        return {
          error: "INVALID_TXN_STATE",
          message: `expected a transactional write from producer ${b.producerId}: its transaction is open`,
        };
      }
    } else if (entry.currentTxnFirstOffset < 0 && b.isTransactional) {
      entry.currentTxnFirstOffset = b.firstOffset;
    }
    return undefined;
  }

  private checkSequence(entry: ProducerEntry, b: ProducerBatch, current: ProducerEntry | undefined): AppendError | undefined {
    const knownEpoch = current !== undefined && current.epoch !== NO_EPOCH;
    if (b.epoch !== entry.epoch) {
      if (b.firstSeq !== 0 && (entry.epoch !== NO_EPOCH || this.opts.strictUnknownProducerSequence)) {
        return {
          error: "OUT_OF_ORDER_SEQUENCE_NUMBER",
          message: `producer ${b.producerId} must start epoch ${b.epoch} at sequence 0, not ${b.firstSeq}`,
        };
      }
      return undefined;
    }
    const lastSeq = entry.batches.at(-1)?.lastSeq ?? NO_SEQUENCE;
    if (knownEpoch && !inSequence(lastSeq, b.firstSeq)) {
      return {
        error: "OUT_OF_ORDER_SEQUENCE_NUMBER",
        message: `out of order sequence for producer ${b.producerId}: ${b.firstSeq} (incoming), ${lastSeq} (last)`,
      };
    }
    return undefined;
  }

  private applyMarker(entry: ProducerEntry, b: ProducerBatch, origin: ProducerOrigin): AppendError | undefined {
    if (origin !== "replication") {
      if (b.epoch < entry.epoch) {
        return {
          error: "INVALID_PRODUCER_EPOCH",
          message: `marker epoch ${b.epoch} of producer ${b.producerId} is older than ${entry.epoch}`,
        };
      }
      if (b.control && entry.coordinatorEpoch > b.control.coordinatorEpoch) {
        return {
          error: "TRANSACTION_COORDINATOR_FENCED",
          message: `coordinator epoch ${b.control.coordinatorEpoch} is older than ${entry.coordinatorEpoch}`,
        };
      }
    }
    if (b.epoch !== entry.epoch) {
      entry.epoch = b.epoch;
      entry.batches = [];
    }
    if (b.control) entry.coordinatorEpoch = b.control.coordinatorEpoch;
    entry.currentTxnFirstOffset = -1;
    entry.lastTimestamp = b.maxTimestamp;
    return undefined;
  }

  /** producer id → last offset of its latest batch (compaction keeps that batch, if only as a header). */
  lastBatchOffsets(): Map<number, number> {
    const out = new Map<number, number>();
    for (const e of this.producers.values()) {
      const last = e.batches.at(-1);
      if (last) out.set(e.producerId, last.lastOffset);
    }
    return out;
  }

  /** The first offset of the earliest open transaction, or undefined. */
  firstUnstableOffset(): number | undefined {
    let min: number | undefined;
    for (const e of this.producers.values()) {
      if (e.currentTxnFirstOffset >= 0 && (min === undefined || e.currentTxnFirstOffset < min)) min = e.currentTxnFirstOffset;
    }
    return min;
  }

  /** Drops producers idle since before `nowMs - expirationMs` (producer.id.expiration.ms). */
  removeExpired(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [pid, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && e.lastTimestamp < nowMs - expirationMs) {
        this.producers.delete(pid);
        removed++;
      }
    }
    return removed;
  }

  clear(endOffset: number): void {
    this.producers.clear();
    this.mapEndOffset = endOffset;
  }

  toSnapshot(): SnapshotEntry[] {
    const out: SnapshotEntry[] = [];
    for (const e of this.producers.values()) {
      const last = e.batches.at(-1);
      out.push({
        producerId: e.producerId,
        epoch: e.epoch,
        lastSequence: last ? last.lastSeq : NO_SEQUENCE,
        lastOffset: last ? last.lastOffset : -1,
        offsetDelta: last ? last.lastOffset - last.firstOffset : 0,
        timestamp: e.lastTimestamp,
        coordinatorEpoch: e.coordinatorEpoch,
        currentTxnFirstOffset: e.currentTxnFirstOffset,
      });
    }
    return out;
  }

  loadSnapshot(entries: readonly SnapshotEntry[], endOffset: number): void {
    this.producers.clear();
    for (const s of entries) {
      const batches: BatchMetadata[] = [];
      if (s.lastOffset >= 0 && s.lastSequence >= 0) {
        batches.push({
          firstSeq: decrementSequence(s.lastSequence, s.offsetDelta),
          lastSeq: s.lastSequence,
          firstOffset: s.lastOffset - s.offsetDelta,
          lastOffset: s.lastOffset,
          timestamp: s.timestamp,
        });
      }
      this.producers.set(s.producerId, {
        producerId: s.producerId,
        epoch: s.epoch,
        batches,
        coordinatorEpoch: s.coordinatorEpoch,
        currentTxnFirstOffset: s.currentTxnFirstOffset,
        lastTimestamp: s.timestamp,
      });
    }
    this.mapEndOffset = endOffset;
  }

  summaries(): ProducerSummary[] {
    return [...this.producers.values()].map((e) => ({
      producerId: BigInt(e.producerId),
      producerEpoch: e.epoch,
      lastSequence: e.batches.at(-1)?.lastSeq ?? NO_SEQUENCE,
      lastTimestamp: BigInt(e.lastTimestamp),
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnStartOffset: BigInt(e.currentTxnFirstOffset),
    }));
  }
}
