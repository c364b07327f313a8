// One NetworkPolicy per listener, selecting the nodes that open it:
// - controller (9090): only from the cluster's own nodes;
// - replication (9091): from the cluster's nodes and from the operator's Pods
//   (label app.kubernetes.io/name=millrace-operator, in any namespace: the operator's
//   namespace is not known here);
// - each client listener: from anywhere (who may do what is the listener's authentication
//   and the ACLs' business; restricting sources is left to the user's own policies, which
//   Kubernetes ORs with these);
// - the health port (9095): from anywhere, so the kubelet's probes pass on every CNI.
import type { V1NetworkPolicy, V1NetworkPolicyPeer } from "@kubernetes/client-node";
import type { Listener } from "../../api/v1alpha1/kafkacluster.js";
import { CONTROLLER_PORT, LABEL_BROKER_ROLE, LABEL_CLUSTER, LABEL_CONTROLLER_ROLE, REPLICATION_PORT, clusterLabels, networkPolicyName } from "./names.js";
import { HEALTH_PORT } from "./server-properties.js";

export const OPERATOR_POD_LABELS = { "app.kubernetes.io/name": "millrace-operator" };

function policy(clusterName: string, namespace: string, name: string, podLabels: Record<string, string>, portNumber: number, from: V1NetworkPolicyPeer[] | undefined): V1NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: networkPolicyName(clusterName, name), namespace, labels: clusterLabels(clusterName) },
    spec: {
      podSelector: { matchLabels: { [LABEL_CLUSTER]: clusterName, ...podLabels } },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ protocol: "TCP", port: portNumber }], ...(from ? { from } : {}) }],
    },
  };
}

export function desiredNetworkPolicies(clusterName: string, namespace: string, listeners: readonly Listener[]): V1NetworkPolicy[] {
  const clusterNodes: V1NetworkPolicyPeer = { podSelector: { matchLabels: { [LABEL_CLUSTER]: clusterName } } };
  const operatorPods: V1NetworkPolicyPeer = { namespaceSelector: {}, podSelector: { matchLabels: OPERATOR_POD_LABELS } };
  const brokers = { [LABEL_BROKER_ROLE]: "true" };
  return [
    policy(clusterName, namespace, "controller", { [LABEL_CONTROLLER_ROLE]: "true" }, CONTROLLER_PORT, [clusterNodes]),
    policy(clusterName, namespace, "replication", brokers, REPLICATION_PORT, [clusterNodes, operatorPods]),
    ...listeners.map((l) => policy(clusterName, namespace, l.name, brokers, l.port, undefined)),
    policy(clusterName, namespace, "health-port", {}, HEALTH_PORT, undefined),
  ];
}
