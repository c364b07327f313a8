// The KafkaUser controller: its reconciler, woken by its KafkaUsers, their KafkaCluster, the
// Secrets they own (a deleted or edited credentials Secret is rewritten), the Secrets their
// password comes from (a changed password is upserted at once), their cluster's clients CA, and every minute (drift on the
// brokers, certificates nearing expiry).
import type { Controller } from "../../runtime/controller.js";
import { keyForControllerOwner, keyForObject, keysFrom } from "../../runtime/event-mappers.js";
import type { Manager } from "../../runtime/manager.js";
import { formatKey } from "../../runtime/object-key.js";
import { BuiltinTypes } from "../../runtime/resource-type.js";
import { CLUSTER_CALL_BACKOFF, type ClusterAdminProvider } from "../cluster-admin.js";
import { clientsCaSecretName } from "../kafkacluster/names.js";
import { KafkaClusterType, KafkaUserType, type KafkaUserObject } from "../resource-types.js";
import { KafkaUserReconciler, USER_RESYNC_MS } from "./kafkauser-reconciler.js";

export interface KafkaUserControllerOptions {
  workers?: number;
  resyncMs?: number;
}

export function kafkaUserController(m: Manager, admins: ClusterAdminProvider, opts: KafkaUserControllerOptions = {}): Controller {
  const resyncMs = opts.resyncMs ?? USER_RESYNC_MS;
  const usersIn = (namespace: string, match: (u: KafkaUserObject) => boolean) =>
    m.cache
      .list<KafkaUserObject>(KafkaUserType, namespace)
      .filter(match)
      .map((u) => formatKey({ kind: KafkaUserType.kind, namespace, name: u.metadata?.name ?? "" }));
  return m
    .newController({
      name: "kafkauser",
      reconciler: new KafkaUserReconciler(m, admins, resyncMs),
      workers: opts.workers ?? 2,
      queue: CLUSTER_CALL_BACKOFF,
      resyncPeriodMs: resyncMs,
    })
    .watch(m.cache.informersFor(KafkaUserType), keyForObject(KafkaUserType))
    .watch(m.cache.informersFor(KafkaClusterType), keysFrom((c) => usersIn(c.metadata?.namespace ?? "", (u) => u.spec?.clusterRef?.name === c.metadata?.name)))
    .watch(m.cache.informersFor(BuiltinTypes.Secret), keyForControllerOwner(KafkaUserType))
    .watch(
      m.cache.informersFor(BuiltinTypes.Secret),
      keysFrom((s) =>
        usersIn(
          s.metadata?.namespace ?? "",
          (u) =>
            u.spec?.authentication?.password?.secretKeyRef?.name === s.metadata?.name ||
            // A new or renewed clients CA: its tls users' certificates are reissued.
            (u.spec?.authentication?.type === "tls" && clientsCaSecretName(u.spec.clusterRef.name) === s.metadata?.name),
        ),
      ),
    );
}
