/**
 * Where a broker value comes from. A broker key can be set in four layers, highest priority
 * first: dynamic per-broker, dynamic cluster default, static (file, env, --override), built-in
 * default. Some keys also have synonyms (log.retention.ms / .minutes / .hours). Kafka answers
 * DescribeConfigs with every (layer, synonym) pair that has a value, ordered by layer and then by
 * synonym priority (ConfigHelper.configSynonyms); this module computes exactly that list.
 */
import { type ConfigSourceId, ConfigSource } from "./config-def.js";
import { LISTENER_MECHANISM_KEYS, resolveBrokerKey } from "./definitions.js";

export type StaticOrigin = "file" | "env" | "override";

export interface StaticEntry {
  readonly value: string;
  readonly origin: StaticOrigin;
  /** Human pointer for error messages: "server.properties:12", "MILLRACE_LOG_DIRS", "--override". */
  readonly location: string;
}

/** The layers a broker's configuration is assembled from. */
export interface BrokerConfigLayers {
  readonly static: ReadonlyMap<string, StaticEntry>;
  /** Dynamic cluster-wide defaults (DescribeConfigs/AlterConfigs on broker resource ""). */
  readonly dynamicDefault: ReadonlyMap<string, string>;
  /** Dynamic configs for this broker id. */
  readonly dynamicBroker: ReadonlyMap<string, string>;
}

export interface ConfigSynonym {
  readonly name: string;
  /** null for sensitive keys, as Kafka never sends secrets back. */
  readonly value: string | null;
  readonly source: ConfigSourceId;
}

export const EMPTY_LAYERS: BrokerConfigLayers = {
  static: new Map(),
  dynamicDefault: new Map(),
  dynamicBroker: new Map(),
};

/**
 * Kafka's DynamicBrokerConfig.brokerConfigSynonyms: the keys that configure the same thing as
 * `name`, highest priority first. Listener-prefixed keys fall back to their base key.
 */
export function brokerKeySynonyms(name: string): string[] {
  switch (name) {
    case "log.roll.ms":
    case "log.roll.hours":
      return ["log.roll.ms", "log.roll.hours"];
    case "log.roll.jitter.ms":
    case "log.roll.jitter.hours":
      return ["log.roll.jitter.ms", "log.roll.jitter.hours"];
    case "log.flush.interval.ms":
      return ["log.flush.interval.ms", "log.flush.scheduler.interval.ms"];
    case "log.retention.ms":
    case "log.retention.minutes":
    case "log.retention.hours":
      return ["log.retention.ms", "log.retention.minutes", "log.retention.hours"];
  }
  const resolved = resolveBrokerKey(name);
  if (resolved?.listener !== undefined) {
    const base = name.slice(`listener.name.${resolved.listener}.`.length);
    const mechanismKey = LISTENER_MECHANISM_KEYS.find((k) => base.endsWith(`.${k}`));
    return [name, mechanismKey ?? base];
  }
  return [name];
}

function defaultOf(name: string): string | null {
  const resolved = resolveBrokerKey(name);
  // Listener-prefixed keys have no default of their own; the base key carries it.
  if (resolved === undefined || resolved.listener !== undefined) return null;
  return resolved.def.default ?? null;
}

function isSensitive(name: string): boolean {
  const def = resolveBrokerKey(name)?.def;
  return def === undefined || def.type === "password";
}

/**
 * Kafka's configSynonyms(name, synonyms): every layer × synonym with a value, layer-major, then
 * the entries before `name` itself dropped (describing log.retention.hours does not list .ms).
 */
export function synonymChain(layers: BrokerConfigLayers, names: readonly string[], from?: string): ConfigSynonym[] {
  const out: ConfigSynonym[] = [];
  const add = (name: string, value: string | null | undefined, source: ConfigSourceId) => {
    if (value === undefined || value === null) return;
    out.push({ name, value: isSensitive(name) ? null : value, source });
  };
  for (const n of names) add(n, layers.dynamicBroker.get(n), ConfigSource.DYNAMIC_BROKER_CONFIG);
  for (const n of names) add(n, layers.dynamicDefault.get(n), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  for (const n of names) add(n, layers.static.get(n)?.value, ConfigSource.STATIC_BROKER_CONFIG);
  for (const n of names) add(n, defaultOf(n), ConfigSource.DEFAULT_CONFIG);
  if (from === undefined) return out;
  const start = out.findIndex((s) => s.name === from);
  return start < 0 ? [] : out.slice(start);
}

/** The raw text a broker key currently has, from the highest layer that sets it. */
export function effectiveRaw(layers: BrokerConfigLayers, name: string): { raw: string | null; source: ConfigSourceId } {
  const b = layers.dynamicBroker.get(name);
  if (b !== undefined) return { raw: b, source: ConfigSource.DYNAMIC_BROKER_CONFIG };
  const d = layers.dynamicDefault.get(name);
  if (d !== undefined) return { raw: d, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG };
  const s = layers.static.get(name);
  if (s !== undefined) return { raw: s.value, source: ConfigSource.STATIC_BROKER_CONFIG };
  return { raw: defaultOf(name), source: ConfigSource.DEFAULT_CONFIG };
}
