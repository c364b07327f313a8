// The broker configuration as it stands now: the layers the process started with plus the
// dynamic broker configs in the metadata image (the cluster default "" and this node's id),
// which IncrementalAlterConfigs and AlterConfigs change at run time. Everything that derives
// from broker settings after start-up (topic defaults, live log configs, config answers) reads
// this, not the static BrokerConfig.
import type { Logger } from "pino";
import { withDynamicLayers, type BrokerConfig } from "../config/index.js";
import type { MetadataImage } from "./metadata-image.js";

const EMPTY: ReadonlyMap<string, string> = new Map();

export function effectiveBrokerConfig(started: BrokerConfig, image: MetadataImage, nodeId: number, log: Logger): BrokerConfig {
  const dynamicDefault = image.brokerConfigs.get("") ?? EMPTY;
  const dynamicBroker = image.brokerConfigs.get(String(nodeId)) ?? EMPTY;
  const { layers } = started;
  if (sameEntries(dynamicDefault, layers.dynamicDefault) && sameEntries(dynamicBroker, layers.dynamicBroker)) return started;
  const combined = withDynamicLayers(started, { dynamicDefault, dynamicBroker });
  if (combined.ok) return combined.value;
  // Stored configs were validated when written; a newer broker may have written keys we refuse.
  log.warn({ reason: combined.error.message }, "dynamic broker configs in metadata are not valid here; ignoring them");
  return started;
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
