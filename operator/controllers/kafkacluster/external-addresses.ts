// Where a client outside Kubernetes reaches a broker on each nodeport/loadbalancer listener, read
// from the live per-broker Services (and, for nodeport, the broker's Pod), as Strimzi does:
// - nodeport: `<the Kubernetes node's address>:<the Service's nodePort>`. The node is known only
//   once the Pod is scheduled, so the broker gets it from the downward API (`$(HOST_IP)`, expanded
//   by the kubelet in the Pod's environment); the nodePort the API server allocated is read here.
// - loadbalancer: `<status.loadBalancer.ingress[0] ip or hostname>:<listener port>`, once assigned.
// A listener whose Service has no nodePort or no load balancer address yet is "waiting": the
// broker's Pod is not created until it has one (it would advertise an address nobody can reach).
import type { V1Pod, V1Service } from "@kubernetes/client-node";
import type { Listener } from "../../api/v1alpha1/kafkacluster.js";
import type { SubjectAltNames } from "../../pki/cluster-certificates.js";
import { externalServiceName } from "./names.js";
import type { PlannedNode } from "./node-layout.js";

/** The Pod's env var holding its Kubernetes node's IP (downward API `status.hostIP`). */
export const HOST_IP_ENV = "HOST_IP";
/** What the broker advertises as the host of a nodeport listener: expanded by the kubelet. */
export const HOST_IP_REFERENCE = `$(${HOST_IP_ENV})`;

export interface NodeExternalAddresses {
  /** Advertised `host:port` per Kafka listener name (upper case); host may be HOST_IP_REFERENCE. */
  advertised: Map<string, string>;
  /** `host:port` per spec listener name that a client can dial now (status bootstrapServers). */
  known: Map<string, string>;
  /** Per-broker Services without a nodePort or a load balancer address yet. */
  waiting: string[];
  /** What the node's certificate must also name. */
  subjectAltNames: { ipAddresses: string[]; dnsNames: string[] };
}

export function isExternal(l: Pick<Listener, "type">): boolean {
  return l.type === "nodeport" || l.type === "loadbalancer";
}

/**
 * The external addresses of one node. A node without the broker role has none (it opens no
 * client listener).
 */
export function nodeExternalAddresses(
  clusterName: string,
  listeners: readonly Listener[],
  node: PlannedNode,
  service: (name: string) => V1Service | undefined,
  pod: V1Pod | undefined,
): NodeExternalAddresses {
  const out: NodeExternalAddresses = { advertised: new Map(), known: new Map(), waiting: [], subjectAltNames: { ipAddresses: [], dnsNames: [] } };
  if (!node.roles.includes("broker")) return out;
  for (const l of listeners) {
    if (!isExternal(l)) continue;
    const serviceName = externalServiceName(clusterName, l.name, node.nodeId);
    const svc = service(serviceName);
    if (l.type === "nodeport") {
      const nodePort = svc?.spec?.ports?.find((p) => p.port === l.port)?.nodePort;
      if (!nodePort) {
        out.waiting.push(serviceName);
        continue;
      }
      out.advertised.set(l.name.toUpperCase(), `${HOST_IP_REFERENCE}:${nodePort}`);
      const hostIP = pod?.status?.hostIP;
      if (hostIP) {
        out.known.set(l.name, `${hostAndPort(hostIP, nodePort)}`);
        addUnique(out.subjectAltNames.ipAddresses, hostIP);
      }
    } else {
      const ingress = svc?.status?.loadBalancer?.ingress?.[0];
      const host = ingress?.ip || ingress?.hostname;
      if (!host) {
        out.waiting.push(serviceName);
        continue;
      }
      const address = hostAndPort(host, l.port);
      out.advertised.set(l.name.toUpperCase(), address);
      out.known.set(l.name, address);
      addUnique(ingress?.ip ? out.subjectAltNames.ipAddresses : out.subjectAltNames.dnsNames, host);
    }
  }
  return out;
}

/** `host:port`, with an IPv6 address in brackets. */
function hostAndPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function addUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** The certificate's extra names, or undefined when there are none (an internal-only node). */
export function extraSubjectAltNames(a: NodeExternalAddresses): SubjectAltNames | undefined {
  const { ipAddresses, dnsNames } = a.subjectAltNames;
  return ipAddresses.length + dnsNames.length > 0 ? { ipAddresses, dnsNames } : undefined;
}
