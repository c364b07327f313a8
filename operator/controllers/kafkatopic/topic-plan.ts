// Pure decisions of the KafkaTopic reconciler: the topic's name, the config changes that bring
// the broker to the spec, and whether an existing topic may be adopted.
//
// Which config keys the operator manages: the keys in spec.config are SET to their value; a key
// the operator managed before (remembered in the annotation MANAGED_CONFIG_ANNOTATION) and no
// longer in the spec is DELETEd (back to the broker's default); any other override on the topic
// (set by someone else with kafka-configs, say) is left alone. So removing a key from the spec
// undoes it, and a tool that tunes a key the spec does not name is not fought.
import type { ConfigChange, TopicConfigEntry, TopicDescription } from "../../../broker/client/index.js";
import type { KafkaTopic } from "../../api/v1alpha1/kafkatopic.js";

/** The config keys the operator has set on the topic, comma-separated (so it can delete one the spec drops). */
export const MANAGED_CONFIG_ANNOTATION = "kafka.millrace.dev/managed-config-keys";

export const DEFAULT_PARTITIONS = 1;
export const DEFAULT_REPLICAS = 3;

export function topicNameOf(topic: KafkaTopic): string {
  return topic.spec.topicName ?? topic.metadata?.name ?? "";
}

/** spec.config as Kafka reads it: every value a string. */
export function desiredConfig(topic: KafkaTopic): Record<string, string> {
  return Object.fromEntries(Object.entries(topic.spec.config ?? {}).map(([k, v]) => [k, String(v)]));
}

export function desiredPartitions(topic: KafkaTopic): number {
  return topic.spec.partitions ?? DEFAULT_PARTITIONS;
}

export function desiredReplicas(topic: KafkaTopic): number {
  return topic.spec.replicas ?? DEFAULT_REPLICAS;
}

export function managedKeysOf(topic: KafkaTopic): string[] {
  const raw = topic.metadata?.annotations?.[MANAGED_CONFIG_ANNOTATION] ?? "";
  return raw.split(",").map((s) => s.trim()).filter(Boolean).sort();
}

export function formatManagedKeys(keys: Iterable<string>): string {
  return [...new Set(keys)].sort().join(",");
}

/** The overrides set on the topic itself (not broker defaults), as status reports them. */
export function topicOverrides(entries: readonly TopicConfigEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isTopicOverride && e.value !== null) out[e.name] = e.value;
  }
  return out;
}

export interface ConfigPlan {
  changes: ConfigChange[];
  /** For humans: "retention.ms: 1000 -> 2000", "segment.ms: removed (was 5)". */
  descriptions: string[];
}

/** The SET/DELETE changes that make the topic's overrides what the spec wants (rule at the top). */
export function configPlan(desired: Readonly<Record<string, string>>, overrides: Readonly<Record<string, string>>, previouslyManaged: readonly string[]): ConfigPlan {
  const changes: ConfigChange[] = [];
  const descriptions: string[] = [];
  for (const name of Object.keys(desired).sort()) {
    const want = desired[name]!;
    const have = overrides[name];
    if (have === want) continue;
    changes.push({ op: "SET", name, value: want });
    descriptions.push(have === undefined ? `${name}: set to ${want}` : `${name}: ${have} -> ${want}`);
  }
  for (const name of [...previouslyManaged].sort()) {
    if (name in desired || !(name in overrides)) continue;
    changes.push({ op: "DELETE", name });
    descriptions.push(`${name}: removed (was ${overrides[name]})`);
  }
  return { changes, descriptions };
}

/**
 * Why an existing topic the operator did not create may not be adopted (empty: it may). It must
 * have the partitions and replicas the spec asks for and every spec.config key's value; other
 * overrides do not matter (the operator leaves keys outside the spec alone anyway).
 */
export function adoptionMismatches(topic: KafkaTopic, existing: TopicDescription, overrides: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  const partitions = existing.partitions.length;
  if (partitions !== desiredPartitions(topic)) out.push(`partitions: topic has ${partitions}, spec wants ${desiredPartitions(topic)}`);
  const replicas = replicationFactorOf(existing);
  if (replicas !== desiredReplicas(topic)) out.push(`replicas: topic has ${replicas}, spec wants ${desiredReplicas(topic)}`);
  const desired = desiredConfig(topic);
  for (const name of Object.keys(desired).sort()) {
    if (overrides[name] !== desired[name]) out.push(`config ${name}: topic has ${overrides[name] ?? "the default"}, spec wants ${desired[name]}`);
  }
  return out;
}

/** Replicas per partition (the largest, should partitions differ mid-reassignment). */
export function replicationFactorOf(t: TopicDescription): number {
  return t.partitions.reduce((max, p) => Math.max(max, p.replicas.length), 0);
}
