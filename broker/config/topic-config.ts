/**
 * A topic's effective configuration: its overrides, else the broker keys that supply topic
 * defaults, else the built-in default — with, for every key, the source and synonym chain
 * DescribeConfigs reports. Validation of user-supplied overrides returns Kafka's error
 * (INVALID_CONFIG naming the key) and never throws.
 */
import {
  type ConfigSourceId,
  type DescribeConfigTypeId,
  type ParsedValue,
  ConfigSource,
  describeConfigTypeOf,
} from "./config-def.js";
import {
  type BrokerConfig,
  type CleanupPolicy,
  type CompressionType,
  type BrokerTopicDefault,
  type TimestampType,
  brokerTopicDefaults,
} from "./broker-config.js";
import { type ConfigApiError, type Result, fail, invalidConfig, ok } from "./errors.js";
import { type ConfigSynonym, synonymChain } from "./synonyms.js";
import { type TopicKeyDef, TOPIC_CONFIG_DEFS, topicKeyDef } from "./topic-definitions.js";
import { formatValue, longToNumber, parseValue } from "./values.js";

export interface TopicConfig {
  readonly cleanupPolicy: readonly CleanupPolicy[];
  /** cleanup.policy contains compact. */
  readonly compact: boolean;
  /** cleanup.policy contains delete. */
  readonly delete: boolean;
  readonly compressionType: CompressionType;
  readonly deleteRetentionMs: number;
  readonly fileDeleteDelayMs: number;
  readonly flushMessages: number;
  readonly flushMs: number;
  readonly indexIntervalBytes: number;
  readonly maxCompactionLagMs: number;
  readonly maxMessageBytes: number;
  readonly messageDownconversionEnable: boolean;
  readonly messageTimestampType: TimestampType;
  readonly messageTimestampBeforeMaxMs: number;
  readonly messageTimestampAfterMaxMs: number;
  readonly minCleanableDirtyRatio: number;
  readonly minCompactionLagMs: number;
  readonly minInsyncReplicas: number;
  readonly preallocate: boolean;
  /** -1 = no size limit. */
  readonly retentionBytes: number;
  /** -1 = keep forever. */
  readonly retentionMs: number;
  readonly segmentBytes: number;
  readonly segmentIndexBytes: number;
  readonly segmentJitterMs: number;
  readonly segmentMs: number;
  readonly uncleanLeaderElectionEnable: boolean;
}

/** One topic key as DescribeConfigs reports it. */
export interface TopicConfigEntry {
  readonly name: string;
  readonly value: ParsedValue;
  /** Kafka's canonical text of the value. */
  readonly text: string | null;
  readonly source: ConfigSourceId;
  /** Topic override first (if any), then the broker synonyms in Kafka's order. */
  readonly synonyms: readonly ConfigSynonym[];
  readonly isSensitive: boolean;
  /** Topic configs are always alterable. */
  readonly readOnly: false;
  readonly configType: DescribeConfigTypeId;
  readonly documentation: string;
}

export interface ResolvedTopicConfig {
  readonly config: TopicConfig;
  /** Every topic key, sorted by name. */
  readonly entries: ReadonlyMap<string, TopicConfigEntry>;
  /** Overridden keys Millrace accepts but does not implement yet. */
  readonly warnings: readonly string[];
}

export type TopicOverrides = ReadonlyMap<string, string | null> | Readonly<Record<string, string | null>>;

function toEntries(overrides: TopicOverrides): [string, string | null][] {
  return overrides instanceof Map ? [...overrides.entries()] : Object.entries(overrides);
}

/** Kafka's limit on one stored config value (ConfigurationControlManager). */
export const MAX_CONFIG_VALUE_LENGTH = 32767;

export interface ValidatedTopicOverrides {
  readonly values: ReadonlyMap<string, ParsedValue>;
  readonly warnings: readonly string[];
}

/**
 * Validates a topic's override map as CreateTopics and (Incremental)AlterConfigs must: known
 * names, non-null values, each value parses and passes its validator, and the combination
 * with the broker defaults is consistent. Returns INVALID_CONFIG with Kafka's message.
 */
export function validateTopicConfig(
  overrides: TopicOverrides,
  broker?: BrokerConfig,
): Result<ValidatedTopicOverrides, ConfigApiError> {
  const entries = toEntries(overrides);
  for (const [, value] of entries) {
    if (value !== null && value.length > MAX_CONFIG_VALUE_LENGTH) {
      return fail(
        invalidConfig(
          `The configuration value cannot be added because it exceeds the maximum value size of ${MAX_CONFIG_VALUE_LENGTH} bytes.`,
        ),
      );
    }
  }
  for (const [name] of entries) {
    if (topicKeyDef(name) === undefined) return fail(invalidConfig(`Unknown topic config name: ${name}`));
  }
  const nulls = entries.filter(([, v]) => v === null).map(([k]) => k);
  if (nulls.length > 0) return fail(invalidConfig(`Null value not supported for topic configs: ${nulls.join(",")}`));

  const values = new Map<string, ParsedValue>();
  const warnings: string[] = [];
  for (const [name, raw] of entries) {
    const def = topicKeyDef(name) as TopicKeyDef;
    const parsed = parseValue(def, raw);
    if (!parsed.ok) return fail(invalidConfig(parsed.error));
    values.set(name, parsed.value);
    if (def.implementation === "unimplemented") {
      warnings.push(`topic config ${name} is accepted but not implemented by Millrace yet`);
    }
  }

  const brokerDefaults = broker === undefined ? undefined : brokerTopicDefaults(broker);
  const effective = (name: string): ParsedValue => {
    if (values.has(name)) return values.get(name) as ParsedValue;
    return defaultValueFor(topicKeyDef(name) as TopicKeyDef, brokerDefaults);
  };
  const minLag = effective("min.compaction.lag.ms") as bigint;
  const maxLag = effective("max.compaction.lag.ms") as bigint;
  if (minLag > maxLag) {
    return fail(
      invalidConfig(`conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`),
    );
  }
  if (effective("remote.storage.enable") === true) {
    return fail(invalidConfig("Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage."));
  }
  return ok({ values, warnings });
}

