// The Services of a cluster:
// - headless `<cluster>-nodes`: every node's stable DNS name (<pod>.<cluster>-nodes.<ns>.svc, through
//   the Pods' hostname+subdomain), published before the node is ready — the quorum forms through it;
// - ClusterIP `<cluster>-bootstrap` over the brokers: every client listener port and REPLICATION
//   (the operator's admin connection);
// - per broker and per nodeport/loadbalancer listener, a Service of that type selecting the one Pod.
import type { V1Service, V1ServicePort } from "@kubernetes/client-node";
import type { Listener } from "../../api/v1alpha1/kafkacluster.js";
import { CONTROLLER_PORT, LABEL_BROKER_ROLE, LABEL_CLUSTER, LABEL_NODE_ID, REPLICATION_PORT, bootstrapServiceName, clusterLabels, externalServiceName, nodesServiceName } from "./names.js";
import type { PlannedNode } from "./node-layout.js";

function port(name: string, number: number): V1ServicePort {
  return { name, port: number, targetPort: number, protocol: "TCP" };
}

export function nodesService(clusterName: string, namespace: string): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: nodesServiceName(clusterName), namespace, labels: clusterLabels(clusterName) },
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: { [LABEL_CLUSTER]: clusterName },
      ports: [port("controller", CONTROLLER_PORT), port("replication", REPLICATION_PORT)],
    },
  };
}

export function bootstrapService(clusterName: string, namespace: string, listeners: readonly Listener[]): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: bootstrapServiceName(clusterName), namespace, labels: clusterLabels(clusterName) },
    spec: {
      type: "ClusterIP",
      selector: { [LABEL_CLUSTER]: clusterName, [LABEL_BROKER_ROLE]: "true" },
      ports: [port("replication", REPLICATION_PORT), ...listeners.map((l) => port(l.name, l.port))],
    },
  };
}

export function externalServices(clusterName: string, namespace: string, listeners: readonly Listener[], nodes: readonly PlannedNode[]): V1Service[] {
  const out: V1Service[] = [];
  for (const l of listeners) {
    if (l.type !== "nodeport" && l.type !== "loadbalancer") continue;
    for (const n of nodes) {
      if (!n.roles.includes("broker")) continue;
      out.push({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: externalServiceName(clusterName, l.name, n.nodeId), namespace, labels: { ...clusterLabels(clusterName), [LABEL_NODE_ID]: String(n.nodeId) } },
        spec: {
          type: l.type === "nodeport" ? "NodePort" : "LoadBalancer",
          selector: { [LABEL_CLUSTER]: clusterName, [LABEL_NODE_ID]: String(n.nodeId) },
          ports: [port(l.name, l.port)],
        },
      });
    }
  }
  return out;
}

/** Every Service the cluster should have, by name. */
export function desiredServices(clusterName: string, namespace: string, listeners: readonly Listener[], nodes: readonly PlannedNode[]): V1Service[] {
  return [nodesService(clusterName, namespace), bootstrapService(clusterName, namespace, listeners), ...externalServices(clusterName, namespace, listeners, nodes)];
}
