// Which nodes a KafkaCluster should have: pools → nodes with stable Kafka node ids and zones.
//
// A node keeps its id for life. The ids in use are read back from the labels of the objects
// that exist (Pods, ConfigMaps, PVCs), so the layout is reconstructable after an operator
// restart; a pool that grows gets the lowest ids no node of any pool uses, a pool that shrinks
// loses its highest ids. Resizing one pool never renumbers another. On a fresh cluster this
// gives ids 0.. in pool order (controllers 0-2, brokers 3-5 for the example).
import type { KafkaClusterSpec, NodeRole } from "../../api/v1alpha1/kafkacluster.js";
import { nodePodName } from "./names.js";

/** A node that exists now, as its objects' labels say. */
export interface LiveNode {
  pool: string;
  nodeId: number;
}

/** A node the cluster should have. */
export interface PlannedNode {
  pool: string;
  nodeId: number;
  roles: NodeRole[];
  /** Zone the node is pinned to (round robin over the pool's zones by position); absent: no pinning. */
  zone?: string;
  podName: string;
}

export interface NodeLayout {
  /** Every wanted node, in pool order then id order. */
  nodes: PlannedNode[];
  /** Live nodes no longer wanted (pool shrunk or removed), by id. */
  removed: LiveNode[];
}

export function planNodes(clusterName: string, spec: Pick<KafkaClusterSpec, "nodePools">, live: readonly LiveNode[]): NodeLayout {
  const liveByPool = new Map<string, number[]>();
  const used = new Set<number>();
  for (const n of live) {
    if (!Number.isInteger(n.nodeId) || n.nodeId < 0) continue;
    used.add(n.nodeId);
    const ids = liveByPool.get(n.pool) ?? [];
    if (!ids.includes(n.nodeId)) ids.push(n.nodeId);
    liveByPool.set(n.pool, ids);
  }
  const nodes: PlannedNode[] = [];
  const removed: LiveNode[] = [];
  let nextFree = 0;
  const allocate = (): number => {
    while (used.has(nextFree)) nextFree++;
    used.add(nextFree);
    return nextFree;
  };
  for (const pool of spec.nodePools) {
    const existing = [...(liveByPool.get(pool.name) ?? [])].sort((a, b) => a - b);
    const kept = existing.slice(0, pool.replicas);
    for (const id of existing.slice(pool.replicas)) removed.push({ pool: pool.name, nodeId: id });
    const ids = [...kept];
    while (ids.length < pool.replicas) ids.push(allocate());
    ids.sort((a, b) => a - b);
    const zones = pool.zones ?? [];
    ids.forEach((nodeId, position) => {
      nodes.push({
        pool: pool.name,
        nodeId,
        roles: [...pool.roles].sort(),
        ...(zones.length > 0 ? { zone: zones[position % zones.length] } : {}),
        podName: nodePodName(clusterName, pool.name, nodeId),
      });
    });
  }
  const wantedPools = new Set(spec.nodePools.map((p) => p.name));
  for (const [pool, ids] of liveByPool) {
    if (!wantedPools.has(pool)) for (const nodeId of ids) removed.push({ pool, nodeId });
  }
  removed.sort((a, b) => a.nodeId - b.nodeId);
  return { nodes, removed };
}

/** Controllers of the layout: the static quorum's voters. */
export function quorumVoters(nodes: readonly PlannedNode[]): PlannedNode[] {
  return nodes.filter((n) => n.roles.includes("controller")).sort((a, b) => a.nodeId - b.nodeId);
}
