/**
 * Broker (server.properties) keys as data: Apache Kafka 4.0's names, types, defaults, validators,
 * importance and dynamic update modes (DynamicBrokerConfig), with Millrace's embedded single-node
 * defaults where they differ (`kafkaDefault` keeps Kafka's). Docs are one line, our own words.
 *
 * Update modes follow Kafka: of the `log.*` synonyms only the highest-priority name of each topic
 * config is dynamic (log.retention.ms is cluster-wide, log.retention.hours is read-only).
 */
import {
  type ConfigKeyDef,
  type ConfigType,
  type Implementation,
  type Importance,
  type UpdateMode,
  type Validator,
  DOUBLE_MAX_STRING,
  INT_MAX,
  LONG_MAX_STRING,
  atLeast,
  between,
  listOf,
  oneOf,
} from "./config-def.js";
import { authorizerClassProblem, parseSuperUsers, STANDARD_AUTHORIZER_CLASS } from "../security/authorizer/authorizer-settings.js";

interface Extra {
  readonly validator?: Validator;
  readonly implementation?: Implementation;
  readonly kafkaDefault?: string | null | undefined;
  readonly dynamicOnlyWithListenerPrefix?: boolean;
}

function key(
  name: string,
  type: ConfigType,
  defaultValue: string | null | undefined,
  importance: Importance,
  updateMode: UpdateMode,
  doc: string,
  extra: Extra = {},
): ConfigKeyDef {
  const def: ConfigKeyDef = {
    name,
    type,
    default: defaultValue,
    importance,
    doc,
    updateMode,
    implementation: extra.implementation ?? "implemented",
    ...(extra.validator !== undefined ? { validator: extra.validator } : {}),
    ...("kafkaDefault" in extra ? { kafkaDefault: extra.kafkaDefault } : {}),
    ...(extra.dynamicOnlyWithListenerPrefix ? { dynamicOnlyWithListenerPrefix: true } : {}),
  };
  return def;
}

const INT_MAX_STRING = String(INT_MAX);

/** Kafka's rack-aware replica selector (KIP-392), the one replica.selector.class supported. */
export const RACK_AWARE_REPLICA_SELECTOR = "org.apache.kafka.common.replica.RackAwareReplicaSelector";
const NOOP: Extra = { implementation: "noop" };
const LATER: Extra = { implementation: "unimplemented" };

export const SECURITY_PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
export const COMPRESSION_TYPES = ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"] as const;
export const BUILTIN_CONSUMER_ASSIGNORS = ["uniform", "range"] as const;

/** authorizer.class.name: StandardAuthorizer or empty (security/authorizer/authorizer-settings.ts says why). */
const AUTHORIZER_CLASS_VALIDATOR: Validator = {
  kind: "custom",
  describe: `${STANDARD_AUTHORIZER_CLASS} or empty`,
  check: (v) => authorizerClassProblem(String(v ?? "").trim()),
};

