/**
 * The broker's configuration as the rest of the broker sees it: one typed, validated object
 * built from the config layers (defaults < static < dynamic cluster default < dynamic
 * per-broker). Building it is where start-up fails on an unknown key, a bad value or an
 * inconsistent combination, with a message naming the key and where it was set.
 */
import { type ConfigKeyDef, type ConfigSourceId, type ParsedValue, ConfigSource } from "./config-def.js";
import { BROKER_CONFIG_DEFS, resolveBrokerKey } from "./definitions.js";
import { type ConfigApiError, type Result, ConfigError, fail, invalidConfig, ok } from "./errors.js";
import {
  type HostPort,
  type Listener,
  type QuorumVoter,
  type SecurityProtocol,
  formatListener,
  parseBootstrapServers,
  parseCsvList,
  parseListeners,
  parseQuorumVoters,
  parseSecurityProtocolMap,
} from "./listeners.js";
import { type BrokerConfigLayers, type StaticEntry, EMPTY_LAYERS, effectiveRaw } from "./synonyms.js";
import { TOPIC_CONFIG_DEFS, topicKeyDef } from "./topic-definitions.js";
import { formatValue, longToNumber, parseValue } from "./values.js";

export type ProcessRole = "broker" | "controller";
export type CleanupPolicy = "compact" | "delete";
export type CompressionType = "uncompressed" | "zstd" | "lz4" | "snappy" | "gzip" | "producer";
export type TimestampType = "CreateTime" | "LogAppendTime";

/** Security protocols the network layer can serve today; others are refused at start-up. */
export const IMPLEMENTED_SECURITY_PROTOCOLS: ReadonlySet<SecurityProtocol> = new Set(["PLAINTEXT", "SASL_PLAINTEXT", "SSL", "SASL_SSL"]);

/** One key's effective value. */
export interface ResolvedEntry {
  readonly def: ConfigKeyDef;
  /** The text as set (or the default), before parsing; null when the key has no value. */
  readonly raw: string | null;
  readonly value: ParsedValue;
  /** Kafka's canonical text of `value` (what DescribeConfigs reports). */
  readonly text: string | null;
  readonly source: ConfigSourceId;
}

export interface BrokerConfig {
  readonly nodeId: number;
  readonly processRoles: readonly ProcessRole[];
  readonly listeners: readonly Listener[];
  /** What clients are told; defaults to `listeners` minus controller listeners. */
  readonly advertisedListeners: readonly Listener[];
  readonly listenerSecurityProtocolMap: ReadonlyMap<string, SecurityProtocol>;
  readonly interBrokerListenerName: string;
  readonly controllerListenerNames: readonly string[];
  readonly controllerQuorumVoters: readonly QuorumVoter[];
  readonly controllerQuorumBootstrapServers: readonly HostPort[];
  /** True when no quorum is configured and this node is its own single-voter quorum. */
  readonly singleNodeQuorum: boolean;
  readonly brokerRack: string | null;
  /** millrace.health.port: the HTTP /healthz and /readyz port; 0 = no health endpoint. */
  readonly healthPort: number;
  /** millrace.log.cache.max.bytes: all partitions' recent-batches caches together. */
  readonly logCacheMaxBytes: number;
  /** millrace.log.inline.write.max.bytes: appends up to this size are written on the event loop; 0 = never. */
  readonly logInlineWriteMaxBytes: number;
  /** KIP-392: Kafka's RackAwareReplicaSelector lets rack-aware consumers read from followers; null: leaders only. */
  readonly replicaSelectorClass: string | null;
  readonly controllerQuorumElectionTimeoutMs: number;
  readonly controllerQuorumFetchTimeoutMs: number;
  readonly controllerQuorumElectionBackoffMaxMs: number;
  readonly controllerQuorumRequestTimeoutMs: number;
  readonly controllerQuorumRetryBackoffMs: number;
  readonly brokerHeartbeatIntervalMs: number;
  readonly autoLeaderRebalanceEnable: boolean;
  readonly leaderImbalanceCheckIntervalSeconds: number;
  readonly leaderImbalancePerBrokerPercentage: number;
  readonly brokerSessionTimeoutMs: number;
  readonly logDirs: readonly string[];
  readonly metadataLogDir: string;
  readonly metadataLogMaxRecordBytesBetweenSnapshots: number;
  readonly metadataLogMaxSnapshotIntervalMs: number;
  readonly metadataMaxRetentionBytes: number;
  readonly metadataMaxRetentionMs: number;
  readonly metadataLogSegmentBytes: number;

  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly deleteTopicEnable: boolean;
  readonly minInsyncReplicas: number;
  readonly uncleanLeaderElectionEnable: boolean;
  readonly compressionType: CompressionType;

