/**
 * DescribeConfigs answers for topics and brokers, shaped like the response's Configs entries
 * (v1+ sources and synonyms, v3+ type and documentation). The handler maps these to the wire
 * and drops what the request version does not carry.
 */
import {
  type ConfigSourceId,
  type DescribeConfigTypeId,
  ConfigSource,
  describeConfigTypeOf,
} from "./config-def.js";
import type { BrokerConfig } from "./broker-config.js";
import { resolveBrokerKey } from "./definitions.js";
import type { ConfigApiError, Result } from "./errors.js";
import { type ConfigSynonym, brokerKeySynonyms, synonymChain } from "./synonyms.js";
import { type TopicOverrides, resolveTopicConfig } from "./topic-config.js";

export interface DescribedConfig {
  readonly name: string;
  /** null for sensitive keys and keys without a value. */
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly configSource: ConfigSourceId;
  readonly isSensitive: boolean;
  readonly synonyms: readonly ConfigSynonym[];
  readonly configType: DescribeConfigTypeId;
  readonly documentation: string | null;
}

export interface DescribeOptions {
  /** Keys asked for; null/undefined/empty = all. Unknown keys are left out, as Kafka does. */
  readonly keys?: readonly string[] | null;
  readonly includeSynonyms?: boolean;
  readonly includeDocumentation?: boolean;
}

function wanted(options: DescribeOptions): (name: string) => boolean {
  const keys = options.keys;
  if (keys === undefined || keys === null || keys.length === 0) return () => true;
  const set = new Set(keys);
  return (name) => set.has(name);
}

/** DescribeConfigs for a topic with the given overrides. */
export function describeTopicConfigs(
  overrides: TopicOverrides,
  broker: BrokerConfig,
  options: DescribeOptions = {},
): Result<DescribedConfig[], ConfigApiError> {
  const resolved = resolveTopicConfig(overrides, broker);
  if (!resolved.ok) return resolved;
  const want = wanted(options);
  const out: DescribedConfig[] = [];
  for (const e of resolved.value.entries.values()) {
    if (!want(e.name)) continue;
    out.push({
      name: e.name,
      value: e.text,
      readOnly: false,
      configSource: e.source,
      isSensitive: false,
      synonyms: options.includeSynonyms ? e.synonyms : [],
      configType: e.configType,
      documentation: options.includeDocumentation ? e.documentation : null,
    });
  }
  return { ok: true, value: out };
}

/**
 * DescribeConfigs for a broker resource: `resourceName` "" is the cluster-wide default (only the
 * dynamic defaults that are set are listed, as Kafka does), otherwise this broker (every key).
 */
export function describeBrokerConfigs(
  broker: BrokerConfig,
  resourceName: string,
  options: DescribeOptions = {},
): DescribedConfig[] {
  const want = wanted(options);
  const perBroker = resourceName !== "";
  const out: DescribedConfig[] = [];
  const names = perBroker ? [...broker.entries.keys()] : [...broker.layers.dynamicDefault.keys()];
  for (const name of names.sort()) {
    if (!want(name)) continue;
    const def = resolveBrokerKey(name)?.def;
    const isSensitive = def === undefined || def.type === "password";
    const rawValue = perBroker ? (broker.entries.get(name)?.text ?? null) : (broker.layers.dynamicDefault.get(name) ?? null);
    const chain = synonymChain(broker.layers, brokerKeySynonyms(name), name).filter(
      (s) => perBroker || s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    );
    out.push({
      name,
      value: isSensitive ? null : rawValue,
      readOnly: def === undefined || def.updateMode === "read-only",
      configSource: chain[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive,
      synonyms: options.includeSynonyms ? chain : [],
      configType: def === undefined ? 0 : describeConfigTypeOf(def.type),
      documentation: options.includeDocumentation ? (def?.doc ?? null) : null,
    });
  }
  return out;
}
