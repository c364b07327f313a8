// The KafkaTopic controller: its reconciler, woken by its KafkaTopics and by their KafkaCluster
// (a cluster that appears, becomes reachable or is deleted), and every minute to find drift made
// on the brokers, which sends no Kubernetes event.
import { keyForObject, keysFrom } from "../../runtime/event-mappers.js";
import type { Controller } from "../../runtime/controller.js";
import type { Manager } from "../../runtime/manager.js";
import { formatKey } from "../../runtime/object-key.js";
import { CLUSTER_CALL_BACKOFF, type ClusterAdminProvider } from "../cluster-admin.js";
import { KafkaClusterType, KafkaTopicType, type KafkaTopicObject } from "../resource-types.js";
import { KafkaTopicReconciler, TOPIC_RESYNC_MS } from "./kafkatopic-reconciler.js";

export interface KafkaTopicControllerOptions {
  workers?: number;
  resyncMs?: number;
}

export function kafkaTopicController(m: Manager, admins: ClusterAdminProvider, opts: KafkaTopicControllerOptions = {}): Controller {
  const resyncMs = opts.resyncMs ?? TOPIC_RESYNC_MS;
  return m
    .newController({
      name: "kafkatopic",
      reconciler: new KafkaTopicReconciler(m, admins, resyncMs),
      workers: opts.workers ?? 2,
      queue: CLUSTER_CALL_BACKOFF,
      resyncPeriodMs: resyncMs,
    })
    .watch(m.cache.informersFor(KafkaTopicType), keyForObject(KafkaTopicType))
    .watch(
      m.cache.informersFor(KafkaClusterType),
      keysFrom((cluster) => {
        const namespace = cluster.metadata?.namespace ?? "";
        return m.cache
          .list<KafkaTopicObject>(KafkaTopicType, namespace)
          .filter((t) => t.spec?.clusterRef?.name === cluster.metadata?.name)
          .map((t) => formatKey({ kind: KafkaTopicType.kind, namespace, name: t.metadata?.name ?? "" }));
      }),
    );
}