  readonly logSegmentBytes: number;
  /** log.roll.ms, else log.roll.hours. */
  readonly logRollMs: number;
  /** log.roll.jitter.ms, else log.roll.jitter.hours. */
  readonly logRollJitterMs: number;
  /** log.retention.ms, else .minutes, else .hours; -1 = keep forever. */
  readonly logRetentionMs: number;
  readonly logRetentionBytes: number;
  readonly logRetentionCheckIntervalMs: number;
  readonly logCleanupPolicy: readonly CleanupPolicy[];
  readonly logSegmentDeleteDelayMs: number;
  readonly logIndexIntervalBytes: number;
  readonly logIndexSizeMaxBytes: number;
  readonly logFlushIntervalMessages: number;
  /** log.flush.interval.ms, else log.flush.scheduler.interval.ms. */
  readonly logFlushIntervalMs: number;
  readonly logFlushSchedulerIntervalMs: number;
  readonly logFlushOffsetCheckpointIntervalMs: number;
  readonly logFlushStartOffsetCheckpointIntervalMs: number;
  readonly logMessageTimestampType: TimestampType;
  readonly logMessageTimestampBeforeMaxMs: number;
  readonly logMessageTimestampAfterMaxMs: number;
  readonly logCleanerEnable: boolean;
  readonly logCleanerBackoffMs: number;
  readonly logCleanerDeleteRetentionMs: number;
  readonly logCleanerMinCleanableRatio: number;
  readonly logCleanerMinCompactionLagMs: number;
  readonly logCleanerMaxCompactionLagMs: number;

  readonly messageMaxBytes: number;
  readonly replicaFetchMaxBytes: number;
  readonly replicaLagTimeMaxMs: number;
  readonly replicaFetchWaitMaxMs: number;
  readonly replicaFetchBackoffMs: number;
  readonly replicaHighWatermarkCheckpointIntervalMs: number;
  /** Replication throttles in bytes per second (dynamic per broker; huge when unset). */
  readonly leaderReplicationThrottledRate: number;
  readonly followerReplicationThrottledRate: number;
  readonly replicationQuotaWindowNum: number;
  readonly replicationQuotaWindowSizeSeconds: number;
  readonly quotaWindowNum: number;
  readonly quotaWindowSizeSeconds: number;
  readonly fetchMaxBytes: number;
  readonly maxIncrementalFetchSessionCacheSlots: number;

  readonly socketRequestMaxBytes: number;
  readonly socketSendBufferBytes: number;
  readonly socketReceiveBufferBytes: number;
  readonly socketListenBacklogSize: number;
  readonly connectionsMaxIdleMs: number;
  readonly queuedMaxRequests: number;
  readonly numNetworkThreads: number;
  readonly numIoThreads: number;

  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicReplicationFactor: number;
  readonly offsetsTopicSegmentBytes: number;
  /** offsets.retention.minutes in ms. */
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetsCommitTimeoutMs: number;
  readonly offsetMetadataMaxBytes: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMaxSize: number;
  readonly groupConsumerSessionTimeoutMs: number;
  readonly groupConsumerMinSessionTimeoutMs: number;
  readonly groupConsumerMaxSessionTimeoutMs: number;
  readonly groupConsumerHeartbeatIntervalMs: number;
  readonly groupConsumerMinHeartbeatIntervalMs: number;
  readonly groupConsumerMaxHeartbeatIntervalMs: number;
  readonly groupConsumerMaxSize: number;
  readonly groupConsumerAssignors: readonly string[];
  readonly groupConsumerMigrationPolicy: string;
  readonly groupCoordinatorRebalanceProtocols: readonly string[];

  readonly transactionalIdExpirationMs: number;
  readonly transactionMaxTimeoutMs: number;
  readonly transactionStateLogNumPartitions: number;
  readonly transactionStateLogReplicationFactor: number;
  readonly transactionStateLogMinIsr: number;
  readonly transactionStateLogSegmentBytes: number;
  readonly transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  readonly transactionRemoveExpiredTransactionCleanupIntervalMs: number;
  readonly producerIdExpirationMs: number;

  /** Every known key (listener-prefixed ones only when set), with its effective value and source. */
  readonly entries: ReadonlyMap<string, ResolvedEntry>;
  /** The layers this object was built from, for DescribeConfigs and dynamic updates. */
  readonly layers: BrokerConfigLayers;
  /** Non-fatal findings (keys accepted but not implemented yet), one line each. */
  readonly warnings: readonly string[];
}

/**
 * Keys of `<log dir>/meta.properties` (written by `kafka-storage format`, by Millrace's storage
 * on first start): people sometimes put them in server.properties.
 */
const META_PROPERTIES_KEYS = ["cluster.id", "directory.id", "version"];

