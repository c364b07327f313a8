// A node's server.properties, as text: identity and roles, listeners and their security,
// the static quorum, storage, rack, authorization, then the user's spec.config (which may
// not set any of the keys above: operator-owned keys are refused before this is called).
//
// Certificates are files mounted from the node's Secret, so a renewed certificate reaches
// the broker without a restart (its listeners re-read their PEM files).
import type { KafkaClusterSpec } from "../../api/v1alpha1/kafkacluster.js";
import { operatorOwnedKeysIn } from "../../api/v1alpha1/operator-owned.js";
import { HOST_IP_REFERENCE } from "./external-addresses.js";
import { nodeListeners } from "./listeners.js";
import { CLIENTS_CA_MOUNT_PATH, CONTROLLER_LISTENER, CONTROLLER_PORT, LOG_DIR, NODE_CERTS_MOUNT_PATH, REPLICATION_LISTENER, nodeHostName } from "./names.js";
import { quorumVoters, type PlannedNode } from "./node-layout.js";

/** Port of the broker's /healthz and /readyz (millrace.health.port), probed by the kubelet. */
export const HEALTH_PORT = 9095;
export const STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
/** PEM key + certificate chain in one file, as ssl.keystore.type=PEM wants (added to the node's Secret by the reconciler). */
export const NODE_KEYSTORE_FILE = `${NODE_CERTS_MOUNT_PATH}/keystore.pem`;
export const NODE_TRUSTSTORE_FILE = `${NODE_CERTS_MOUNT_PATH}/ca.crt`;
export const CLIENTS_CA_TRUSTSTORE_FILE = `${CLIENTS_CA_MOUNT_PATH}/ca.crt`;

export interface ServerPropertiesInput {
  clusterName: string;
  namespace: string;
  spec: Pick<KafkaClusterSpec, "listeners" | "authorization" | "config">;
  node: PlannedNode;
  /** Every node of the cluster (the controllers among them are the voters). */
  nodes: readonly PlannedNode[];
  /** The principals of the nodes' and the operator's certificates (super users), and the DN mapping. */
  nodePrincipal: string;
  operatorPrincipal: string;
  principalMappingRules: string;
  /**
   * Advertised `host:port` of external listeners by Kafka listener name (see external-addresses.ts);
   * the others advertise the node's DNS name. A host of `$(HOST_IP)` is only known in the Pod: then
   * advertised.listeners comes from the Pod's environment (advertisedListenersFromEnv).
   */
  externalAdvertised?: ReadonlyMap<string, string>;
}

/** The broker takes a key from its MILLRACE_* environment (broker/config/sources.ts): this one overrides the file's. */
export const ADVERTISED_LISTENERS_ENV = "MILLRACE_ADVERTISED_LISTENERS";

/** advertised.listeners of a broker: REPLICATION and the client listeners (never CONTROLLER, Kafka's rule for brokers). */
export function advertisedListenersValue(input: Pick<ServerPropertiesInput, "clusterName" | "namespace" | "spec" | "node" | "externalAdvertised">): string {
  const { clusterName, namespace, node } = input;
  const host = nodeHostName(clusterName, node.pool, node.nodeId, namespace);
  return nodeListeners(node.roles, input.spec.listeners)
    .filter((l) => l.name !== CONTROLLER_LISTENER)
    .map((l) => `${l.name}://${input.externalAdvertised?.get(l.name) ?? `${host}:${l.port}`}`)
    .join(",");
}

/**
 * The advertised.listeners value the Pod's environment must carry, or undefined when
 * server.properties holds it: only a nodeport listener's host (the Kubernetes node) is unknown
 * until the Pod runs.
 */
export function advertisedListenersFromEnv(input: Pick<ServerPropertiesInput, "clusterName" | "namespace" | "spec" | "node" | "externalAdvertised">): string | undefined {
  if (!input.node.roles.includes("broker")) return undefined;
  const value = advertisedListenersValue(input);
  return value.includes(HOST_IP_REFERENCE) ? value : undefined;
}

