// One topic config as DescribeConfigs reports it, with where its value comes from. Kafka's
// ConfigSource codes (DescribeConfigsResponse, v1+); never renumber them.

export const CONFIG_SOURCES = [
  "UNKNOWN",
  "DYNAMIC_TOPIC_CONFIG",
  "DYNAMIC_BROKER_CONFIG",
  "DYNAMIC_DEFAULT_BROKER_CONFIG",
  "STATIC_BROKER_CONFIG",
  "DEFAULT_CONFIG",
  "DYNAMIC_BROKER_LOGGER_CONFIG",
  "CLIENT_METRICS_CONFIG",
  "GROUP_CONFIG",
] as const;
export type ConfigSourceName = (typeof CONFIG_SOURCES)[number];

export interface TopicConfigEntry {
  readonly name: string;
  /** null for a sensitive config or one without a value. */
  readonly value: string | null;
  readonly source: ConfigSourceName;
  /** Set on the topic itself (what a KafkaTopic's spec.config owns), not inherited from the broker or a default. */
  readonly isTopicOverride: boolean;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
}

export function configSourceName(code: number): ConfigSourceName {
  return CONFIG_SOURCES[code] ?? "UNKNOWN";
}