function locationOf(layers: BrokerConfigLayers, key: string, source: "static" | "dynamic-default" | "dynamic-broker"): string {
  if (source === "static") return layers.static.get(key)?.location ?? "static config";
  return source === "dynamic-default" ? "dynamic cluster default config" : "dynamic broker config";
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/** Why a key is unknown, with a hint when the user probably meant something else. */
export function unknownKeyMessage(key: string): string {
  if (META_PROPERTIES_KEYS.includes(key)) {
    return `Unknown broker config '${key}': Kafka keeps it in meta.properties inside each log directory, not in server.properties`;
  }
  const topic = topicKeyDef(key);
  if (topic !== undefined) {
    const brokerKey = topic.synonyms[0]?.name;
    return brokerKey === undefined
      ? `Unknown broker config '${key}': it is a topic config, set it per topic`
      : `Unknown broker config '${key}': it is a topic config; the broker-wide default is '${brokerKey}'`;
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const def of BROKER_CONFIG_DEFS) {
    const d = editDistance(key, def.name);
    if (d < bestDistance) {
      best = def.name;
      bestDistance = d;
    }
  }
  return best === undefined ? `Unknown broker config '${key}'` : `Unknown broker config '${key}' (did you mean '${best}'?)`;
}

/**
 * Kafka's removeInvalidConfigs: a dynamic layer holding a key that cannot be set there (unknown,
 * read-only, per-broker in the cluster default, or an unparsable value, e.g. written by another
 * version) loses that key with a warning instead of stopping the broker.
 */
function dropInvalidDynamicConfigs(layers: BrokerConfigLayers, warnings: string[]): BrokerConfigLayers {
  const clean = (layer: ReadonlyMap<string, string>, perBroker: boolean) => {
    const kept = new Map<string, string>();
    for (const [key, value] of layer) {
      const resolved = resolveBrokerKey(key);
      const where = perBroker ? "dynamic broker config" : "dynamic cluster default config";
      let reason: string | undefined;
      if (resolved === undefined) reason = "unknown key";
      else if (resolved.def.updateMode === "read-only") reason = "it cannot be updated dynamically";
      else if (!perBroker && resolved.def.updateMode === "per-broker") reason = "it can only be set per broker";
      else {
        const parsed = parseValue(resolved.def, value);
        if (!parsed.ok) reason = parsed.error;
      }
      if (reason === undefined) kept.set(key, value);
      else warnings.push(`ignoring ${where} ${key}: ${reason}`);
    }
    return kept;
  };
  return {
    static: layers.static,
    dynamicDefault: clean(layers.dynamicDefault, false),
    dynamicBroker: clean(layers.dynamicBroker, true),
  };
}

function resolveAll(layers: BrokerConfigLayers, warnings: string[]): Map<string, ResolvedEntry> {
  // Every key any layer sets must be known and parse; dynamic layers were validated when they
  // were altered, but metadata may come from a newer broker, so they are checked again here.
  const setKeys = new Map<string, "static" | "dynamic-default" | "dynamic-broker">();
  for (const k of layers.static.keys()) setKeys.set(k, "static");
  for (const k of layers.dynamicDefault.keys()) setKeys.set(k, "dynamic-default");
  for (const k of layers.dynamicBroker.keys()) setKeys.set(k, "dynamic-broker");
  for (const [key, where] of setKeys) {
    const resolved = resolveBrokerKey(key);
    if (resolved === undefined) throw new ConfigError(unknownKeyMessage(key), key, locationOf(layers, key, where));
    if (resolved.def.implementation === "unimplemented") {
      warnings.push(`${key} is a Kafka config Millrace does not implement yet; its value is accepted and ignored`);
    }
  }

  const entries = new Map<string, ResolvedEntry>();
  const names = [...BROKER_CONFIG_DEFS.map((d) => d.name), ...[...setKeys.keys()].filter((k) => k.startsWith("listener.name."))];
  for (const name of names) {
    const def = (resolveBrokerKey(name) as { def: ConfigKeyDef }).def;
    const { raw, source } = effectiveRaw(layers, name);
    const parsed = parseValue(def, raw);
    if (!parsed.ok) {
      const where = layers.dynamicBroker.has(name) ? "dynamic-broker" : layers.dynamicDefault.has(name) ? "dynamic-default" : "static";
      throw new ConfigError(parsed.error, name, locationOf(layers, name, where));
    }
    entries.set(name, { def, raw, value: parsed.value, text: formatValue(parsed.value, def.type), source });
  }
  return entries;
}

/** Typed accessors over resolved entries; a mismatch is a bug in the definitions, so it throws. */
function accessors(entries: ReadonlyMap<string, ResolvedEntry>) {
  const get = (k: string): ParsedValue => {
    const e = entries.get(k);
    if (e === undefined) throw new Error(`no definition for ${k}`);
    return e.value;
  };
  return {
    get,
    int: (k: string) => get(k) as number,
    long: (k: string) => longToNumber(get(k)),
    double: (k: string) => get(k) as number,
    bool: (k: string) => get(k) as boolean,
    str: (k: string) => get(k) as string | null,
    list: (k: string) => get(k) as readonly string[],
    isSet: (k: string) => get(k) !== null,
  };
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Builds and validates the broker configuration. Throws ConfigError (one line, naming the key
 * and where it was set) on anything Kafka would refuse to start with, plus Millrace's own limits.
 */
export function buildBrokerConfig(given: BrokerConfigLayers = EMPTY_LAYERS): BrokerConfig {
  const warnings: string[] = [];
  const layers = dropInvalidDynamicConfigs(given, warnings);
  const entries = resolveAll(layers, warnings);
  const a = accessors(entries);
  function reject(message: string, key?: string): never {
    const loc = key === undefined ? undefined : layers.static.get(key)?.location;
    throw new ConfigError(message, key, loc);
  }
  const explicitly = (k: string) => entries.get(k)?.source !== ConfigSource.DEFAULT_CONFIG;

  // ── identity ──
  const brokerId = a.int("broker.id");
  let nodeId = a.int("node.id");
  if (explicitly("broker.id") && brokerId !== -1) {
    if (explicitly("node.id") && nodeId !== brokerId) {
      reject("You must set `node.id` to the same value as `broker.id`.", "broker.id");
    }
    if (brokerId < 0) reject("broker.id must be at least 0", "broker.id");
    nodeId = brokerId;
  }
  const processRoles = a.list("process.roles") as readonly ProcessRole[];
  const isBroker = processRoles.includes("broker");
  const isController = processRoles.includes("controller");

  // ── listeners ──
  const mapExplicit = explicitly("listener.security.protocol.map");
  const parsedMap = parseSecurityProtocolMap(a.str("listener.security.protocol.map") ?? "");
  if (!parsedMap.ok) reject(parsedMap.error, "listener.security.protocol.map");
  const protocolMap = new Map(parsedMap.value);
  const controllerListenerNames = parseCsvList(a.str("controller.listener.names")).map((n) => n.toUpperCase());
  const listenersText = a.str("listeners") ?? "";
  if (!mapExplicit) {
    // Kafka assumes PLAINTEXT for controller listeners missing from a default map, unless any
    // listener is already SSL/SASL (then the user must spell the map out).
    const usesTls = controllerListenerNames.some((n) => n.startsWith("SSL") || n.startsWith("SASL"));
    if (!usesTls) for (const n of controllerListenerNames) if (!protocolMap.has(n)) protocolMap.set(n, "PLAINTEXT");
  }
  const listenersResult = parseListeners("listeners", listenersText, protocolMap, true);
  if (!listenersResult.ok) reject(listenersResult.error, "listeners");
  const listeners = listenersResult.value;
  if (listeners.length === 0) reject("listeners must contain at least one listener", "listeners");
  for (const l of listeners) {
    if (!IMPLEMENTED_SECURITY_PROTOCOLS.has(l.securityProtocol)) {
      reject(`listener ${l.name} uses security protocol ${l.securityProtocol}, which Millrace does not implement yet`, "listeners");
    }
  }
  const listenerNames = new Set(listeners.map((l) => l.name));

  let advertisedListeners: Listener[];
  if (a.isSet("advertised.listeners")) {
    const adv = parseListeners("advertised.listeners", a.str("advertised.listeners") ?? "", protocolMap, false);
    if (!adv.ok) reject(adv.error, "advertised.listeners");
    advertisedListeners = adv.value;
  } else {
    advertisedListeners = listeners.filter((l) => !controllerListenerNames.includes(l.name));
  }
  for (const l of advertisedListeners) {
    if (l.host === "0.0.0.0" || l.host === "::") {
      reject(`advertised.listeners cannot use the nonroutable meta-address ${l.host}. Use a routable IP address.`, "advertised.listeners");
    }
    if (!listenerNames.has(l.name)) {
      reject(
        `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. ` +
          `Found ${advertisedListeners.map(formatListener).join(",")}. The valid options based on the current configuration are ${[...listenerNames].join(",")}`,
        "advertised.listeners",
      );
    }
    if (isBroker && controllerListenerNames.includes(l.name)) {
      reject(
        "The advertised.listeners config must not contain KRaft controller listeners from controller.listener.names " +
          "when process.roles contains the broker role, because clients never send requests to KRaft controllers",
        "advertised.listeners",
      );
    }
  }

  if (explicitly("inter.broker.listener.name") && explicitly("security.inter.broker.protocol")) {
    reject("Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.", "inter.broker.listener.name");
  }
  const interBrokerListenerName = (a.str("inter.broker.listener.name") ?? a.str("security.inter.broker.protocol") ?? "PLAINTEXT").toUpperCase();
  if (isBroker && !advertisedListeners.some((l) => l.name === interBrokerListenerName)) {
    reject(
      `inter.broker.listener.name must be a listener name defined in advertised.listeners. ` +
        `The valid options based on currently configured listeners are ${advertisedListeners.map((l) => l.name).join(",")}`,
      explicitly("inter.broker.listener.name") ? "inter.broker.listener.name" : "listeners",
    );
  }
  // Kafka checks the inter-broker listener only for nodes with the broker role (a controller-only node has none).
  if (isBroker && controllerListenerNames.includes(interBrokerListenerName)) {
    reject(`controller.listener.names must not contain the inter-broker listener name ${interBrokerListenerName}`, "controller.listener.names");
  }

  // ── quorum ──
  const votersResult = parseQuorumVoters(a.list("controller.quorum.voters"));
  if (!votersResult.ok) reject(votersResult.error, "controller.quorum.voters");
  const voters = votersResult.value;
  const bootstrapResult = parseBootstrapServers(a.list("controller.quorum.bootstrap.servers"));
  if (!bootstrapResult.ok) reject(bootstrapResult.error, "controller.quorum.bootstrap.servers");
  const bootstrap = bootstrapResult.value;
  const singleNodeQuorum = voters.length === 0 && bootstrap.length === 0;
  // Only a combined node may run the in-process quorum of itself alone (our development default):
  // a broker-only node needs controllers to register with, and a controller-only node alone would
  // have no broker to serve.
  if (singleNodeQuorum && !(isBroker && isController)) {
    reject(
      `With process.roles=${processRoles.join(",")}, either controller.quorum.bootstrap.servers must list the bootstrap controllers ` +
        "or controller.quorum.voters must list the voters",
      "process.roles",
    );
  }
  if (isController && voters.length > 0 && !voters.some((v) => v.id === nodeId)) {
    reject(
      `If process.roles contains controller, the node id ${nodeId} must be included in the set of voters controller.quorum.voters=${a.list("controller.quorum.voters").join(",")}`,
      "controller.quorum.voters",
    );
  }
  if (!singleNodeQuorum) {
    // A real quorum talks over controller listeners; the single-node quorum is in-process.
    if (controllerListenerNames.length === 0) {
      reject("controller.listener.names must contain at least one value when a controller quorum is configured", "controller.listener.names");
    }
    if (isController && !controllerListenerNames.every((n) => listenerNames.has(n))) {
      reject(
        "controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role",
        "controller.listener.names",
      );
    }
    if (!isController && controllerListenerNames.some((n) => listenerNames.has(n))) {
      reject(
        "controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role",
        "controller.listener.names",
      );
    }
  }
  if (!isBroker && listeners.some((l) => !controllerListenerNames.includes(l.name))) {
    reject("The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller", "listeners");
  }

  // ── directories ──
  const logDirs = parseCsvList(a.str("log.dirs") ?? a.str("log.dir"));
  const dirsKey = a.isSet("log.dirs") ? "log.dirs" : "log.dir";
  if (logDirs.length === 0) reject(`${dirsKey} must name at least one directory`, dirsKey);
  if (new Set(logDirs).size !== logDirs.length) reject(`${dirsKey} lists the same directory twice`, dirsKey);
  const metadataLogDir = a.str("metadata.log.dir") ?? (logDirs[0] as string);

  // ── group coordinator ranges (GroupCoordinatorConfig's requirements) ──
  const requireOrder = (lowKey: string, highKey: string, strict = false) => {
    const low = a.int(lowKey);
    const high = a.int(highKey);
    if (strict ? low >= high : low > high) {
      reject(`${lowKey} (${low}) must be ${strict ? "less than" : "less than or equal to"} ${highKey} (${high})`, explicitly(lowKey) ? lowKey : highKey);
    }
  };
  requireOrder("group.min.session.timeout.ms", "group.max.session.timeout.ms");
  requireOrder("group.consumer.min.session.timeout.ms", "group.consumer.max.session.timeout.ms");
  requireOrder("group.consumer.min.session.timeout.ms", "group.consumer.session.timeout.ms");
  requireOrder("group.consumer.session.timeout.ms", "group.consumer.max.session.timeout.ms");
  requireOrder("group.consumer.min.heartbeat.interval.ms", "group.consumer.max.heartbeat.interval.ms");
  requireOrder("group.consumer.min.heartbeat.interval.ms", "group.consumer.heartbeat.interval.ms");
  requireOrder("group.consumer.heartbeat.interval.ms", "group.consumer.max.heartbeat.interval.ms");
  requireOrder("group.consumer.heartbeat.interval.ms", "group.consumer.session.timeout.ms", true);

  // ── log: synonyms with precedence ──
  const logRetentionMsRaw = a.isSet("log.retention.ms")
    ? a.long("log.retention.ms")
    : a.isSet("log.retention.minutes")
      ? a.int("log.retention.minutes") * MINUTE_MS
      : a.int("log.retention.hours") * HOUR_MS;
  const logRollMs = a.isSet("log.roll.ms") ? a.long("log.roll.ms") : a.int("log.roll.hours") * HOUR_MS;
  const logRollJitterMs = a.isSet("log.roll.jitter.ms") ? a.long("log.roll.jitter.ms") : a.int("log.roll.jitter.hours") * HOUR_MS;
  const logFlushIntervalMs = a.isSet("log.flush.interval.ms") ? a.long("log.flush.interval.ms") : a.long("log.flush.scheduler.interval.ms");

  const config: BrokerConfig = {
    nodeId,
    processRoles,
    listeners,
    advertisedListeners,
    listenerSecurityProtocolMap: protocolMap,
    interBrokerListenerName,
    controllerListenerNames,
    controllerQuorumVoters: voters,
    controllerQuorumBootstrapServers: bootstrap,
    singleNodeQuorum,
    brokerRack: a.str("broker.rack"),
    healthPort: a.int("millrace.health.port"),
    logCacheMaxBytes: a.long("millrace.log.cache.max.bytes"),
    logInlineWriteMaxBytes: a.long("millrace.log.inline.write.max.bytes"),
    replicaSelectorClass: a.str("replica.selector.class"),
    controllerQuorumElectionTimeoutMs: a.int("controller.quorum.election.timeout.ms"),
    controllerQuorumFetchTimeoutMs: a.int("controller.quorum.fetch.timeout.ms"),
    controllerQuorumElectionBackoffMaxMs: a.int("controller.quorum.election.backoff.max.ms"),
    controllerQuorumRequestTimeoutMs: a.int("controller.quorum.request.timeout.ms"),
    controllerQuorumRetryBackoffMs: a.int("controller.quorum.retry.backoff.ms"),
    brokerHeartbeatIntervalMs: a.int("broker.heartbeat.interval.ms"),
    autoLeaderRebalanceEnable: a.bool("auto.leader.rebalance.enable"),
    leaderImbalanceCheckIntervalSeconds: a.long("leader.imbalance.check.interval.seconds"),
    leaderImbalancePerBrokerPercentage: a.int("leader.imbalance.per.broker.percentage"),
    brokerSessionTimeoutMs: a.int("broker.session.timeout.ms"),
    logDirs,
    metadataLogDir,
    metadataLogMaxRecordBytesBetweenSnapshots: a.long("metadata.log.max.record.bytes.between.snapshots"),
    metadataLogMaxSnapshotIntervalMs: a.long("metadata.log.max.snapshot.interval.ms"),
    metadataMaxRetentionBytes: a.long("metadata.max.retention.bytes"),
    metadataMaxRetentionMs: a.long("metadata.max.retention.ms"),
    metadataLogSegmentBytes: a.int("metadata.log.segment.bytes"),

    numPartitions: a.int("num.partitions"),
    defaultReplicationFactor: a.int("default.replication.factor"),
    autoCreateTopicsEnable: a.bool("auto.create.topics.enable"),
    deleteTopicEnable: a.bool("delete.topic.enable"),
    minInsyncReplicas: a.int("min.insync.replicas"),
    uncleanLeaderElectionEnable: a.bool("unclean.leader.election.enable"),
    compressionType: a.str("compression.type") as CompressionType,

    logSegmentBytes: a.int("log.segment.bytes"),
    logRollMs,
    logRollJitterMs,
    logRetentionMs: logRetentionMsRaw < 0 ? -1 : logRetentionMsRaw,
    logRetentionBytes: a.long("log.retention.bytes"),
    logRetentionCheckIntervalMs: a.long("log.retention.check.interval.ms"),
    logCleanupPolicy: a.list("log.cleanup.policy") as readonly CleanupPolicy[],
    logSegmentDeleteDelayMs: a.long("log.segment.delete.delay.ms"),
    logIndexIntervalBytes: a.int("log.index.interval.bytes"),
    logIndexSizeMaxBytes: a.int("log.index.size.max.bytes"),
    logFlushIntervalMessages: a.long("log.flush.interval.messages"),
    logFlushIntervalMs,
    logFlushSchedulerIntervalMs: a.long("log.flush.scheduler.interval.ms"),
    logFlushOffsetCheckpointIntervalMs: a.int("log.flush.offset.checkpoint.interval.ms"),
    logFlushStartOffsetCheckpointIntervalMs: a.int("log.flush.start.offset.checkpoint.interval.ms"),
    logMessageTimestampType: a.str("log.message.timestamp.type") as TimestampType,
    logMessageTimestampBeforeMaxMs: a.long("log.message.timestamp.before.max.ms"),
    logMessageTimestampAfterMaxMs: a.long("log.message.timestamp.after.max.ms"),
    logCleanerEnable: a.bool("log.cleaner.enable"),
    logCleanerBackoffMs: a.long("log.cleaner.backoff.ms"),
    logCleanerDeleteRetentionMs: a.long("log.cleaner.delete.retention.ms"),
    logCleanerMinCleanableRatio: a.double("log.cleaner.min.cleanable.ratio"),
    logCleanerMinCompactionLagMs: a.long("log.cleaner.min.compaction.lag.ms"),
    logCleanerMaxCompactionLagMs: a.long("log.cleaner.max.compaction.lag.ms"),

    messageMaxBytes: a.int("message.max.bytes"),
    replicaFetchMaxBytes: a.int("replica.fetch.max.bytes"),
    replicaLagTimeMaxMs: a.long("replica.lag.time.max.ms"),
    replicaFetchWaitMaxMs: a.int("replica.fetch.wait.max.ms"),
    replicaFetchBackoffMs: a.int("replica.fetch.backoff.ms"),
    replicaHighWatermarkCheckpointIntervalMs: a.long("replica.high.watermark.checkpoint.interval.ms"),
    leaderReplicationThrottledRate: a.long("leader.replication.throttled.rate"),
    followerReplicationThrottledRate: a.long("follower.replication.throttled.rate"),
    replicationQuotaWindowNum: a.int("replication.quota.window.num"),
    replicationQuotaWindowSizeSeconds: a.int("replication.quota.window.size.seconds"),
    quotaWindowNum: a.int("quota.window.num"),
    quotaWindowSizeSeconds: a.int("quota.window.size.seconds"),
    fetchMaxBytes: a.int("fetch.max.bytes"),
    maxIncrementalFetchSessionCacheSlots: a.int("max.incremental.fetch.session.cache.slots"),

    socketRequestMaxBytes: a.int("socket.request.max.bytes"),
    socketSendBufferBytes: a.int("socket.send.buffer.bytes"),
    socketReceiveBufferBytes: a.int("socket.receive.buffer.bytes"),
    socketListenBacklogSize: a.int("socket.listen.backlog.size"),
    connectionsMaxIdleMs: a.long("connections.max.idle.ms"),
    queuedMaxRequests: a.int("queued.max.requests"),
    numNetworkThreads: a.int("num.network.threads"),
    numIoThreads: a.int("num.io.threads"),

    offsetsTopicNumPartitions: a.int("offsets.topic.num.partitions"),
    offsetsTopicReplicationFactor: a.int("offsets.topic.replication.factor"),
    offsetsTopicSegmentBytes: a.int("offsets.topic.segment.bytes"),
    offsetsRetentionMs: a.int("offsets.retention.minutes") * MINUTE_MS,
    offsetsRetentionCheckIntervalMs: a.long("offsets.retention.check.interval.ms"),
    offsetsCommitTimeoutMs: a.int("offsets.commit.timeout.ms"),
    offsetMetadataMaxBytes: a.int("offset.metadata.max.bytes"),
    groupMinSessionTimeoutMs: a.int("group.min.session.timeout.ms"),
    groupMaxSessionTimeoutMs: a.int("group.max.session.timeout.ms"),
    groupInitialRebalanceDelayMs: a.int("group.initial.rebalance.delay.ms"),
    groupMaxSize: a.int("group.max.size"),
    groupConsumerSessionTimeoutMs: a.int("group.consumer.session.timeout.ms"),
    groupConsumerMinSessionTimeoutMs: a.int("group.consumer.min.session.timeout.ms"),
    groupConsumerMaxSessionTimeoutMs: a.int("group.consumer.max.session.timeout.ms"),
    groupConsumerHeartbeatIntervalMs: a.int("group.consumer.heartbeat.interval.ms"),
    groupConsumerMinHeartbeatIntervalMs: a.int("group.consumer.min.heartbeat.interval.ms"),
    groupConsumerMaxHeartbeatIntervalMs: a.int("group.consumer.max.heartbeat.interval.ms"),
    groupConsumerMaxSize: a.int("group.consumer.max.size"),
    groupConsumerAssignors: a.list("group.consumer.assignors"),
    groupConsumerMigrationPolicy: (a.str("group.consumer.migration.policy") ?? "bidirectional").toLowerCase(),
    groupCoordinatorRebalanceProtocols: a.list("group.coordinator.rebalance.protocols"),

    transactionalIdExpirationMs: a.int("transactional.id.expiration.ms"),
    transactionMaxTimeoutMs: a.int("transaction.max.timeout.ms"),
    transactionStateLogNumPartitions: a.int("transaction.state.log.num.partitions"),
    transactionStateLogReplicationFactor: a.int("transaction.state.log.replication.factor"),
    transactionStateLogMinIsr: a.int("transaction.state.log.min.isr"),
    transactionStateLogSegmentBytes: a.int("transaction.state.log.segment.bytes"),
    transactionAbortTimedOutTransactionCleanupIntervalMs: a.int("transaction.abort.timed.out.transaction.cleanup.interval.ms"),
    transactionRemoveExpiredTransactionCleanupIntervalMs: a.int("transaction.remove.expired.transaction.cleanup.interval.ms"),
    producerIdExpirationMs: a.int("producer.id.expiration.ms"),

    entries,
    layers,
    warnings,
  };

  // The topic defaults derived from the broker keys must themselves be valid topic configs
  // (Kafka fails at start-up the same way, when LogManager builds its default LogConfig).
  const topicDefaults = brokerTopicDefaults(config);
  for (const t of topicDefaults.values()) {
    if (t.error !== undefined) reject(`${t.error} (derived from ${t.brokerKey})`, t.brokerKey);
  }
  const minLag = topicDefaults.get("min.compaction.lag.ms")?.raw;
  const maxLag = topicDefaults.get("max.compaction.lag.ms")?.raw;
  if (minLag !== undefined && maxLag !== undefined && BigInt(minLag) > BigInt(maxLag)) {
    reject(`conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`, "log.cleaner.min.compaction.lag.ms");
  }
  return config;
}

/** A topic key's default as supplied by the broker configuration. */
export interface BrokerTopicDefault {
  /** Text in the topic key's unit (log.retention.hours=1 → "3600000"). */
  readonly raw: string;
  /** The broker key that supplied it (the first of its synonyms that has a value). */
  readonly brokerKey: string;
  readonly source: ConfigSourceId;
  /** Set when the broker value is not a valid value for the topic key. */
  readonly error?: string;
}

/**
 * Kafka's KafkaConfig.extractLogConfigMap: for every topic key, the value the broker config
 * gives it. Topic keys without a broker synonym (throttled replicas, remote storage) keep their
 * built-in default and are omitted.
 */
export function brokerTopicDefaults(config: BrokerConfig): Map<string, BrokerTopicDefault> {
  const out = new Map<string, BrokerTopicDefault>();
  for (const topic of TOPIC_CONFIG_DEFS) {
    for (const synonym of topic.synonyms) {
      const entry = config.entries.get(synonym.name);
      if (entry === undefined || entry.value === null) continue;
      let raw: string;
      if (topic.name === "retention.ms") {
        raw = String(config.logRetentionMs);
      } else if (synonym.scale !== undefined) {
        raw = String(BigInt(entry.value as number) * BigInt(synonym.scale));
      } else {
        raw = entry.text as string;
      }
      const parsed = parseValue(topic, raw);
      out.set(topic.name, {
        raw,
        brokerKey: synonym.name,
        source: entry.source,
        ...(parsed.ok ? {} : { error: parsed.error }),
      });
      break;
    }
  }
  return out;
}

/** Builds static layers from a plain map, as if every key were given with --override. */
export function staticLayer(map: Readonly<Record<string, string>> | ReadonlyMap<string, string>): Map<string, StaticEntry> {
  const entries = map instanceof Map ? [...map.entries()] : Object.entries(map);
  return new Map(entries.map(([k, v]) => [k, { value: v, origin: "override" as const, location: "--override" }]));
}

/** Convenience for tests and embedding: a config from key/value pairs over the defaults. */
export function brokerConfigFromMap(map: Readonly<Record<string, string>> = {}): BrokerConfig {
  return buildBrokerConfig({ ...EMPTY_LAYERS, static: staticLayer(map) });
}

/**
 * The configuration with new dynamic layers (from metadata ConfigRecords or an alter being
 * validated). Returns the error instead of throwing: the input comes from clients.
 */
export function withDynamicLayers(
  config: BrokerConfig,
  update: { readonly dynamicDefault?: ReadonlyMap<string, string>; readonly dynamicBroker?: ReadonlyMap<string, string> },
): Result<BrokerConfig, ConfigApiError> {
  try {
    return ok(
      buildBrokerConfig({
        static: config.layers.static,
        dynamicDefault: update.dynamicDefault ?? config.layers.dynamicDefault,
        dynamicBroker: update.dynamicBroker ?? config.layers.dynamicBroker,
      }),
    );
  } catch (e) {
    if (e instanceof ConfigError) return fail(invalidConfig(e.message));
    throw e;
  }
}

/** Every key that has a value, as the text it was set to (or its default): the raw string map. */
export function rawConfigMap(config: BrokerConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, e] of config.entries) if (e.raw !== null) out.set(name, e.raw);
  return out;
}