export function serverProperties(input: ServerPropertiesInput): string {
  const { clusterName, namespace, spec, node } = input;
  const owned = operatorOwnedKeysIn(spec.config);
  if (owned.length > 0) throw new Error(`spec.config sets keys the operator owns: ${owned.join(", ")}`);
  const listeners = nodeListeners(node.roles, spec.listeners);
  const isBroker = node.roles.includes("broker");
  const voters = quorumVotersValue(clusterName, namespace, input.nodes);
  if (voters === "") throw new Error("no node has the controller role: the quorum has no voters");

  // A string is a comment line.
  const p: ([string, string] | string)[] = [];
  p.push(["node.id", String(node.nodeId)]);
  p.push(["process.roles", node.roles.join(",")]);
  p.push(["log.dirs", LOG_DIR]);
  if (node.zone) p.push(["broker.rack", node.zone]);
  p.push(["controller.quorum.voters", voters]);
  p.push(["controller.listener.names", CONTROLLER_LISTENER]);
  p.push(["listeners", listeners.map((l) => `${l.name}://:${l.port}`).join(",")]);
  if (isBroker) {
    if (advertisedListenersFromEnv(input)) {
      p.push(`# advertised.listeners is set by the Pod's environment (${ADVERTISED_LISTENERS_ENV}): a nodeport listener advertises the Kubernetes node's address, known once the Pod is scheduled.`);
    } else {
      p.push(["advertised.listeners", advertisedListenersValue(input)]);
    }
    p.push(["inter.broker.listener.name", REPLICATION_LISTENER]);
  }
  // Every node knows the controller listener's protocol (brokers dial it).
  const protocols = new Map<string, string>([[CONTROLLER_LISTENER, "SSL"]]);
  for (const l of listeners) protocols.set(l.name, l.protocol);
  p.push(["listener.security.protocol.map", [...protocols].map(([n, proto]) => `${n}:${proto}`).join(",")]);

  // TLS: the node certificate on every TLS listener, trusting the cluster CA; per-listener
  // client authentication and (tls-auth client listeners) the clients CA.
  p.push(["ssl.keystore.type", "PEM"]);
  p.push(["ssl.keystore.location", NODE_KEYSTORE_FILE]);
  p.push(["ssl.truststore.type", "PEM"]);
  p.push(["ssl.truststore.location", NODE_TRUSTSTORE_FILE]);
  p.push(["ssl.principal.mapping.rules", input.principalMappingRules]);
  for (const l of listeners) {
    if (!l.clientAuth) continue;
    const prefix = `listener.name.${l.name.toLowerCase()}.`;
    p.push([`${prefix}ssl.client.auth`, "required"]);
    if (l.trust === "clients-ca") p.push([`${prefix}ssl.truststore.location`, CLIENTS_CA_TRUSTSTORE_FILE]);
  }
  for (const l of listeners) {
    if (l.scram) p.push([`listener.name.${l.name.toLowerCase()}.sasl.enabled.mechanisms`, "SCRAM-SHA-512"]);
  }

  if (spec.authorization?.type === "simple") {
    p.push(["authorizer.class.name", STANDARD_AUTHORIZER]);
    const superUsers = [...(spec.authorization.superUsers ?? []), input.nodePrincipal, input.operatorPrincipal];
    p.push(["super.users", [...new Set(superUsers)].join(";")]);
  }
  p.push(["millrace.health.port", String(HEALTH_PORT)]);

  const header = [
    `# server.properties of node ${node.nodeId} (pool ${node.pool}) of KafkaCluster ${namespace}/${clusterName}.`,
    "# Written by the Millrace operator: edits are overwritten. Set broker configuration in the KafkaCluster's spec.config.",
  ];
  const userConfig = Object.entries(spec.config ?? {}).map(([k, v]) => [k, String(v)] as [string, string]);
  const lines = [...header, ...p.map((entry) => (typeof entry === "string" ? entry : propertyLine(entry)))];
  if (userConfig.length > 0) lines.push("# spec.config", ...userConfig.map(propertyLine));
  return lines.join("\n") + "\n";
}

/** controller.quorum.voters: `<id>@<node DNS name>:9090` of every controller, by id. */
export function quorumVotersValue(clusterName: string, namespace: string, nodes: readonly PlannedNode[]): string {
  return quorumVoters(nodes)
    .map((v) => `${v.nodeId}@${nodeHostName(clusterName, v.pool, v.nodeId, namespace)}:${CONTROLLER_PORT}`)
    .join(",");
}

function propertyLine([key, value]: [string, string]): string {
  return `${escapeKey(key)}=${escapeValue(value)}`;
}

// java.util.Properties' escapes: backslash always; in keys also the separators; in values a
// leading blank (it would be trimmed) and line breaks.
function escapeKey(key: string): string {
  return key.replace(/[\\=: #!]/g, (c) => `\\${c}`).replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
}

function escapeValue(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/^[ \t]/, (c) => `\\${c}`);
}
