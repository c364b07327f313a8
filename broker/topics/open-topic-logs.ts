// Opens the partition logs of every topic in the metadata image and the TopicManager over them,
// with each log's config derived from the broker configuration as it stands now (static plus
// dynamic layers) and the topic's overrides. Shared by the broker and the handler test fixture so
// both wire storage the same way.
import type { Logger } from "pino";
import type { BrokerConfig } from "../config/index.js";
import { effectiveBrokerConfig } from "../metadata/effective-broker-config.js";
import type { MetadataStore } from "../metadata/metadata-store.js";
import { LogManager, type LogManagerOptions } from "../storage/index.js";
import { logConfigFor, validateTopicOverrides } from "./topic-log-config.js";
import { TopicManager } from "./topic-manager.js";

export type StorageTuning = Omit<LogManagerOptions, "logDirs" | "defaultConfig" | "topicConfig" | "logger">;

export async function openTopicLogs(
  config: BrokerConfig,
  metadata: MetadataStore,
  log: Logger,
  tuning: StorageTuning = {},
): Promise<{ logs: LogManager; topics: TopicManager }> {
  const current = () => effectiveBrokerConfig(config, metadata.image, config.nodeId, log);
  const logs = await LogManager.open({
    ...tuning,
    logDirs: config.logDirs,
    cacheMaxBytes: config.logCacheMaxBytes,
    inlineWriteMaxBytes: config.logInlineWriteMaxBytes,
    defaultConfig: logConfigFor(current(), new Map()),
    topicConfig: (topic: string) => {
      const image = metadata.topic(topic);
      return image ? logConfigFor(current(), image.configs) : undefined;
    },
    logger: log.child({ component: "storage" }),
  });
  const topics = new TopicManager({
    nodeId: config.nodeId,
    metadata,
    logs,
    logConfigFor: (overrides) => logConfigFor(current(), overrides),
    validateConfigs: (overrides) => validateTopicOverrides(current(), overrides),
    log: log.child({ component: "topics" }),
  });
  await topics.reconciled();
  return { logs, topics };
}
