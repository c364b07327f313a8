// Labels of a node's objects (Pod, ConfigMap, PVC, certificates Secret): the cluster's
// standard labels plus pool, node id and roles — what Services, the PDB and NetworkPolicies
// select on, and what the node layout reads back after an operator restart.
import { LABEL_BROKER_ROLE, LABEL_CONTROLLER_ROLE, LABEL_NODE_ID, LABEL_POOL, clusterLabels } from "./names.js";
import type { LiveNode, PlannedNode } from "./node-layout.js";
import type { KubeObject } from "../../runtime/resource-type.js";

export function nodeLabels(cluster: string, node: Pick<PlannedNode, "pool" | "nodeId" | "roles">): Record<string, string> {
  return {
    ...clusterLabels(cluster),
    [LABEL_POOL]: node.pool,
    [LABEL_NODE_ID]: String(node.nodeId),
    [LABEL_BROKER_ROLE]: String(node.roles.includes("broker")),
    [LABEL_CONTROLLER_ROLE]: String(node.roles.includes("controller")),
  };
}

/** The node an object belongs to, from its labels; undefined for objects of no node. */
export function liveNodeOf(obj: KubeObject): LiveNode | undefined {
  const labels = obj.metadata?.labels ?? {};
  const pool = labels[LABEL_POOL];
  const id = labels[LABEL_NODE_ID];
  if (!pool || id === undefined || !/^[0-9]+$/.test(id)) return undefined;
  return { pool, nodeId: Number(id) };
}
