// What the config handlers (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, CreateTopics)
// share: Kafka's config resource types, the broker configuration as it stands now (the static
// layers the process started with plus the dynamic layers in the metadata image), and writing a
// new override set back as metadata config records.
import type { BrokerConfig } from "../config/index.js";
import { effectiveBrokerConfig } from "../metadata/effective-broker-config.js";
import type { TopicImage } from "../metadata/metadata-image.js";
import type { BrokerServices } from "../broker-services.js";

/** ConfigResource.Type wire ids. */
export const ConfigResourceType = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const;

/** The enum name Kafka prints in messages ("UNKNOWN" for an id it does not know). */
export function resourceTypeName(id: number): string {
  const entry = Object.entries(ConfigResourceType).find(([, v]) => v === id);
  return entry ? entry[0] : "UNKNOWN";
}

const EMPTY: ReadonlyMap<string, string> = new Map();

/**
 * The metadata key of a broker resource: "" for the cluster default, else the node id it names
 * (checked by the handler: this node's, or the node that forwarded the request to us).
 */
export function brokerResourceKey(resourceName: string): string {
  return resourceName === "" ? "" : String(Number(resourceName));
}

/** The stored dynamic configs of a broker resource. */
export function dynamicBrokerConfigs(broker: BrokerServices, resourceName: string): ReadonlyMap<string, string> {
  return broker.metadata.image.brokerConfigs.get(brokerResourceKey(resourceName)) ?? EMPTY;
}

/** The broker configuration now: what the process started with plus the dynamic configs in metadata. */
export function currentBrokerConfig(broker: BrokerServices): BrokerConfig {
  return effectiveBrokerConfig(broker.config, broker.metadata.image, broker.nodeId, broker.log);
}

/** The metadata changes that turn `current` into `next`: set values, null for removed keys. */
export function configChanges(current: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): Map<string, string | null> {
  const changes = new Map<string, string | null>();
  for (const [k, v] of next) if (current.get(k) !== v) changes.set(k, v);
  for (const k of current.keys()) if (!next.has(k)) changes.set(k, null);
  return changes;
}

/** Makes `next` the topic's override set: durable in metadata first, then applied to its logs. */
export async function storeTopicConfigs(broker: BrokerServices, topic: TopicImage, next: ReadonlyMap<string, string>): Promise<void> {
  const changes = configChanges(topic.configs, next);
  if (changes.size === 0) return;
  await broker.metadata.alterTopicConfigs(topic, changes);
  broker.topics.applyConfigs(topic);
}

/** Makes `next` the dynamic config set of a broker resource ("" or this node's id). */
export async function storeBrokerConfigs(broker: BrokerServices, resourceName: string, next: ReadonlyMap<string, string>): Promise<void> {
  const changes = configChanges(dynamicBrokerConfigs(broker, resourceName), next);
  if (changes.size === 0) return;
  await broker.metadata.alterBrokerConfigs(brokerResourceKey(resourceName), changes);
  // Broker keys such as log.retention.ms are the defaults of every topic without its own override.
  broker.topics.applyAllConfigs();
}
