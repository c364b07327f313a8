/**
 * Per-topic keys as data (Kafka 4.0's LogConfig), each with the broker keys that supply its
 * default, in Kafka's priority order (ServerTopicConfigSynonyms). Some broker synonyms are in
 * other units; `scale` turns their value into the topic key's unit.
 */
import {
  type ConfigKeyDef,
  type ConfigType,
  type Implementation,
  type Validator,
  LONG_MAX_STRING,
  atLeast,
  between,
  listOf,
  oneOf,
} from "./config-def.js";
import { COMPRESSION_TYPES, GZIP_LEVEL_VALIDATOR as gzipLevel } from "./definitions.js";

export interface BrokerSynonym {
  readonly name: string;
  /** Multiply the broker value by this to get the topic value (hours/minutes → ms). */
  readonly scale?: number;
}

export interface TopicKeyDef extends ConfigKeyDef {
  /** Broker keys that give this topic key its default, highest priority first; empty if none. */
  readonly synonyms: readonly BrokerSynonym[];
}

const HOURS = 60 * 60 * 1000;
const MINUTES = 60 * 1000;

// Kafka's ThrottledReplicaListValidator: "*" or partition:broker pairs.
const throttledReplicas: Validator = {
  kind: "custom",
  describe: "[partitionId]:[brokerId],[partitionId]:[brokerId],...",
  check: (v) => {
    const list = v as readonly string[];
    const trimmed = list.map((e) => e.trim());
    const ok = trimmed.every((e) => /^([0-9]+:[0-9]+)?$/.test(e)) || trimmed.join("") === "*";
    return ok
      ? undefined
      : "Must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...";
  },
};

function topicKey(
  name: string,
  type: ConfigType,
  defaultValue: string,
  synonyms: readonly (string | BrokerSynonym)[],
  doc: string,
  extra: { validator?: Validator; implementation?: Implementation } = {},
): TopicKeyDef {
  return {
    name,
    type,
    default: defaultValue,
    importance: "medium",
    doc,
    // Every topic key can be changed at any time with IncrementalAlterConfigs.
    updateMode: "cluster-wide",
    implementation: extra.implementation ?? "implemented",
    synonyms: synonyms.map((s) => (typeof s === "string" ? { name: s } : s)),
    ...(extra.validator !== undefined ? { validator: extra.validator } : {}),
  };
}

