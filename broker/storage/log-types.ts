// The result and option types of PartitionLog's public API: Kafka's int64s are bigints here.
import type { AppendError, ReadErrorName } from "./errors.js";

export type AppendOrigin = "client" | "coordinator";

export interface AppendOptions {
  leaderEpoch: number;
  origin: AppendOrigin;
  /** Defaults to the topic's max.message.bytes. */
  maxMessageBytes?: number;
}

export interface AppendSuccess {
  baseOffset: bigint;
  lastOffset: bigint;
  /** -1n unless the topic uses LogAppendTime. */
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  /** A retried batch already in the log: these are its original offsets, nothing was written. */
  duplicate?: boolean;
}

export type AppendResult = AppendSuccess | AppendError;

export type UpperBound = "highWatermark" | "lastStable" | "logEnd";

export interface ReadOptions {
  minOneMessage: boolean;
  upperBound: UpperBound;
}

export interface ReadSuccess {
  records: Buffer;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

export interface ReadError {
  error: ReadErrorName;
  message: string;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

export type ReadResult = ReadSuccess | ReadError;

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
  /** Leader epoch of the batch holding the offset, or -1 when unknown. */
  leaderEpoch: number;
}

/** ListOffsets' special timestamps. */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;
export const EARLIEST_LOCAL_TIMESTAMP = -4n;

export interface LogStats {
  appends: number;
  /** writev calls: fewer than appends when writes were coalesced. */
  writes: number;
  /** fdatasync calls made by group commit (not counting roll/close syncs). */
  fsyncs: number;
  bytesAppended: number;
  cacheReads: number;
  diskReads: number;
}
