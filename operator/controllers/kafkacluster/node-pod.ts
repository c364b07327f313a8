// A node's Pod. Pods are immutable, so the reconciler never patches one: it compares the
// POD_HASH_ANNOTATION of the live Pod with the desired one (hash of the Pod spec and the
// node's server.properties) and replaces the Pod when they differ, one at a time.
//
// Security: the restricted Pod Security Standard (non-root uid 10001 as in the image, no
// privilege escalation, no capabilities, RuntimeDefault seccomp, read-only root filesystem
// with an emptyDir on /tmp); the data volume is group-owned by 10001 through fsGroup.
import type { V1Affinity, V1Container, V1NodeSelectorTerm, V1Pod, V1SecurityContext, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import { createHash } from "node:crypto";
import type { KafkaClusterSpec, NodePool } from "../../api/v1alpha1/kafkacluster.js";
import { canonicalJson } from "../../runtime/apply-diff.js";
import { nodeListeners } from "./listeners.js";
import { SERVER_PROPERTIES_KEY } from "./node-configmap.js";
import { nodeLabels } from "./node-labels.js";
import type { PlannedNode } from "./node-layout.js";
import { CLIENTS_CA_MOUNT_PATH, CONFIG_MOUNT_PATH, DATA_MOUNT_PATH, NODE_CERTS_MOUNT_PATH, clientsCaCertSecretName, dataClaimName, nodeCertsSecretName, nodesServiceName } from "./names.js";
import { HOST_IP_ENV } from "./external-addresses.js";
import { ADVERTISED_LISTENERS_ENV, HEALTH_PORT } from "./server-properties.js";

export const POD_HASH_ANNOTATION = "kafka.millrace.dev/pod-hash";
export const ZONE_LABEL = "topology.kubernetes.io/zone";
export const CONFIG_FILE = `${CONFIG_MOUNT_PATH}/${SERVER_PROPERTIES_KEY}`;
const UID = 10001;

export interface NodePodInput {
  clusterName: string;
  namespace: string;
  spec: Pick<KafkaClusterSpec, "listeners">;
  pool: NodePool;
  node: PlannedNode;
  image: string;
  /** The Millrace version the image runs (a label, and status.brokers[].version). */
  version: string;
  clusterId: string;
  /** The node's server.properties: part of the hash, so a config change replaces the Pod. */
  serverProperties: string;
  /**
   * advertised.listeners with `$(HOST_IP)` (a nodeport listener): the broker container gets
   * HOST_IP from the downward API and this value as MILLRACE_ADVERTISED_LISTENERS, which the
   * kubelet expands. Part of the Pod spec, so a changed nodePort replaces the Pod.
   */
  advertisedListenersEnv?: string;
}

export const VERSION_LABEL = "kafka.millrace.dev/version";

export function nodePod(input: NodePodInput): V1Pod {
  const { clusterName, namespace, pool, node } = input;
  const template = pool.template ?? {};
  const volumeMounts: V1VolumeMount[] = [
    { name: "data", mountPath: DATA_MOUNT_PATH },
    // subPath: the image's /etc/millrace stays, and the certificate mounts nest under it.
    { name: "config", mountPath: CONFIG_FILE, subPath: SERVER_PROPERTIES_KEY, readOnly: true },
    { name: "node-certs", mountPath: NODE_CERTS_MOUNT_PATH, readOnly: true },
    { name: "clients-ca", mountPath: CLIENTS_CA_MOUNT_PATH, readOnly: true },
    { name: "tmp", mountPath: "/tmp" },
  ];
  const volumes: V1Volume[] = [
    { name: "data", persistentVolumeClaim: { claimName: dataClaimName(clusterName, node.pool, node.nodeId) } },
    { name: "config", configMap: { name: node.podName } },
    { name: "node-certs", secret: { secretName: nodeCertsSecretName(clusterName, node.pool, node.nodeId) } },
    { name: "clients-ca", secret: { secretName: clientsCaCertSecretName(clusterName) } },
    { name: "tmp", emptyDir: {} },
  ];
  const format: V1Container = {
    name: "format-storage",
    image: input.image,
    args: ["storage", "format", "--ignore-formatted", "--cluster-id", input.clusterId, "--config", CONFIG_FILE],
    securityContext: containerSecurityContext(),
    volumeMounts,
    ...(pool.resources ? { resources: canonicalResources(pool.resources) } : {}),
  };
  const broker: V1Container = {
    name: "broker",
    image: input.image,
    args: ["broker", "--config", CONFIG_FILE],
    ...(input.advertisedListenersEnv
      ? {
          env: [
            // Before its use: the kubelet expands $(VAR) only from variables defined earlier.
            { name: HOST_IP_ENV, valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.hostIP" } } },
            { name: ADVERTISED_LISTENERS_ENV, value: input.advertisedListenersEnv },
          ],
        }
      : {}),
    ports: [
      ...nodeListeners(node.roles, input.spec.listeners).map((l) => ({
        containerPort: l.port,
        protocol: "TCP",
        // Port names are at most 15 characters; the operator's listeners and short client ones get one.
        ...(l.name.length <= 15 ? { name: l.name.toLowerCase() } : {}),
      })),
      { name: "health", containerPort: HEALTH_PORT, protocol: "TCP" },
    ],
    readinessProbe: { httpGet: { path: "/readyz", port: "health" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: "/healthz", port: "health" }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    securityContext: containerSecurityContext(),
    volumeMounts,
    ...(pool.resources ? { resources: canonicalResources(pool.resources) } : {}),
  };
  const affinity = podAffinity(template.affinity, node.zone);
  const pod: V1Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: node.podName,
      namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...nodeLabels(clusterName, node), [VERSION_LABEL]: input.version },
      annotations: { ...(template.metadata?.annotations ?? {}) },
    },
    spec: {
      hostname: node.podName,
      subdomain: nodesServiceName(clusterName),
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 60,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: UID,
        runAsGroup: UID,
        fsGroup: UID,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      },
      ...(affinity ? { affinity } : {}),
      ...(template.tolerations?.length ? { tolerations: template.tolerations } : {}),
      ...(template.nodeSelector && Object.keys(template.nodeSelector).length > 0 ? { nodeSelector: template.nodeSelector } : {}),
      ...(template.priorityClassName ? { priorityClassName: template.priorityClassName } : {}),
      initContainers: [format],
      containers: [broker],
      volumes,
    },
  };
  pod.metadata!.annotations![POD_HASH_ANNOTATION] = podHash(pod, input.serverProperties);
  return pod;
}

