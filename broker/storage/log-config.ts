// The resolved per-topic log configuration: Kafka's topic keys in camelCase, every value present.
// Parsing and inheritance (topic override → broker log.* default) happen in broker/config.

export type CleanupPolicy = "delete" | "compact" | "compact,delete";
export type MessageTimestampType = "CreateTime" | "LogAppendTime";

/** Kafka's Long.MAX_VALUE ("never") as the largest exact JS integer. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export interface LogConfig {
  /** segment.bytes */
  segmentBytes: number;
  /** segment.ms */
  segmentMs: number;
  /** retention.ms; -1 keeps data forever. */
  retentionMs: number;
  /** retention.bytes; -1 means no size limit. */
  retentionBytes: number;
  /** cleanup.policy ("delete,compact" is normalised to "compact,delete"). */
  cleanupPolicy: CleanupPolicy;
  /** max.message.bytes: the largest batch accepted, framing included. */
  maxMessageBytes: number;
  /** flush.messages: fsync after this many messages; 1 = every append waits for fsync. */
  flushMessages: number;
  /** flush.ms */
  flushMs: number;
  /** index.interval.bytes */
  indexIntervalBytes: number;
  /** segment.index.bytes: caps index entries per segment (8 bytes each); a full index rolls. */
  segmentIndexBytes: number;
  /** message.timestamp.type */
  messageTimestampType: MessageTimestampType;
  /** delete.retention.ms: how long tombstones survive compaction. */
  deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio */
  minCleanableDirtyRatio: number;
  /** min.compaction.lag.ms */
  minCompactionLagMs: number;
  /** file.delete.delay.ms */
  fileDeleteDelayMs: number;
  /** min.insync.replicas: not used by storage, carried with the topic's log config as Kafka does. */
  minInsyncReplicas: number;
}

/** Kafka 4's defaults. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  cleanupPolicy: "delete",
  maxMessageBytes: 1024 * 1024 + 12,
  flushMessages: NEVER,
  flushMs: NEVER,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  messageTimestampType: "CreateTime",
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  fileDeleteDelayMs: 60 * 1000,
  minInsyncReplicas: 1,
});

export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

export function isCompacted(config: LogConfig): boolean {
  return config.cleanupPolicy !== "delete";
}

export function isDeletePolicy(config: LogConfig): boolean {
  return config.cleanupPolicy !== "compact";
}

/** Parses Kafka's list form ("compact", "delete,compact", …). */
export function parseCleanupPolicy(value: string): CleanupPolicy | undefined {
  const parts = new Set(value.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0));
  for (const p of parts) if (p !== "compact" && p !== "delete") return undefined;
  if (parts.has("compact") && parts.has("delete")) return "compact,delete";
  if (parts.has("compact")) return "compact";
  if (parts.has("delete")) return "delete";
  return undefined;
}