export const TOPIC_CONFIG_DEFS: readonly TopicKeyDef[] = [
  topicKey("cleanup.policy", "list", "delete", ["log.cleanup.policy"],
    "delete removes old segments, compact keeps the latest record per key; both may be listed.",
    { validator: listOf("compact", "delete") }),
  topicKey("compression.gzip.level", "int", "-1", ["compression.gzip.level"],
    "gzip level when the broker recompresses.", { validator: gzipLevel, implementation: "unimplemented" }),
  topicKey("compression.lz4.level", "int", "9", ["compression.lz4.level"],
    "lz4 level when the broker recompresses.", { validator: between(1, 17), implementation: "unimplemented" }),
  topicKey("compression.type", "string", "producer", ["compression.type"],
    "Codec for stored batches; producer keeps the producer's codec.", { validator: oneOf(...COMPRESSION_TYPES) }),
  topicKey("compression.zstd.level", "int", "3", ["compression.zstd.level"],
    "zstd level when the broker recompresses.", { validator: between(-131072, 22), implementation: "unimplemented" }),
  topicKey("delete.retention.ms", "long", "86400000", ["log.cleaner.delete.retention.ms"],
    "How long tombstones survive compaction.", { validator: atLeast(0) }),
  topicKey("file.delete.delay.ms", "long", "60000", ["log.segment.delete.delay.ms"],
    "Delay between unlinking a segment and deleting its files.", { validator: atLeast(0) }),
  topicKey("flush.messages", "long", LONG_MAX_STRING, ["log.flush.interval.messages"],
    "Records appended before the partition is fsynced.", { validator: atLeast(1) }),
  topicKey("flush.ms", "long", LONG_MAX_STRING, ["log.flush.interval.ms", "log.flush.scheduler.interval.ms"],
    "Longest appended data waits before an fsync.", { validator: atLeast(0) }),
  topicKey("follower.replication.throttled.replicas", "list", "", [],
    "Replicas whose follower-side replication is throttled.", { validator: throttledReplicas }),
  topicKey("index.interval.bytes", "int", "4096", ["log.index.interval.bytes"],
    "Bytes of records between offset index entries.", { validator: atLeast(0) }),
  topicKey("leader.replication.throttled.replicas", "list", "", [],
    "Replicas whose leader-side replication is throttled.", { validator: throttledReplicas }),
  topicKey("local.retention.bytes", "long", "-2", ["log.local.retention.bytes"],
    "Tiered storage: bytes kept locally; -2 means retention.bytes.", { validator: atLeast(-2), implementation: "unimplemented" }),
  topicKey("local.retention.ms", "long", "-2", ["log.local.retention.ms"],
    "Tiered storage: time kept locally; -2 means retention.ms.", { validator: atLeast(-2), implementation: "unimplemented" }),
  topicKey("max.compaction.lag.ms", "long", LONG_MAX_STRING, ["log.cleaner.max.compaction.lag.ms"],
    "Oldest an uncompacted record may get before compaction is forced.", { validator: atLeast(1) }),
  topicKey("max.message.bytes", "int", "1048588", ["message.max.bytes"],
    "Largest record batch accepted, after compression.", { validator: atLeast(0) }),
  topicKey("message.downconversion.enable", "boolean", "true", ["log.message.downconversion.enable"],
    "Removed in Kafka 4.0; accepted. Millrace never down-converts.", { implementation: "noop" }),
  topicKey("message.timestamp.after.max.ms", "long", "3600000", ["log.message.timestamp.after.max.ms"],
    "With CreateTime, how far in the future a record timestamp may be.", { validator: atLeast(0) }),
  topicKey("message.timestamp.before.max.ms", "long", LONG_MAX_STRING, ["log.message.timestamp.before.max.ms"],
    "With CreateTime, how far in the past a record timestamp may be.", { validator: atLeast(0) }),
  topicKey("message.timestamp.type", "string", "CreateTime", ["log.message.timestamp.type"],
    "CreateTime keeps the producer's timestamps, LogAppendTime stamps batches with the broker's clock.",
    { validator: oneOf("CreateTime", "LogAppendTime") }),
  topicKey("min.cleanable.dirty.ratio", "double", "0.5", ["log.cleaner.min.cleanable.ratio"],
    "Dirty share at which the log becomes eligible for compaction.", { validator: between(0, 1) }),
  topicKey("min.compaction.lag.ms", "long", "0", ["log.cleaner.min.compaction.lag.ms"],
    "Youngest a record may be and still be compacted.", { validator: atLeast(0) }),
  topicKey("min.insync.replicas", "int", "1", ["min.insync.replicas"],
    "With acks=all, in-sync replicas that must have a write before it succeeds.", { validator: atLeast(1) }),
  topicKey("preallocate", "boolean", "false", ["log.preallocate"],
    "Preallocate a segment's full size when it is created.", { implementation: "unimplemented" }),
  topicKey("remote.log.copy.disable", "boolean", "false", [],
    "Tiered storage: stop copying segments to remote storage.", { implementation: "unimplemented" }),
  topicKey("remote.log.delete.on.disable", "boolean", "false", [],
    "Tiered storage: delete remote data when remote storage is turned off.", { implementation: "unimplemented" }),
  topicKey("remote.storage.enable", "boolean", "false", [],
    "Tiered storage for this topic; Millrace has none, so only false is accepted.", { implementation: "unimplemented" }),
  topicKey("retention.bytes", "long", "-1", ["log.retention.bytes"],
    "Size a partition may reach before old segments are deleted; -1 means no limit."),
  topicKey("retention.ms", "long", "604800000",
    ["log.retention.ms", { name: "log.retention.minutes", scale: MINUTES }, { name: "log.retention.hours", scale: HOURS }],
    "How long data is kept; -1 means forever.", { validator: atLeast(-1) }),
  topicKey("segment.bytes", "int", "1073741824", ["log.segment.bytes"],
    "Segment size at which the partition rolls.", { validator: atLeast(1048576) }),
  topicKey("segment.index.bytes", "int", "10485760", ["log.index.size.max.bytes"],
    "Largest offset index per segment.", { validator: atLeast(4) }),
  topicKey("segment.jitter.ms", "long", "0", ["log.roll.jitter.ms", { name: "log.roll.jitter.hours", scale: HOURS }],
    "Random amount subtracted from segment.ms so partitions do not roll together.", { validator: atLeast(0) }),
  topicKey("segment.ms", "long", "604800000", ["log.roll.ms", { name: "log.roll.hours", scale: HOURS }],
    "Segment age at which the partition rolls.", { validator: atLeast(1) }),
  topicKey("unclean.leader.election.enable", "boolean", "false", ["unclean.leader.election.enable"],
    "Allow an out-of-sync replica to become leader, losing acknowledged writes."),
];

const BY_NAME: ReadonlyMap<string, TopicKeyDef> = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

export function topicKeyDef(name: string): TopicKeyDef | undefined {
  return BY_NAME.get(name);
}
