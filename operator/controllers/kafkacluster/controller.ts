// The KafkaCluster controller: the reconciler and what wakes it — the KafkaCluster itself and
// every object it controls (Pods, Services, ConfigMaps, Secrets, PVCs, the PDB, NetworkPolicies).
import type { ControllerFactory } from "../../runtime/manager.js";
import { keyForControllerOwner, keyForObject } from "../../runtime/event-mappers.js";
import { BuiltinTypes } from "../../runtime/resource-type.js";
import { KafkaClusterType } from "../resource-types.js";
import { KafkaClusterReconciler, type KafkaClusterReconcilerOptions } from "./reconciler.js";

export const OWNED_TYPES = [
  BuiltinTypes.Pod,
  BuiltinTypes.Service,
  BuiltinTypes.ConfigMap,
  BuiltinTypes.Secret,
  BuiltinTypes.PersistentVolumeClaim,
  BuiltinTypes.PodDisruptionBudget,
  BuiltinTypes.NetworkPolicy,
];

export function kafkaClusterController(opts: KafkaClusterReconcilerOptions, workers = 2): ControllerFactory {
  return (m) => {
    const c = m
      .newController({ name: "kafkacluster", reconciler: new KafkaClusterReconciler(m, opts), workers })
      .watch(m.cache.informersFor(KafkaClusterType), keyForObject(KafkaClusterType));
    for (const type of OWNED_TYPES) c.watch(m.cache.informersFor(type), keyForControllerOwner(KafkaClusterType));
    return c;
  };
}
