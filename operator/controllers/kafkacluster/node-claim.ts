// A node's PersistentVolumeClaim (its log directory). As Strimzi's deleteClaim: with
// deleteClaim true the claim is owned by the KafkaCluster (garbage-collected with it, and
// deleted when its node is removed); with false (the default) it has no owner and outlives
// the node and the cluster, so a node that returns finds its data.
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { NodePool } from "../../api/v1alpha1/kafkacluster.js";
import { CLUSTER_ID_ANNOTATION } from "./cluster-id.js";
import { dataClaimName } from "./names.js";
import { nodeLabels } from "./node-labels.js";
import type { PlannedNode } from "./node-layout.js";

export function nodeClaim(input: { clusterName: string; namespace: string; node: PlannedNode; pool: NodePool; clusterId: string }): V1PersistentVolumeClaim {
  const { storage } = input.pool;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: dataClaimName(input.clusterName, input.node.pool, input.node.nodeId),
      namespace: input.namespace,
      labels: nodeLabels(input.clusterName, input.node),
      annotations: { [CLUSTER_ID_ANNOTATION]: input.clusterId },
    },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: storage.size } },
      ...(storage.storageClassName ? { storageClassName: storage.storageClassName } : {}),
    },
  };
}

export function claimIsOwned(pool: Pick<NodePool, "storage">): boolean {
  return pool.storage.deleteClaim === true;
}
