// The bridge between Kafka topic configs (broker/config) and the storage layer's LogConfig.
import { resolveTopicConfig, validateTopicConfig, type BrokerConfig, type TopicConfig } from "../config/index.js";
import { NEVER, type LogConfig } from "../storage/index.js";

/** Kafka writes "never" as Long.MAX_VALUE; storage keeps it as NEVER (a safe integer). */
function capped(ms: number): number {
  return ms >= NEVER ? NEVER : ms;
}

export function toLogConfig(topic: TopicConfig): LogConfig {
  return {
    segmentBytes: topic.segmentBytes,
    segmentMs: capped(topic.segmentMs),
    retentionMs: topic.retentionMs,
    retentionBytes: topic.retentionBytes,
    cleanupPolicy: topic.compact ? (topic.delete ? "compact,delete" : "compact") : "delete",
    maxMessageBytes: topic.maxMessageBytes,
    flushMessages: capped(topic.flushMessages),
    flushMs: capped(topic.flushMs),
    indexIntervalBytes: topic.indexIntervalBytes,
    segmentIndexBytes: topic.segmentIndexBytes,
    messageTimestampType: topic.messageTimestampType,
    deleteRetentionMs: capped(topic.deleteRetentionMs),
    minCleanableDirtyRatio: topic.minCleanableDirtyRatio,
    minCompactionLagMs: topic.minCompactionLagMs,
    fileDeleteDelayMs: topic.fileDeleteDelayMs,
    minInsyncReplicas: topic.minInsyncReplicas,
  };
}

/** The effective log config of a topic with these overrides on this broker. */
export function logConfigFor(broker: BrokerConfig, overrides: ReadonlyMap<string, string>): LogConfig {
  const resolved = resolveTopicConfig(overrides, broker);
  // Overrides in the metadata image were validated when written; failing here is a bug.
  if (!resolved.ok) throw new Error(`invalid stored topic config: ${resolved.error.message}`);
  return toLogConfig(resolved.value.config);
}

/** Validates topic config overrides; returns Kafka's INVALID_CONFIG message or null. */
export function validateTopicOverrides(broker: BrokerConfig, overrides: ReadonlyMap<string, string>): string | null {
  const result = validateTopicConfig(overrides, broker);
  return result.ok ? null : result.error.message;
}
