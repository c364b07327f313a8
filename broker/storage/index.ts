// The storage layer's public surface: import from here, not from the files behind it.
export { LogManager, type LogManagerOptions } from "./log-manager.js";
export { PartitionLog, type PartitionLogOptions, type PartitionLogHooks } from "./partition-log.js";
export {
  type AppendOptions,
  type AppendOrigin,
  type AppendResult,
  type AppendSuccess,
  type ReadOptions,
  type ReadResult,
  type ReadSuccess,
  type ReadError,
  type UpperBound,
  type TimestampOffset,
  type LogStats,
  LATEST_TIMESTAMP,
  EARLIEST_TIMESTAMP,
  MAX_TIMESTAMP,
  EARLIEST_LOCAL_TIMESTAMP,
} from "./log-types.js";
export {
  type LogConfig,
  type CleanupPolicy,
  type MessageTimestampType,
  DEFAULT_LOG_CONFIG,
  NEVER,
  logConfig,
  isCompacted,
  isDeletePolicy,
  parseCleanupPolicy,
} from "./log-config.js";
export type { AppendError, AppendErrorName, ReadErrorName, StorageErrorName, RecordError } from "./errors.js";
export type { CleanStats, CompactOptions } from "./cleaner.js";
export type { ProducerSummary, ProducerStateOptions } from "./producer-state.js";
export { type Clock, ManualClock, systemClock } from "./clock.js";
export { type FileIo, nodeFileIo } from "./file-io.js";
