// At most one node of the cluster voluntarily down at a time (drains, evictions): the
// quorum and min.insync.replicas both survive one missing node in the shapes we build.
import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { LABEL_CLUSTER, clusterLabels, podDisruptionBudgetName } from "./names.js";

export function podDisruptionBudget(clusterName: string, namespace: string): V1PodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: podDisruptionBudgetName(clusterName), namespace, labels: clusterLabels(clusterName) },
    spec: { maxUnavailable: 1, selector: { matchLabels: { [LABEL_CLUSTER]: clusterName } } },
  };
}
