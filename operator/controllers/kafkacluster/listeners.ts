// The Kafka listeners of a node: the operator's own (CONTROLLER 9090, REPLICATION 9091, both
// mTLS with the cluster CA) and the spec's client listeners, with the security protocol each
// one's tls/authentication fields call for.
import type { Listener, NodeRole } from "../../api/v1alpha1/kafkacluster.js";
import { CONTROLLER_LISTENER, CONTROLLER_PORT, REPLICATION_LISTENER, REPLICATION_PORT } from "./names.js";

export type SecurityProtocol = "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL";

export interface KafkaListener {
  /** Kafka's listener name (upper case). */
  name: string;
  port: number;
  protocol: SecurityProtocol;
  /** mTLS: client certificates required, checked against `trust`. */
  clientAuth: boolean;
  /** Which CA's certificates a client must present (mTLS listeners). */
  trust?: "cluster-ca" | "clients-ca";
  scram: boolean;
  /** The operator's own listener (not in spec.listeners). */
  operatorOwned: boolean;
}

export function securityProtocolOf(l: Pick<Listener, "tls" | "authentication">): SecurityProtocol {
  const scram = l.authentication?.type === "scram-sha-512";
  if (l.tls) return scram ? "SASL_SSL" : "SSL";
  return scram ? "SASL_PLAINTEXT" : "PLAINTEXT";
}

export function clientListener(l: Listener): KafkaListener {
  const tlsAuth = l.authentication?.type === "tls";
  return {
    name: l.name.toUpperCase(),
    port: l.port,
    protocol: securityProtocolOf(l),
    clientAuth: tlsAuth,
    ...(tlsAuth ? { trust: "clients-ca" as const } : {}),
    scram: l.authentication?.type === "scram-sha-512",
    operatorOwned: false,
  };
}

export const CONTROLLER_KAFKA_LISTENER: KafkaListener = {
  name: CONTROLLER_LISTENER,
  port: CONTROLLER_PORT,
  protocol: "SSL",
  clientAuth: true,
  trust: "cluster-ca",
  scram: false,
  operatorOwned: true,
};

export const REPLICATION_KAFKA_LISTENER: KafkaListener = {
  name: REPLICATION_LISTENER,
  port: REPLICATION_PORT,
  protocol: "SSL",
  clientAuth: true,
  trust: "cluster-ca",
  scram: false,
  operatorOwned: true,
};

/**
 * The listeners a node with these roles opens. A controller-only node opens CONTROLLER alone
 * (Kafka refuses other listeners there); a broker opens REPLICATION and the client listeners.
 */
export function nodeListeners(roles: readonly NodeRole[], specListeners: readonly Listener[]): KafkaListener[] {
  const out: KafkaListener[] = [];
  if (roles.includes("controller")) out.push(CONTROLLER_KAFKA_LISTENER);
  if (roles.includes("broker")) out.push(REPLICATION_KAFKA_LISTENER, ...specListeners.map(clientListener));
  return out;
}
