// A node's ConfigMap (named as its Pod): server.properties, and the cluster id in an
// annotation so that the id can be recovered from the live objects.
import type { V1ConfigMap } from "@kubernetes/client-node";
import { CLUSTER_ID_ANNOTATION } from "./cluster-id.js";
import { nodeLabels } from "./node-labels.js";
import type { PlannedNode } from "./node-layout.js";

export const SERVER_PROPERTIES_KEY = "server.properties";

export function nodeConfigMap(input: { clusterName: string; namespace: string; node: PlannedNode; clusterId: string; serverProperties: string }): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: input.node.podName,
      namespace: input.namespace,
      labels: nodeLabels(input.clusterName, input.node),
      annotations: { [CLUSTER_ID_ANNOTATION]: input.clusterId },
    },
    data: { [SERVER_PROPERTIES_KEY]: input.serverProperties },
  };
}
