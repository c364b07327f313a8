// The controller role of a node (process.roles contains controller): the ClusterController that,
// while this node leads the metadata quorum, registers brokers, tracks their sessions, elects
// partition leaders and decides metadata changes.
import type { Logger } from "pino";
import type { BrokerConfig } from "../config/index.js";
import { ClusterController } from "../metadata/controller/cluster-controller.js";
import type { MetadataStore } from "../metadata/metadata-store.js";

export function startClusterController(config: BrokerConfig, clusterId: string, metadata: MetadataStore, log: Logger): ClusterController {
  const controller = new ClusterController({
    clusterId,
    sessionTimeoutMs: config.brokerSessionTimeoutMs,
    uncleanLeaderElectionEnable: config.uncleanLeaderElectionEnable,
    ...(config.autoLeaderRebalanceEnable
      ? { leaderRebalance: { intervalMs: config.leaderImbalanceCheckIntervalSeconds * 1000, imbalancePercentage: config.leaderImbalancePerBrokerPercentage } }
      : {}),
    metadata,
    logger: log.child({ component: "controller" }),
  });
  controller.start();
  return controller;
}