function defaultValueFor(def: TopicKeyDef, brokerDefaults: ReadonlyMap<string, BrokerTopicDefault> | undefined): ParsedValue {
  const fromBroker = brokerDefaults?.get(def.name);
  const parsed = parseValue(def, fromBroker?.raw ?? (def.default as string));
  // Broker-derived defaults were validated at start-up and built-in ones by the tests.
  if (!parsed.ok) throw new Error(`invalid default for topic config ${def.name}: ${parsed.error}`);
  return parsed.value;
}

function typed(values: ReadonlyMap<string, ParsedValue>): TopicConfig {
  const get = (k: string) => values.get(k) as ParsedValue;
  const int = (k: string) => get(k) as number;
  const long = (k: string) => longToNumber(get(k));
  const bool = (k: string) => get(k) as boolean;
  const cleanupPolicy = (get("cleanup.policy") as readonly string[]).map((p) => p.toLowerCase()) as CleanupPolicy[];
  return {
    cleanupPolicy,
    compact: cleanupPolicy.includes("compact"),
    delete: cleanupPolicy.includes("delete"),
    compressionType: get("compression.type") as CompressionType,
    deleteRetentionMs: long("delete.retention.ms"),
    fileDeleteDelayMs: long("file.delete.delay.ms"),
    flushMessages: long("flush.messages"),
    flushMs: long("flush.ms"),
    indexIntervalBytes: int("index.interval.bytes"),
    maxCompactionLagMs: long("max.compaction.lag.ms"),
    maxMessageBytes: int("max.message.bytes"),
    messageDownconversionEnable: bool("message.downconversion.enable"),
    messageTimestampType: get("message.timestamp.type") as TimestampType,
    messageTimestampBeforeMaxMs: long("message.timestamp.before.max.ms"),
    messageTimestampAfterMaxMs: long("message.timestamp.after.max.ms"),
    minCleanableDirtyRatio: get("min.cleanable.dirty.ratio") as number,
    minCompactionLagMs: long("min.compaction.lag.ms"),
    minInsyncReplicas: int("min.insync.replicas"),
    preallocate: bool("preallocate"),
    retentionBytes: long("retention.bytes"),
    retentionMs: long("retention.ms"),
    segmentBytes: int("segment.bytes"),
    segmentIndexBytes: int("segment.index.bytes"),
    segmentJitterMs: long("segment.jitter.ms"),
    segmentMs: long("segment.ms"),
    uncleanLeaderElectionEnable: bool("unclean.leader.election.enable"),
  };
}

/**
 * Resolves a topic's configuration: override → broker config (dynamic per-broker, dynamic
 * cluster default, static) → built-in default. Invalid overrides give INVALID_CONFIG.
 */
export function resolveTopicConfig(
  overrides: TopicOverrides,
  broker: BrokerConfig,
): Result<ResolvedTopicConfig, ConfigApiError> {
  const validated = validateTopicConfig(overrides, broker);
  if (!validated.ok) return validated;
  const overrideValues = validated.value.values;
  const brokerDefaults = brokerTopicDefaults(broker);

  const values = new Map<string, ParsedValue>();
  const entries = new Map<string, TopicConfigEntry>();
  for (const def of [...TOPIC_CONFIG_DEFS].sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const overridden = overrideValues.has(def.name);
    const value = overridden ? (overrideValues.get(def.name) as ParsedValue) : defaultValueFor(def, brokerDefaults);
    const text = formatValue(value, def.type);
    const brokerChain = synonymChain(broker.layers, def.synonyms.map((s) => s.name));
    const synonyms: ConfigSynonym[] = overridden
      ? [{ name: def.name, value: text, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }, ...brokerChain]
      : brokerChain;
    values.set(def.name, value);
    entries.set(def.name, {
      name: def.name,
      value,
      text,
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      synonyms,
      isSensitive: false,
      readOnly: false,
      configType: describeConfigTypeOf(def.type),
      documentation: def.doc,
    });
  }
  return ok({ config: typed(values), entries, warnings: validated.value.warnings });
}

/** The configuration a new topic with no overrides gets from this broker. */
export function defaultTopicConfig(broker: BrokerConfig): TopicConfig {
  const resolved = resolveTopicConfig(new Map(), broker);
  // No overrides cannot fail validation; a failure here is a bug.
  if (!resolved.ok) throw new Error(resolved.error.message);
  return resolved.value.config;
}
