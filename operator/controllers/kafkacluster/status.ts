// The KafkaCluster's status, rebuilt from what exists on every reconcile (never accumulated):
// nodes and their readiness from the Pods, bootstrap addresses from the spec, operations from
// the restart plan, conditions from the outcome of the steps.
import type { V1Pod } from "@kubernetes/client-node";
import type { BrokerStatus, KafkaCluster, KafkaClusterStatus, ListenerStatus, OperationStatus, QuorumStatus } from "../../api/v1alpha1/kafkacluster.js";
import { markDegraded, markReady, markReconciling } from "../../runtime/conditions.js";
import { isExternal } from "./external-addresses.js";
import { bootstrapServiceName } from "./names.js";
import type { PlannedNode } from "./node-layout.js";
import { VERSION_LABEL } from "./node-pod.js";
import { isPodReady } from "./rolling-restart.js";

export interface StatusInput {
  cluster: KafkaCluster;
  clusterId: string | undefined;
  nodes: readonly PlannedNode[];
  livePod: (name: string) => V1Pod | undefined;
  operations: readonly OperationStatus[];
  /** Set when a step refused to go on (a refused config key, a blocked scale-down). */
  degraded?: { reason: string; message: string };
  /** Set when work is in progress (waiting for a restart's turn, a removal). */
  progressing?: string;
  /** Per-broker Services of external listeners still without a nodePort or load balancer address. */
  waitingForAddresses?: readonly string[];
  /** Addresses outside clients can dial now, per external listener name (every broker's known one). */
  externalBootstrap?: ReadonlyMap<string, readonly string[]>;
  /** The quorum as its leader described it; absent when unknown. */
  quorum?: QuorumStatus;
  nowMs?: number;
}

export function brokerStatuses(nodes: readonly PlannedNode[], livePod: StatusInput["livePod"]): BrokerStatus[] {
  return nodes.map((n) => {
    const pod = livePod(n.podName);
    const version = pod?.metadata?.labels?.[VERSION_LABEL];
    return {
      nodeId: n.nodeId,
      pool: n.pool,
      roles: n.roles,
      ...(n.zone ? { zone: n.zone } : {}),
      pod: n.podName,
      ...(version ? { version } : {}),
      ready: isPodReady(pod),
    };
  });
}

/**
 * Internal listeners: the bootstrap Service. External ones: every broker's address known so far
 * (empty until one is: a client outside Kubernetes cannot use the bootstrap Service).
 */
export function listenerStatuses(cluster: KafkaCluster, externalBootstrap?: ReadonlyMap<string, readonly string[]>): ListenerStatus[] {
  const ns = cluster.metadata?.namespace ?? "";
  const host = `${bootstrapServiceName(cluster.metadata?.name ?? "")}.${ns}.svc`;
  return cluster.spec.listeners.map((l) => ({
    name: l.name,
    type: l.type ?? "internal",
    bootstrapServers: isExternal(l) ? (externalBootstrap?.get(l.name) ?? []).join(",") : `${host}:${l.port}`,
  }));
}

export function clusterStatus(input: StatusInput): KafkaClusterStatus {
  const { cluster } = input;
  const generation = cluster.metadata?.generation;
  const brokers = brokerStatuses(input.nodes, input.livePod);
  const versions = new Set(brokers.map((b) => b.version));
  const notReady = brokers.filter((b) => !b.ready).map((b) => b.pod);
  let conditions = cluster.status?.conditions;
  if (input.degraded) {
    conditions = markDegraded(conditions, input.degraded.reason, input.degraded.message, generation, input.nowMs);
  } else if (input.waitingForAddresses?.length) {
    const message = `waiting for external addresses (a nodePort, a load balancer's ingress) of Services ${input.waitingForAddresses.join(", ")}: their brokers' Pods are created once they have one`;
    conditions = markReconciling(conditions, "WaitingForExternalAddresses", message, generation, input.nowMs);
  } else if (notReady.length > 0) {
    conditions = markReconciling(conditions, "NodesNotReady", `waiting for ${notReady.length} of ${brokers.length} nodes to be Ready: ${notReady.join(", ")}`, generation, input.nowMs);
  } else if (input.operations.length > 0 || input.progressing) {
    const message = input.progressing ?? input.operations.map((o) => `${o.type} of nodes ${(o.nodeIds ?? []).join(", ")}: ${o.reason}`).join("; ");
    conditions = markReconciling(conditions, "OperationInProgress", message, generation, input.nowMs);
  } else {
    conditions = markReady(conditions, "ClusterReady", `all ${brokers.length} nodes are Ready`, generation, input.nowMs);
  }
  return {
    observedGeneration: generation,
    conditions,
    ...(input.clusterId ? { clusterId: input.clusterId } : {}),
    ...(versions.size === 1 && brokers[0]?.version ? { version: brokers[0].version } : {}),
    readyBrokers: brokers.filter((b) => b.ready && b.roles.includes("broker")).length,
    brokers,
    listeners: listenerStatuses(cluster, input.externalBootstrap),
    ...(input.quorum ? { quorum: input.quorum } : {}),
    ...(input.operations.length > 0 ? { operations: [...input.operations] } : {}),
  };
}
