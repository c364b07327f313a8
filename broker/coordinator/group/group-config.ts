// The broker settings the coordinator reads, in the units it uses. The broker fills this from its
// server.properties keys (named beside each field); the defaults are Apache Kafka 4.0's.
import type { BrokerConfig } from "../../config/index.js";

export interface GroupCoordinatorConfig {
  /** offsets.topic.num.partitions */
  readonly offsetsTopicNumPartitions: number;
  /** offsets.retention.minutes × 60 000 */
  readonly offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms */
  readonly offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes */
  readonly offsetMetadataMaxBytes: number;
  /** group.min.session.timeout.ms */
  readonly classicMinSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  readonly classicMaxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms */
  readonly classicInitialRebalanceDelayMs: number;
  /** group.max.size */
  readonly classicMaxSize: number;
  /** Kafka's fixed 5 minutes a new member's parked JoinGroup may wait before it is dropped. */
  readonly classicNewMemberJoinTimeoutMs: number;
  /** group.consumer.session.timeout.ms */
  readonly consumerSessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms */
  readonly consumerHeartbeatIntervalMs: number;
  /** group.consumer.max.size */
  readonly consumerMaxSize: number;
  /** group.consumer.assignors: names of server-side assignors; the first is the default. */
  readonly consumerAssignors: readonly string[];
  /** How long a resolved SubscribedTopicRegex is reused before topics are matched again. */
  readonly consumerRegexRefreshIntervalMs: number;
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = {
  offsetsTopicNumPartitions: 50,
  offsetsRetentionMs: 10080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
  classicMinSessionTimeoutMs: 6000,
  classicMaxSessionTimeoutMs: 1_800_000,
  classicInitialRebalanceDelayMs: 3000,
  classicMaxSize: 2147483647,
  classicNewMemberJoinTimeoutMs: 300_000,
  consumerSessionTimeoutMs: 45_000,
  consumerHeartbeatIntervalMs: 5000,
  consumerMaxSize: 2147483647,
  consumerAssignors: ["uniform", "range"],
  consumerRegexRefreshIntervalMs: 10_000,
};

export function groupCoordinatorConfig(overrides: Partial<GroupCoordinatorConfig> = {}): GroupCoordinatorConfig {
  return { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...overrides };
}

/** The broker settings (BrokerConfig fields) the coordinator is configured from. */
export type GroupSettings = Pick<
  BrokerConfig,
  | "offsetsTopicNumPartitions"
  | "offsetsRetentionMs"
  | "offsetsRetentionCheckIntervalMs"
  | "offsetMetadataMaxBytes"
  | "groupMinSessionTimeoutMs"
  | "groupMaxSessionTimeoutMs"
  | "groupInitialRebalanceDelayMs"
  | "groupMaxSize"
  | "groupConsumerSessionTimeoutMs"
  | "groupConsumerHeartbeatIntervalMs"
  | "groupConsumerMaxSize"
  | "groupConsumerAssignors"
>;

export function groupCoordinatorConfigFrom(c: GroupSettings): GroupCoordinatorConfig {
  return groupCoordinatorConfig({
    offsetsTopicNumPartitions: c.offsetsTopicNumPartitions,
    offsetsRetentionMs: c.offsetsRetentionMs,
    offsetsRetentionCheckIntervalMs: c.offsetsRetentionCheckIntervalMs,
    offsetMetadataMaxBytes: c.offsetMetadataMaxBytes,
    classicMinSessionTimeoutMs: c.groupMinSessionTimeoutMs,
    classicMaxSessionTimeoutMs: c.groupMaxSessionTimeoutMs,
    classicInitialRebalanceDelayMs: c.groupInitialRebalanceDelayMs,
    classicMaxSize: c.groupMaxSize,
    consumerSessionTimeoutMs: c.groupConsumerSessionTimeoutMs,
    consumerHeartbeatIntervalMs: c.groupConsumerHeartbeatIntervalMs,
    consumerMaxSize: c.groupConsumerMaxSize,
    consumerAssignors: c.groupConsumerAssignors,
  });
}
