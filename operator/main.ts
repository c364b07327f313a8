// The operator process: kube config (in-cluster, or $KUBECONFIG / ~/.kube/config),
// one root pino logger, the runtime Manager (informer caches, controllers, Lease
// leader election, /healthz /readyz /metrics) and a graceful SIGTERM: controllers
// finish their in-flight reconcile, the Lease is released so the standby replica
// takes over at once.
//
// Environment:
//   POD_NAME                    this replica's identity (default: hostname)
//   POD_NAMESPACE               where the Lease lives (default: "default")
//   MILLRACE_WATCH_NAMESPACES   comma-separated namespaces to watch (default: all)
//   MILLRACE_LEADER_ELECT       "false" runs the controllers without election (one replica)
//   MILLRACE_HEALTH_PORT        /healthz, /readyz, /metrics (default 8081)
//   MILLRACE_BROKER_IMAGE       image of KafkaCluster nodes that set neither spec.image nor spec.version
//                               (default millrace:<operator version>; the chart passes the operator's own image)
//   MILLRACE_LOG_LEVEL          pino level (default info)
//   MILLRACE_CLUSTER_ACCESS_FILE development aid: JSON map "namespace/name" → {bootstrap, security}
//                               for KafkaClusters whose brokers run outside Kubernetes (default:
//                               mTLS to each cluster's bootstrap Service, operator/controllers/cluster-admin.ts)
import { KubeConfig } from "@kubernetes/client-node";
import { hostname } from "node:os";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { clusterAdminProviderFromEnv, type ClusterAdminProvider } from "./controllers/cluster-admin.js";
import { kafkaClusterController } from "./controllers/kafkacluster/controller.js";
import { operatorVersion } from "./controllers/kafkacluster/operator-version.js";
import { kafkaTopicController } from "./controllers/kafkatopic/kafkatopic-controller.js";
import { kafkaUserController } from "./controllers/kafkauser/kafkauser-controller.js";
import type { Controller } from "./runtime/controller.js";
import { Manager } from "./runtime/manager.js";

/** A controller built from the manager's shared parts and the one admin-client provider of the process. */
export type OperatorControllerFactory = (m: Manager, clusterAdmin: ClusterAdminProvider) => Controller;

/** Reconcilers register here. */
export const controllers: OperatorControllerFactory[] = [
  (m, admin) => kafkaClusterController({ admin, operatorVersion: operatorVersion(), defaultImage: process.env.MILLRACE_BROKER_IMAGE || undefined })(m),
  kafkaTopicController,
  kafkaUserController,
];

export interface OperatorEnv {
  POD_NAME?: string;
  POD_NAMESPACE?: string;
  MILLRACE_WATCH_NAMESPACES?: string;
  MILLRACE_LEADER_ELECT?: string;
  MILLRACE_HEALTH_PORT?: string;
  MILLRACE_CLUSTER_ACCESS_FILE?: string;
}

export interface OperatorSettings {
  identity: string;
  leaseNamespace: string;
  namespaces: string[] | undefined;
  leaderElect: boolean;
  healthPort: number;
}

export function settingsFromEnv(env: OperatorEnv): OperatorSettings {
  const port = env.MILLRACE_HEALTH_PORT === undefined ? 8081 : Number(env.MILLRACE_HEALTH_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`MILLRACE_HEALTH_PORT=${env.MILLRACE_HEALTH_PORT}: want a port number 0-65535`);
  const elect = env.MILLRACE_LEADER_ELECT ?? "true";
  if (elect !== "true" && elect !== "false") throw new Error(`MILLRACE_LEADER_ELECT=${elect}: want true or false`);
  const namespaces = env.MILLRACE_WATCH_NAMESPACES?.split(",").map((s) => s.trim()).filter(Boolean);
  return {
    identity: env.POD_NAME || hostname(),
    leaseNamespace: env.POD_NAMESPACE || "default",
    namespaces: namespaces && namespaces.length > 0 ? namespaces : undefined,
    leaderElect: elect === "true",
    healthPort: port,
  };
}

export async function runOperator(env: OperatorEnv = process.env): Promise<Manager> {
  // The one root logger (the operator does not import broker internals, so not broker/logger.ts).
  const log = pino({ level: process.env.MILLRACE_LOG_LEVEL ?? "info", base: { pid: process.pid, component: "operator" } });
  const settings = settingsFromEnv(env);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const manager = new Manager({
    kubeConfig,
    log,
    identity: settings.identity,
    namespaces: settings.namespaces,
    leaderElection: settings.leaderElect ? { namespace: settings.leaseNamespace, name: "millrace-operator" } : undefined,
    health: { port: settings.healthPort },
  });
  const clusterAdmin = clusterAdminProviderFromEnv(env, manager.cache, log);
  for (const factory of controllers) manager.register((m) => factory(m, clusterAdmin));
  log.info({ ...settings, cluster: kubeConfig.getCurrentCluster()?.server }, "operator starting");

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    manager.stop().then(() => clusterAdmin.close()).then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, "unclean shutdown");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  await manager.start();
  return manager;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runOperator().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
