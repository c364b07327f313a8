// Names, labels and fixed ports of what a KafkaCluster owns, in one place: the KafkaCluster
// reconciler creates these objects, and the KafkaTopic/KafkaUser reconcilers, the certificate
// code and the Helm chart's docs find them by these names.

/** The operator's own listeners on every node (spec.listeners may not use these names or ports). */
export const CONTROLLER_LISTENER = "CONTROLLER";
export const CONTROLLER_PORT = 9090;
/** Inter-broker traffic, and the operator's admin connection (mTLS with the cluster CA). */
export const REPLICATION_LISTENER = "REPLICATION";
export const REPLICATION_PORT = 9091;

/** Where the broker container finds its files (volumes mounted by the KafkaCluster reconciler). */
export const DATA_MOUNT_PATH = "/var/lib/millrace";
export const LOG_DIR = `${DATA_MOUNT_PATH}/data`;
export const CONFIG_MOUNT_PATH = "/etc/millrace";
export const NODE_CERTS_MOUNT_PATH = "/etc/millrace/certs/node";
export const CLIENTS_CA_MOUNT_PATH = "/etc/millrace/certs/clients-ca";

/** A node's Pod; also its ConfigMap and the stem of its other per-node objects. */
export function nodePodName(cluster: string, pool: string, nodeId: number): string {
  return `${cluster}-${pool}-${nodeId}`;
}

/** The node's PersistentVolumeClaim (kept when the Pod is deleted, so a returning node finds its log). */
export function dataClaimName(cluster: string, pool: string, nodeId: number): string {
  return `data-${nodePodName(cluster, pool, nodeId)}`;
}

/** The node's certificate and key, signed by the cluster CA (tls.crt, tls.key, ca.crt). */
export function nodeCertsSecretName(cluster: string, pool: string, nodeId: number): string {
  return `${nodePodName(cluster, pool, nodeId)}-certs`;
}

/** Headless Service giving every node a stable DNS name, ready or not (the quorum forms through it). */
export function nodesServiceName(cluster: string): string {
  return `${cluster}-nodes`;
}

/** A node's DNS name inside Kubernetes, through the headless Service. */
export function nodeHostName(cluster: string, pool: string, nodeId: number, namespace: string): string {
  return `${nodePodName(cluster, pool, nodeId)}.${nodesServiceName(cluster)}.${namespace}.svc`;
}

/** ClusterIP Service over the ready brokers: every client listener and the replication listener. */
export function bootstrapServiceName(cluster: string): string {
  return `${cluster}-bootstrap`;
}

/** Per-broker Service of a nodeport or loadbalancer listener. */
export function externalServiceName(cluster: string, listener: string, nodeId: number): string {
  return `${cluster}-${listener}-${nodeId}`;
}

/** The cluster CA's key and certificate (private: only the operator reads it). */
export function clusterCaSecretName(cluster: string): string {
  return `${cluster}-cluster-ca`;
}

/** The cluster CA's certificate alone (ca.crt), for clients that connect over TLS. */
export function clusterCaCertSecretName(cluster: string): string {
  return `${cluster}-cluster-ca-cert`;
}

/** The clients CA's key and certificate (signs KafkaUser certificates; private). */
export function clientsCaSecretName(cluster: string): string {
  return `${cluster}-clients-ca`;
}

/** The clients CA's certificate alone (ca.crt): the trust store of listeners with tls authentication. */
export function clientsCaCertSecretName(cluster: string): string {
  return `${cluster}-clients-ca-cert`;
}

/** The operator's client certificate for this cluster (tls.crt, tls.key, ca.crt), a super user. */
export function operatorCertsSecretName(cluster: string): string {
  return `${cluster}-operator-certs`;
}

export function podDisruptionBudgetName(cluster: string): string {
  return `${cluster}-nodes`;
}

/** The NetworkPolicy of one listener (controller, replication, or a spec listener's name). */
export function networkPolicyName(cluster: string, listener: string): string {
  return `${cluster}-${listener.toLowerCase()}`;
}

/** Label keys the operator sets on everything a KafkaCluster owns, and selects by. */
export const LABEL_CLUSTER = "kafka.millrace.dev/cluster";
export const LABEL_POOL = "kafka.millrace.dev/pool";
export const LABEL_NODE_ID = "kafka.millrace.dev/node-id";
export const LABEL_BROKER_ROLE = "kafka.millrace.dev/broker";
export const LABEL_CONTROLLER_ROLE = "kafka.millrace.dev/controller";

/** The standard labels of everything a KafkaCluster owns. */
export function clusterLabels(cluster: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "millrace",
    "app.kubernetes.io/instance": cluster,
    "app.kubernetes.io/managed-by": "millrace-operator",
    [LABEL_CLUSTER]: cluster,
  };
}