/** super.users: "Type:name" principals separated by ';'. */
const SUPER_USERS_VALIDATOR: Validator = {
  kind: "custom",
  describe: "principals separated by ';' (e.g. User:admin;User:broker)",
  check: (v) => {
    try {
      parseSuperUsers(v === null ? null : String(v));
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  },
};

/** Kafka's gzip level check: Deflater levels 1..9, or -1 for the codec default. */
export const GZIP_LEVEL_VALIDATOR: Validator = {
  kind: "custom",
  describe: "[1,...,9] or -1",
  check: (v) => {
    const n = v as number;
    return n === -1 || (n >= 1 && n <= 9) ? undefined : "Wrong value, the value must be in [1, 9] or -1";
  },
};

const assignors: Validator = {
  kind: "custom",
  describe: `[${BUILTIN_CONSUMER_ASSIGNORS.join(", ")}]`,
  check: (v) => {
    const list = v as readonly string[];
    if (list.length === 0) return "At least one assignor must be configured";
    const unknown = list.find((a) => !(BUILTIN_CONSUMER_ASSIGNORS as readonly string[]).includes(a));
    // Kafka also takes Java class names here; Millrace cannot load Java classes.
    return unknown === undefined
      ? undefined
      : `Millrace supports only the built-in assignors ${BUILTIN_CONSUMER_ASSIGNORS.join(", ")}, not '${unknown}'`;
  },
};

const rebalanceProtocols: Validator = {
  kind: "custom",
  describe: "[classic, consumer, share]",
  check: (v) => {
    const list = v as readonly string[];
    const unknown = list.find((p) => !["classic", "consumer", "share"].includes(p));
    if (unknown !== undefined) return `String must be one of: classic, consumer, share`;
    if (!list.includes("classic")) return "Disabling the 'classic' protocol is not supported.";
    return undefined;
  },
};

const POLICY_CLASS_DOC = "Kafka loads a Java policy class from here; Millrace has no plugin loader yet.";

/** Every broker key Millrace accepts, in the order the README lists them. */
export const BROKER_CONFIG_DEFS: readonly ConfigKeyDef[] = [
  // ── Node identity and KRaft quorum ────────────────────────────────────────────────────────
  key("node.id", "int", "1", "high", "read-only",
    "This node's id in the cluster, shared by its broker and controller roles.",
    { validator: atLeast(0), kafkaDefault: undefined }),
  key("broker.id", "int", "-1", "high", "read-only",
    "Old name for node.id; when both are set they must be equal."),
  key("process.roles", "list", "broker,controller", "high", "read-only",
    "Roles this process plays: broker, controller, or both (combined mode).",
    { validator: { kind: "listOf", values: ["broker", "controller"], nonEmpty: true, noDuplicates: true }, kafkaDefault: "" }),
  key("controller.listener.names", "string", null, "high", "read-only",
    "Comma-separated names of the listeners the controller role uses; not needed for a single-node Millrace."),
  key("controller.quorum.voters", "list", "", "high", "read-only",
    "Static voter set as id@host:port entries; empty with no bootstrap servers means a single-node quorum of this node."),
  key("controller.quorum.bootstrap.servers", "list", "", "high", "read-only",
    "host:port addresses used to discover the metadata quorum (dynamic quorum, KIP-853)."),
  key("controller.quorum.election.timeout.ms", "int", "1000", "high", "read-only",
    "How long a voter waits without hearing from a leader before starting an election."),
  key("controller.quorum.fetch.timeout.ms", "int", "2000", "high", "read-only",
    "How long a follower goes without a successful fetch before it suspects the leader."),
  key("controller.quorum.election.backoff.max.ms", "int", "1000", "high", "read-only",
    "Upper bound of the randomised back-off before retrying an election."),
  key("controller.quorum.request.timeout.ms", "int", "2000", "medium", "read-only",
    "Timeout for one quorum request between voters."),
  key("controller.quorum.retry.backoff.ms", "int", "20", "low", "read-only",
    "Pause before retrying a failed quorum request."),
  key("controller.quorum.append.linger.ms", "int", "25", "medium", "read-only",
    "How long the quorum leader waits to batch metadata records before writing them.", LATER),
  key("broker.heartbeat.interval.ms", "int", "2000", "medium", "read-only",
    "How often a broker heartbeats to the active controller.", { validator: atLeast(1) }),
  key("broker.session.timeout.ms", "int", "9000", "medium", "read-only",
    "How long the controller waits without a heartbeat before it fences a broker.", { validator: atLeast(1) }),
  key("metadata.log.dir", "string", null, "high", "read-only",
    "Directory for the metadata (Raft) log; defaults to the first entry of log.dirs."),
  key("metadata.log.max.record.bytes.between.snapshots", "long", "20971520", "high", "read-only",
    "Bytes of committed metadata records after which a node writes a new snapshot of its metadata image.",
    { validator: atLeast(1) }),
  key("metadata.log.max.snapshot.interval.ms", "long", "3600000", "high", "read-only",
    "Longest time between metadata snapshots while new records are committed; 0 leaves snapshots to the byte threshold alone.",
    { validator: atLeast(0) }),
  key("metadata.max.retention.bytes", "long", "104857600", "high", "read-only",
    "Metadata log size beyond which records already covered by a snapshot are deleted; -1 keeps them regardless of size.",
    { validator: atLeast(-1) }),
  key("metadata.max.retention.ms", "long", "604800000", "high", "read-only",
    "Age beyond which metadata records already covered by a snapshot are deleted; -1 keeps them regardless of age.",
    { validator: atLeast(-1) }),
  key("metadata.log.segment.bytes", "int", "1073741824", "high", "read-only",
    "Size of one metadata log segment file; the log is deleted at the front a whole segment at a time (Kafka requires at least 8 MiB, Millrace 1 KiB).",
    { validator: atLeast(1024) }),
  key("broker.rack", "string", null, "medium", "read-only",
    "Rack or zone of this broker; replica placement spreads each partition across racks."),
  key("replica.selector.class", "string", null, "medium", "read-only",
    "How a partition leader picks the replica a consumer with client.rack reads from (KIP-392); unset, consumers read from leaders.",
    { validator: oneOf(RACK_AWARE_REPLICA_SELECTOR) }),

  // ── Listeners and sockets ─────────────────────────────────────────────────────────────────
  key("listeners", "string", "PLAINTEXT://127.0.0.1:9092", "high", "per-broker",
    "Comma-separated NAME://host:port addresses to listen on; an empty host means all interfaces.",
    { kafkaDefault: "PLAINTEXT://:9092" }),
  key("advertised.listeners", "string", null, "high", "per-broker",
    "Addresses given to clients in metadata, one per listener name; defaults to listeners."),
  key("listener.security.protocol.map", "string", "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT", "low", "per-broker",
    "NAME:PROTOCOL pairs giving each listener name its security protocol."),
  key("inter.broker.listener.name", "string", null, "medium", "read-only",
    "Listener brokers use to talk to each other; defaults to the one for security.inter.broker.protocol."),
  key("security.inter.broker.protocol", "string", "PLAINTEXT", "medium", "read-only",
    "Security protocol between brokers when inter.broker.listener.name is not set.",
    { validator: oneOf(...SECURITY_PROTOCOLS) }),
  key("socket.send.buffer.bytes", "int", "102400", "high", "read-only",
    "SO_SNDBUF for client sockets; Node's net module offers no way to set it, so it is ignored.", NOOP),
  key("socket.receive.buffer.bytes", "int", "102400", "high", "read-only",
    "SO_RCVBUF for client sockets; Node's net module offers no way to set it, so it is ignored.", NOOP),
  key("socket.request.max.bytes", "int", "104857600", "high", "read-only",
    "Largest request frame accepted; a bigger size prefix closes the connection.",
    { validator: atLeast(1) }),
  key("socket.listen.backlog.size", "int", "50", "medium", "read-only",
    "Pending-connection backlog passed to listen().", { validator: atLeast(1) }),
  key("connections.max.idle.ms", "long", "600000", "medium", "read-only",
    "Connections idle for longer than this are closed."),
  key("queued.max.requests", "int", "500", "high", "read-only",
    "Requests read but not yet answered before the broker stops reading from sockets (back-pressure).",
    { validator: atLeast(1) }),
  key("queued.max.request.bytes", "long", "-1", "medium", "read-only",
    "Bytes of queued requests before reading pauses; -1 means no byte limit.", LATER),
  key("num.network.threads", "int", "3", "high", "cluster-wide",
    "Network thread count in Kafka; Node serves all sockets from one event loop, so it is ignored.",
    { validator: atLeast(1), implementation: "noop" }),
  key("num.io.threads", "int", "8", "high", "cluster-wide",
    "Request handler thread count in Kafka; Millrace handles requests on the event loop, so it is ignored.",
    { validator: atLeast(1), implementation: "noop" }),
  key("background.threads", "int", "10", "high", "cluster-wide",
    "Background thread count in Kafka; Millrace schedules background work on timers, so it is ignored.",
    { validator: atLeast(1), implementation: "noop" }),
  key("num.recovery.threads.per.data.dir", "int", "2", "high", "cluster-wide",
    "Log recovery threads per directory in Kafka; Millrace recovers with async I/O, so it is ignored.",
    { validator: atLeast(1), implementation: "noop" }),
  key("max.connections", "int", INT_MAX_STRING, "medium", "cluster-wide",
    "Most connections the broker accepts at once.", { validator: atLeast(0), implementation: "unimplemented" }),
  key("max.connections.per.ip", "int", INT_MAX_STRING, "medium", "cluster-wide",
    "Most connections accepted from one IP address.", { validator: atLeast(0), implementation: "unimplemented" }),
  key("max.connections.per.ip.overrides", "string", "", "medium", "cluster-wide",
    "Per-host exceptions to max.connections.per.ip, as host:count pairs.", LATER),
  key("max.connection.creation.rate", "int", INT_MAX_STRING, "medium", "cluster-wide",
    "Most new connections per second the broker accepts.", { validator: atLeast(0), implementation: "unimplemented" }),
  key("connection.failed.authentication.delay.ms", "int", "100", "low", "read-only",
    "Delay before closing a connection whose authentication failed.", { validator: atLeast(0), implementation: "unimplemented" }),

  // ── Requests, produce and fetch ───────────────────────────────────────────────────────────
  key("message.max.bytes", "int", "1048588", "high", "cluster-wide",
    "Largest record batch accepted, after compression; topics inherit it as max.message.bytes.",
    { validator: atLeast(0) }),
  key("fetch.max.bytes", "int", "57671680", "medium", "read-only",
    "Most bytes one fetch response carries across all partitions.", { validator: atLeast(1024) }),
  key("max.incremental.fetch.session.cache.slots", "int", "1000", "medium", "read-only",
    "How many incremental fetch sessions (KIP-227) the broker keeps.", { validator: atLeast(0) }),
  key("compression.type", "string", "producer", "high", "cluster-wide",
    "Codec for stored batches; 'producer' keeps whatever the producer used.",
    { validator: oneOf(...COMPRESSION_TYPES) }),
  key("compression.gzip.level", "int", "-1", "medium", "cluster-wide",
    "gzip level when the broker recompresses.", { validator: GZIP_LEVEL_VALIDATOR, implementation: "unimplemented" }),
  key("compression.lz4.level", "int", "9", "medium", "cluster-wide",
    "lz4 level when the broker recompresses.", { validator: between(1, 17), implementation: "unimplemented" }),
  key("compression.zstd.level", "int", "3", "medium", "cluster-wide",
    "zstd level when the broker recompresses.", { validator: between(-131072, 22), implementation: "unimplemented" }),

  // ── Topics and replication ────────────────────────────────────────────────────────────────
  key("auto.create.topics.enable", "boolean", "true", "high", "read-only",
    "Create a topic when a client asks for metadata of, or produces to, one that does not exist."),
  key("delete.topic.enable", "boolean", "true", "high", "read-only",
    "Allow DeleteTopics; when false the request fails with TOPIC_DELETION_DISABLED."),
  key("num.partitions", "int", "1", "medium", "read-only",
    "Partition count for auto-created topics and CreateTopics with -1 partitions.",
    { validator: atLeast(1) }),
  key("default.replication.factor", "int", "1", "medium", "read-only",
    "Replication factor for auto-created topics and CreateTopics with -1."),
  key("min.insync.replicas", "int", "1", "high", "cluster-wide",
    "With acks=all, how many in-sync replicas must have a write before it succeeds.",
    { validator: atLeast(1) }),
  key("unclean.leader.election.enable", "boolean", "false", "high", "cluster-wide",
    "Allow an out-of-sync replica to become leader, losing acknowledged writes."),
  key("replica.fetch.max.bytes", "int", "1048576", "medium", "read-only",
    "Bytes a follower asks for per partition in one fetch.", { validator: atLeast(0) }),
  key("replica.fetch.response.max.bytes", "int", "10485760", "medium", "read-only",
    "Bytes a follower asks for in one whole fetch response.", { validator: atLeast(0), implementation: "unimplemented" }),
  key("replica.lag.time.max.ms", "long", "30000", "high", "read-only",
    "A follower that has not caught up for this long leaves the ISR."),
  key("replica.fetch.wait.max.ms", "int", "500", "medium", "read-only",
    "Longest a follower's fetch waits at the leader for data."),
  key("replica.fetch.min.bytes", "int", "1", "high", "read-only",
    "Bytes a follower's fetch waits for before the leader answers.", LATER),
  key("replica.fetch.backoff.ms", "int", "1000", "medium", "read-only",
    "Pause after a failed follower fetch.", { validator: atLeast(0) }),
  key("replica.socket.timeout.ms", "int", "30000", "high", "read-only",
    "Socket timeout of follower fetch requests.", LATER),
  key("replica.socket.receive.buffer.bytes", "int", "65536", "high", "read-only",
    "SO_RCVBUF of follower connections; not settable from Node, so ignored.", NOOP),
  key("replica.high.watermark.checkpoint.interval.ms", "long", "5000", "high", "read-only",
    "How often high watermarks are checkpointed to disk (replication-offset-checkpoint in each log dir).", { validator: atLeast(1) }),
  // Long.MAX_VALUE, Kafka's "no limit"; kafka-reassign-partitions --throttle sets both.
  key("leader.replication.throttled.rate", "long", "9223372036854775807", "medium", "per-broker",
    "Bytes per second a leader sends to followers of throttled replicas that are not in sync.", { validator: atLeast(0) }),
  key("follower.replication.throttled.rate", "long", "9223372036854775807", "medium", "per-broker",
    "Bytes per second a follower fetches for throttled replicas that are not in sync.", { validator: atLeast(0) }),
  key("replication.quota.window.num", "int", "11", "low", "read-only",
    "Samples kept to measure replication throttle rates.", { validator: atLeast(1) }),
  key("replication.quota.window.size.seconds", "int", "1", "low", "read-only",
    "Length of one replication throttle sample.", { validator: atLeast(1) }),
  key("quota.window.num", "int", "11", "low", "read-only",
    "Samples kept to measure client quota rates (producer/consumer byte rate, request percentage, controller mutations).", { validator: atLeast(1) }),
  key("quota.window.size.seconds", "int", "1", "low", "read-only",
    "Length of one client quota sample.", { validator: atLeast(1) }),
  key("client.quota.callback.class", "class", null, "low", "read-only",
    "Custom client quota callback; Millrace uses Kafka's default quota resolution.", LATER),
  key("num.replica.fetchers", "int", "1", "high", "cluster-wide",
    "Fetcher sessions per source broker.", LATER),
  key("auto.leader.rebalance.enable", "boolean", "true", "high", "read-only",
    "Periodically move leadership back to each partition's preferred replica."),
  key("leader.imbalance.check.interval.seconds", "long", "300", "high", "read-only",
    "How often the leadership balance is checked.", { validator: atLeast(1) }),
  key("leader.imbalance.per.broker.percentage", "int", "10", "high", "read-only",
    "Leadership imbalance per broker tolerated before a rebalance."),

  // ── Log storage: segments, retention, flushing ───────────────────────────────────────────
  key("log.dirs", "string", null, "high", "read-only",
    "Comma-separated data directories; when unset, log.dir is used."),
  key("log.dir", "string", "./data", "high", "read-only",
    "Data directory used when log.dirs is not set.", { kafkaDefault: "/tmp/kafka-logs" }),
  key("log.segment.bytes", "int", "1073741824", "high", "cluster-wide",
    "Segment size at which a partition rolls to a new segment.", { validator: atLeast(1048576) }),
  key("log.roll.ms", "long", null, "high", "cluster-wide",
    "Segment age at which a partition rolls; when unset, log.roll.hours is used."),
  key("log.roll.hours", "int", "168", "high", "read-only",
    "Segment age in hours at which a partition rolls, below log.roll.ms.", { validator: atLeast(1) }),
  key("log.roll.jitter.ms", "long", null, "high", "cluster-wide",
    "Random amount subtracted from the roll age so partitions do not roll together; falls back to log.roll.jitter.hours."),
  key("log.roll.jitter.hours", "int", "0", "high", "read-only",
    "Roll jitter in hours, below log.roll.jitter.ms.", { validator: atLeast(0) }),
  key("log.retention.ms", "long", null, "high", "cluster-wide",
    "How long data is kept; wins over minutes and hours; any negative value means forever."),
  key("log.retention.minutes", "int", null, "high", "read-only",
    "Retention in minutes, used when log.retention.ms is not set."),
  key("log.retention.hours", "int", "168", "high", "read-only",
    "Retention in hours, used when neither log.retention.ms nor log.retention.minutes is set."),
  key("log.retention.bytes", "long", "-1", "high", "cluster-wide",
    "Size a partition may grow to before old segments are deleted; -1 means no limit."),
  key("log.retention.check.interval.ms", "long", "300000", "medium", "read-only",
    "How often segments are checked for deletion.", { validator: atLeast(1) }),
  key("log.cleanup.policy", "list", "delete", "medium", "cluster-wide",
    "What happens to old segments: delete, compact, or both.", { validator: listOf("compact", "delete") }),
  key("log.segment.delete.delay.ms", "long", "60000", "high", "cluster-wide",
    "Delay between unlinking a segment from the log and deleting its files.", { validator: atLeast(0) }),
  key("log.index.size.max.bytes", "int", "10485760", "medium", "cluster-wide",
    "Largest offset index per segment; a full index rolls the segment.", { validator: atLeast(4) }),
  key("log.index.interval.bytes", "int", "4096", "medium", "cluster-wide",
    "Bytes of records between offset index entries.", { validator: atLeast(0) }),
  key("log.flush.interval.messages", "long", LONG_MAX_STRING, "high", "cluster-wide",
    "Records appended to a partition before it is fsynced; the default leaves durability to replication.",
    { validator: atLeast(1) }),
  key("log.flush.interval.ms", "long", null, "high", "cluster-wide",
    "Longest appended data waits before an fsync; when unset, log.flush.scheduler.interval.ms is used."),
  key("log.flush.scheduler.interval.ms", "long", LONG_MAX_STRING, "high", "read-only",
    "How often the flusher checks whether a partition is due an fsync."),
  key("log.flush.offset.checkpoint.interval.ms", "int", "60000", "high", "read-only",
    "How often the recovery point is checkpointed.", { validator: atLeast(0) }),
  key("log.flush.start.offset.checkpoint.interval.ms", "int", "60000", "high", "read-only",
    "How often log start offsets are checkpointed.", { validator: atLeast(0) }),
  key("log.preallocate", "boolean", "false", "medium", "cluster-wide",
    "Preallocate a segment's full size when it is created.", LATER),
  key("log.message.timestamp.type", "string", "CreateTime", "medium", "cluster-wide",
    "Whether stored timestamps are the producer's (CreateTime) or the broker's (LogAppendTime).",
    { validator: oneOf("CreateTime", "LogAppendTime") }),
  key("log.message.timestamp.before.max.ms", "long", LONG_MAX_STRING, "medium", "cluster-wide",
    "With CreateTime, how far in the past a record timestamp may be before the batch is rejected.",
    { validator: atLeast(0) }),
  key("log.message.timestamp.after.max.ms", "long", "3600000", "medium", "cluster-wide",
    "With CreateTime, how far in the future a record timestamp may be before the batch is rejected.",
    { validator: atLeast(0) }),
  key("log.message.downconversion.enable", "boolean", "true", "low", "cluster-wide",
    "Removed in Kafka 4.0; accepted for old files. Millrace stores only format v2 and never down-converts.", NOOP),
  key("log.local.retention.ms", "long", "-2", "medium", "cluster-wide",
    "Tiered storage: local retention time; -2 means use log.retention.ms.", { validator: atLeast(-2), implementation: "unimplemented" }),
  key("log.local.retention.bytes", "long", "-2", "medium", "cluster-wide",
    "Tiered storage: local retention size; -2 means use log.retention.bytes.", { validator: atLeast(-2), implementation: "unimplemented" }),
  key("log.dir.failure.timeout.ms", "long", "30000", "low", "read-only",
    "How long a failed log directory may go unreported to the controller before the broker stops.",
    { validator: atLeast(1), implementation: "unimplemented" }),
  key("create.topic.policy.class.name", "class", null, "low", "read-only", POLICY_CLASS_DOC, LATER),
  key("alter.config.policy.class.name", "class", null, "low", "read-only", POLICY_CLASS_DOC, LATER),

  // ── Log cleaner (compaction) ──────────────────────────────────────────────────────────────
  key("log.cleaner.enable", "boolean", "true", "medium", "read-only",
    "Run the cleaner that compacts topics with cleanup.policy=compact."),
  key("log.cleaner.threads", "int", "1", "medium", "cluster-wide",
    "Cleaner threads in Kafka; Millrace compacts one partition at a time off the hot path.",
    { validator: atLeast(0), implementation: "noop" }),
  key("log.cleaner.dedupe.buffer.size", "long", "134217728", "medium", "cluster-wide",
    "Memory for the key map while compacting.", LATER),
  key("log.cleaner.io.buffer.size", "int", "524288", "medium", "cluster-wide",
    "I/O buffer size of the cleaner.", { validator: atLeast(0), implementation: "unimplemented" }),
  key("log.cleaner.io.buffer.load.factor", "double", "0.9", "medium", "cluster-wide",
    "Fill ratio of the cleaner's key map.", LATER),
  key("log.cleaner.io.max.bytes.per.second", "double", DOUBLE_MAX_STRING, "medium", "cluster-wide",
    "I/O rate limit of the cleaner.", LATER),
  key("log.cleaner.backoff.ms", "long", "15000", "medium", "cluster-wide",
    "Pause when there is nothing to clean.", { validator: atLeast(0) }),
  key("log.cleaner.min.cleanable.ratio", "double", "0.5", "medium", "cluster-wide",
    "Dirty share of a log at which it becomes eligible for compaction.", { validator: between(0, 1) }),
  key("log.cleaner.delete.retention.ms", "long", "86400000", "medium", "cluster-wide",
    "How long tombstones survive compaction.", { validator: atLeast(0) }),
  key("log.cleaner.min.compaction.lag.ms", "long", "0", "medium", "cluster-wide",
    "Youngest a record may be and still be compacted.", { validator: atLeast(0) }),
  key("log.cleaner.max.compaction.lag.ms", "long", LONG_MAX_STRING, "medium", "cluster-wide",
    "Oldest an uncompacted record may get before compaction is forced.", { validator: atLeast(1) }),

  // ── Group coordinator and the offsets topic ──────────────────────────────────────────────
  key("offsets.topic.num.partitions", "int", "50", "high", "read-only",
    "Partitions of __consumer_offsets; do not change after the topic exists.", { validator: atLeast(1) }),
  key("offsets.topic.replication.factor", "short", "1", "high", "read-only",
    "Replication factor of __consumer_offsets; Millrace defaults to 1 so a single node works.",
    { validator: atLeast(1), kafkaDefault: "3" }),
  key("offsets.topic.segment.bytes", "int", "104857600", "high", "read-only",
    "Segment size of __consumer_offsets, small so it compacts and loads quickly.", { validator: atLeast(1) }),
  key("offsets.topic.compression.codec", "int", "0", "high", "read-only",
    "Codec id for offset commits written to __consumer_offsets.", LATER),
  key("offsets.load.buffer.size", "int", "5242880", "high", "read-only",
    "Read size when loading __consumer_offsets; Millrace streams segments, so it is ignored.",
    { validator: atLeast(1), implementation: "noop" }),
  key("offsets.retention.minutes", "int", "10080", "high", "read-only",
    "How long committed offsets of an empty group (or an unsubscribed topic) are kept.", { validator: atLeast(1) }),
  key("offsets.retention.check.interval.ms", "long", "600000", "high", "read-only",
    "How often expired offsets are looked for.", { validator: atLeast(1) }),
  key("offsets.commit.timeout.ms", "int", "5000", "high", "read-only",
    "Longest an offset commit waits for the offsets topic write to be replicated.", { validator: atLeast(1) }),
  key("offset.metadata.max.bytes", "int", "4096", "high", "read-only",
    "Largest metadata string accepted with an offset commit."),
  key("group.min.session.timeout.ms", "int", "6000", "medium", "read-only",
    "Shortest session timeout a classic-protocol member may ask for."),
  key("group.max.session.timeout.ms", "int", "1800000", "medium", "read-only",
    "Longest session timeout a classic-protocol member may ask for."),
  key("group.initial.rebalance.delay.ms", "int", "3000", "medium", "read-only",
    "How long a new classic group waits for more members before its first rebalance."),
  key("group.max.size", "int", INT_MAX_STRING, "medium", "read-only",
    "Most members in one classic group.", { validator: atLeast(1) }),
  key("group.consumer.session.timeout.ms", "int", "45000", "medium", "read-only",
    "Session timeout of members of consumer-protocol groups (KIP-848).", { validator: atLeast(1) }),
  key("group.consumer.min.session.timeout.ms", "int", "45000", "medium", "read-only",
    "Lowest session timeout a consumer-protocol group may be configured with.", { validator: atLeast(1) }),
  key("group.consumer.max.session.timeout.ms", "int", "60000", "medium", "read-only",
    "Highest session timeout a consumer-protocol group may be configured with.", { validator: atLeast(1) }),
  key("group.consumer.heartbeat.interval.ms", "int", "5000", "medium", "read-only",
    "Heartbeat interval handed to members of consumer-protocol groups.", { validator: atLeast(1) }),
  key("group.consumer.min.heartbeat.interval.ms", "int", "5000", "medium", "read-only",
    "Lowest heartbeat interval a consumer-protocol group may be configured with.", { validator: atLeast(1) }),
  key("group.consumer.max.heartbeat.interval.ms", "int", "15000", "medium", "read-only",
    "Highest heartbeat interval a consumer-protocol group may be configured with.", { validator: atLeast(1) }),
  key("group.consumer.max.size", "int", INT_MAX_STRING, "medium", "read-only",
    "Most members in one consumer-protocol group.", { validator: atLeast(1) }),
  key("group.consumer.assignors", "list", "uniform,range", "medium", "read-only",
    "Server-side assignors for consumer-protocol groups; the first is the default.", { validator: assignors }),
  key("group.consumer.migration.policy", "string", "bidirectional", "medium", "read-only",
    "Which online conversions between classic and consumer groups are allowed.",
    { validator: { kind: "oneOf", values: ["disabled", "downgrade", "upgrade", "bidirectional"], caseInsensitive: true } }),
  key("group.coordinator.rebalance.protocols", "list", "classic,consumer", "medium", "read-only",
    "Group protocols the coordinator serves; classic cannot be turned off.", { validator: rebalanceProtocols }),

  // ── Transactions and producer ids ─────────────────────────────────────────────────────────
  key("transactional.id.expiration.ms", "int", "604800000", "high", "read-only",
    "A transactional id unused for this long is forgotten.", { validator: atLeast(1) }),
  key("transaction.max.timeout.ms", "int", "900000", "high", "read-only",
    "Longest transaction timeout a producer may ask for.", { validator: atLeast(1) }),
  key("transaction.state.log.num.partitions", "int", "50", "high", "read-only",
    "Partitions of __transaction_state; do not change after the topic exists.", { validator: atLeast(1) }),
  key("transaction.state.log.replication.factor", "short", "1", "high", "read-only",
    "Replication factor of __transaction_state; Millrace defaults to 1 so a single node works.",
    { validator: atLeast(1), kafkaDefault: "3" }),
  key("transaction.state.log.min.isr", "int", "1", "high", "read-only",
    "min.insync.replicas of __transaction_state; Millrace defaults to 1 so a single node works.",
    { validator: atLeast(1), kafkaDefault: "2" }),
  key("transaction.state.log.segment.bytes", "int", "104857600", "high", "read-only",
    "Segment size of __transaction_state.", { validator: atLeast(1) }),
  key("transaction.state.log.load.buffer.size", "int", "5242880", "high", "read-only",
    "Read size when loading __transaction_state; Millrace streams segments, so it is ignored.",
    { validator: atLeast(1), implementation: "noop" }),
  key("transaction.abort.timed.out.transaction.cleanup.interval.ms", "int", "10000", "low", "read-only",
    "How often timed-out transactions are aborted.", { validator: atLeast(1) }),
  key("transaction.remove.expired.transaction.cleanup.interval.ms", "int", "3600000", "low", "read-only",
    "How often expired transactional ids are removed.", { validator: atLeast(1) }),
  key("producer.id.expiration.ms", "int", "86400000", "low", "cluster-wide",
    "A producer id with no writes for this long loses its idempotence state (KIP-854).", { validator: atLeast(1) }),
  key("transaction.partition.verification.enable", "boolean", "true", "low", "cluster-wide",
    "Verify a partition is in the transaction before accepting a transactional write (KIP-890).", LATER),

  // ── Security (later issues) ───────────────────────────────────────────────────────────────
  key("authorizer.class.name", "string", "", "low", "read-only",
    "Authorizer to use; empty disables authorization.", { validator: AUTHORIZER_CLASS_VALIDATOR }),
  key("super.users", "string", null, "low", "read-only",
    "Semicolon-separated principals that bypass ACLs (StandardAuthorizer).", { validator: SUPER_USERS_VALIDATOR }),
  key("allow.everyone.if.no.acl.found", "boolean", "false", "low", "read-only",
    "Allow access to resources that have no ACLs (StandardAuthorizer)."),
  key("principal.builder.class", "class", "org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder", "medium", "per-broker",
    "Builds the principal from an authenticated connection.", LATER),
  key("sasl.enabled.mechanisms", "list", "GSSAPI", "medium", "per-broker",
    "SASL mechanisms offered to clients (Millrace serves PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; others are not offered)."),
  key("sasl.mechanism.inter.broker.protocol", "string", "GSSAPI", "medium", "per-broker",
    "SASL mechanism brokers use with each other."),
  key("sasl.mechanism.controller.protocol", "string", "GSSAPI", "medium", "read-only",
    "SASL mechanism used to reach controllers."),
  key("sasl.jaas.config", "password", null, "medium", "per-broker",
    "JAAS login configuration, usually set per listener and mechanism."),
  key("connections.max.reauth.ms", "long", "0", "medium", "read-only",
    "Longest a SASL session lives before the client must re-authenticate; 0 disables."),
  key("ssl.keystore.type", "string", "JKS", "medium", "per-broker",
    "Format of the key store file.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.keystore.location", "string", null, "high", "per-broker",
    "Path of the key store holding this broker's certificate.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.keystore.password", "password", null, "high", "per-broker",
    "Password of the key store.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.key.password", "password", null, "high", "per-broker",
    "Password of the private key in the key store.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.keystore.key", "password", null, "high", "per-broker",
    "PEM private key given inline instead of a key store file.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.keystore.certificate.chain", "password", null, "high", "per-broker",
    "PEM certificate chain given inline instead of a key store file.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.truststore.type", "string", "JKS", "medium", "per-broker",
    "Format of the trust store file.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.truststore.location", "string", null, "high", "per-broker",
    "Path of the trust store used to verify peers.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.truststore.password", "password", null, "high", "per-broker",
    "Password of the trust store.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.truststore.certificates", "password", null, "high", "per-broker",
    "PEM trusted certificates given inline instead of a trust store file.", { dynamicOnlyWithListenerPrefix: true }),
  key("ssl.client.auth", "string", "none", "medium", "per-broker",
    "Whether TLS clients must, may or need not present a certificate.",
    { validator: oneOf("required", "requested", "none") }),
  key("ssl.enabled.protocols", "list", "TLSv1.2,TLSv1.3", "medium", "per-broker",
    "TLS protocol versions accepted (TLSv1.2 and TLSv1.3; older ones are refused)."),
  key("ssl.protocol", "string", "TLSv1.3", "medium", "per-broker",
    "TLS protocol used to build the SSL context (Node negotiates the highest of ssl.enabled.protocols).", NOOP),
  key("ssl.cipher.suites", "list", "", "medium", "per-broker",
    "Cipher suites allowed (IANA names); empty means the platform's defaults."),
  key("ssl.endpoint.identification.algorithm", "string", "https", "low", "per-broker",
    "Hostname verification for outgoing TLS connections; empty disables it."),
  key("ssl.principal.mapping.rules", "string", "DEFAULT", "low", "read-only",
    "Rules mapping a client certificate's distinguished name to a principal name (RULE:pattern/replacement/[LU], DEFAULT)."),

  // ── Millrace's own keys (no Kafka equivalent) ─────────────────────────────────────────────
  key("millrace.health.port", "int", "0", "low", "read-only",
    "Port of the plain-HTTP health endpoint (GET /healthz, GET /readyz) for orchestrators' probes; 0 turns it off.",
    { validator: between(0, 65535) }),
  key("millrace.log.cache.max.bytes", "long", "268435456", "medium", "read-only",
    "Memory for the most recent batches of all partitions together, served to consumers and followers without reading the files; the oldest leave first.",
    { validator: atLeast(0) }),
  key("millrace.log.inline.write.max.bytes", "long", "0", "low", "read-only",
    "Appends up to this size are written to the page cache on the event loop rather than the I/O thread pool (one thread hand-off less per write); a write that blocks sends writes back to the pool for 10 s. Never for logs that fsync every append. 0 (the default) turns it off: under dirty-page writeback a blocked write stalls every connection.",
    { validator: atLeast(0) }),
];

const BY_NAME: ReadonlyMap<string, ConfigKeyDef> = new Map(BROKER_CONFIG_DEFS.map((d) => [d.name, d]));

const LISTENER_PREFIX = /^listener\.name\.([^.]+)\.(.+)$/;
// Mechanism-scoped keys are written listener.name.<l>.<mechanism>.<key> (Kafka's ListenerMechanismConfigs).
export const LISTENER_MECHANISM_KEYS: readonly string[] = ["sasl.jaas.config", "sasl.login.callback.handler.class", "sasl.login.class",
  "sasl.server.callback.handler.class", "connections.max.reauth.ms"];

export interface ResolvedBrokerKey {
  readonly def: ConfigKeyDef;
  /** Set when the key was written with a `listener.name.<listener>.` prefix. */
  readonly listener?: string;
}

/**
 * Finds the definition of a broker key, including Kafka's per-listener form
 * `listener.name.<listener>.<key>`. Returns undefined for keys Kafka would not know either.
 */
export function resolveBrokerKey(name: string): ResolvedBrokerKey | undefined {
  const direct = BY_NAME.get(name);
  if (direct !== undefined) return { def: direct };
  const m = LISTENER_PREFIX.exec(name);
  if (m === null) return undefined;
  const listener = m[1] as string;
  const rest = m[2] as string;
  const base = BY_NAME.get(rest) ?? BY_NAME.get(LISTENER_MECHANISM_KEYS.find((k) => rest.endsWith(`.${k}`)) ?? "");
  // Listener-prefixed keys are security and connection-quota settings; dynamic ones are per-broker
  // except the two connection limits Kafka applies cluster-wide (ClusterLevelListenerConfigs).
  if (base === undefined) return undefined;
  const updateMode: ConfigKeyDef["updateMode"] =
    base.updateMode === "read-only" ? "read-only"
      : base.name === "max.connections" || base.name === "max.connection.creation.rate" ? "cluster-wide"
        : "per-broker";
  return { def: { ...base, name, updateMode }, listener };
}

export function brokerKeyDef(name: string): ConfigKeyDef | undefined {
  return resolveBrokerKey(name)?.def;
}
