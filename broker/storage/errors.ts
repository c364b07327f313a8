// The storage layer's error vocabulary: Kafka error names, carried in-band in results.
// Mapping names to wire codes belongs to the protocol error table.

export type AppendErrorName =
  | "CORRUPT_MESSAGE"
  | "INVALID_RECORD"
  | "MESSAGE_TOO_LARGE"
  | "RECORD_LIST_TOO_LARGE"
  | "UNSUPPORTED_FOR_MESSAGE_FORMAT"
  | "UNSUPPORTED_COMPRESSION_TYPE"
  | "OUT_OF_ORDER_SEQUENCE_NUMBER"
  | "DUPLICATE_SEQUENCE_NUMBER"
  | "INVALID_PRODUCER_EPOCH"
  | "UNKNOWN_PRODUCER_ID"
  | "INVALID_TXN_STATE"
  | "TRANSACTION_COORDINATOR_FENCED"
  | "KAFKA_STORAGE_ERROR";

export type ReadErrorName = "OFFSET_OUT_OF_RANGE" | "KAFKA_STORAGE_ERROR";

export type StorageErrorName = AppendErrorName | ReadErrorName;

export interface RecordError {
  batchIndex: number;
  message: string;
}

export interface AppendError {
  error: AppendErrorName;
  message: string;
  recordErrors?: RecordError[];
}

/**
 * Thrown inside the package when the disk fails; public methods turn it into
 * KAFKA_STORAGE_ERROR and take the partition offline.
 */
export class StorageIoError extends Error {
  override name = "StorageIoError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Thrown when a log is used after close or while offline. */
export class LogOfflineError extends StorageIoError {
  override name = "LogOfflineError";
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