/** What decides whether a live Pod is still right: its spec, labels and the node's configuration. */
export function podHash(pod: V1Pod, serverProperties: string): string {
  const { [POD_HASH_ANNOTATION]: _, ...annotations } = pod.metadata?.annotations ?? {};
  const basis = canonicalJson({ labels: pod.metadata?.labels, annotations, spec: pod.spec, serverProperties });
  return createHash("sha256").update(basis).digest("hex").slice(0, 16);
}

function containerSecurityContext(): V1SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Zone pinning as a required node affinity, ANDed into each of the template's own terms (terms are ORed). */
export function podAffinity(templateAffinity: V1Affinity | undefined, zone: string | undefined): V1Affinity | undefined {
  if (!zone) return templateAffinity && Object.keys(templateAffinity).length > 0 ? templateAffinity : undefined;
  const zoneExpression = { key: ZONE_LABEL, operator: "In", values: [zone] };
  const required = templateAffinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms: V1NodeSelectorTerm[] = required?.nodeSelectorTerms?.length ? required.nodeSelectorTerms : [{}];
  const pinned = terms.map((t) => ({ ...t, matchExpressions: [...(t.matchExpressions ?? []), zoneExpression] }));
  return {
    ...templateAffinity,
    nodeAffinity: {
      ...templateAffinity?.nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: pinned },
    },
  };
}

/** Quantities as strings (the API's form: `cpu: 1` is stored as "1"). */
function canonicalResources(r: NonNullable<NodePool["resources"]>): V1Container["resources"] {
  const str = (m: Record<string, string | number> | undefined) => (m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)])) : undefined);
  return {
    ...(r.limits ? { limits: str(r.limits) } : {}),
    ...(r.requests ? { requests: str(r.requests) } : {}),
  };
}
