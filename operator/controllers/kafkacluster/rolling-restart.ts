// Which Pods to create and which one to replace now. Pods are immutable: a node whose live
// Pod carries another hash than its desired Pod must be replaced (deleted, then created
// anew). Replacements wait their turn: at most one at a time, and only while every other
// node is Ready, controllers before brokers, lowest id first. (The Kafka-safe checks —
// ISR above min.insync.replicas, quorum caught up, leader last — are a later step.)
import type { V1Pod } from "@kubernetes/client-node";
import type { PlannedNode } from "./node-layout.js";
import { POD_HASH_ANNOTATION } from "./node-pod.js";

export interface NodePods {
  node: PlannedNode;
  desired: V1Pod;
  live: V1Pod | undefined;
}

export interface RestartPlan {
  /** Nodes without a Pod: created at once (a new cluster needs all its controllers to form a quorum). */
  create: NodePods[];
  /** Nodes whose live Pod is out of date, in restart order. */
  outdated: NodePods[];
  /** The one Pod to delete now, if it is safe to; undefined while waiting. */
  replaceNow: NodePods | undefined;
  /** Why nothing is replaced now although some Pods are outdated. */
  waitingFor?: string;
}

export function isPodReady(pod: V1Pod | undefined): boolean {
  return pod?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true && !pod.metadata?.deletionTimestamp;
}

export function isOutdated(p: NodePods): boolean {
  return p.live !== undefined && p.live.metadata?.annotations?.[POD_HASH_ANNOTATION] !== p.desired.metadata?.annotations?.[POD_HASH_ANNOTATION];
}

function restartOrder(a: NodePods, b: NodePods): number {
  const ac = a.node.roles.includes("controller") ? 0 : 1;
  const bc = b.node.roles.includes("controller") ? 0 : 1;
  return ac - bc || a.node.nodeId - b.node.nodeId;
}

export function planRestarts(pods: readonly NodePods[]): RestartPlan {
  const create = pods.filter((p) => p.live === undefined);
  const outdated = pods.filter(isOutdated).sort(restartOrder);
  if (outdated.length === 0) return { create, outdated, replaceNow: undefined };
  const terminating = pods.filter((p) => p.live?.metadata?.deletionTimestamp);
  if (terminating.length > 0) {
    return { create, outdated, replaceNow: undefined, waitingFor: `Pod ${terminating.map((p) => p.node.podName).join(", ")} to terminate` };
  }
  for (const candidate of outdated) {
    const notReady = pods.filter((p) => p !== candidate && !isPodReady(p.live));
    if (notReady.length === 0) return { create, outdated, replaceNow: candidate };
  }
  const notReady = pods.filter((p) => !isPodReady(p.live)).map((p) => p.node.podName);
  return { create, outdated, replaceNow: undefined, waitingFor: `every other node to be Ready (not ready: ${notReady.join(", ")})` };
}
