// What the runtime needs to know about a kind to list, watch and write it:
// group/version, kind, plural and scope. Given explicitly (no discovery calls):
// the operator knows the kinds it manages.
import type { KubernetesObject } from "@kubernetes/client-node";

export interface ResourceType {
  /** "" for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

/** A plain-JSON Kubernetes object as the API server returns it. */
export interface KubeObject extends KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubernetesObject["metadata"];
  [field: string]: unknown;
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** The collection path: /api/v1/namespaces/ns/pods, /apis/g/v/plural (cluster-wide or cluster-scoped). */
export function collectionPath(t: ResourceType, namespace?: string): string {
  const root = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  if (t.namespaced && namespace) return `${root}/namespaces/${encodeURIComponent(namespace)}/${t.plural}`;
  return `${root}/${t.plural}`;
}

export function objectPath(t: ResourceType, namespace: string | undefined, name: string): string {
  if (t.namespaced && !namespace) throw new Error(`${t.kind} ${name}: a namespaced kind needs a namespace`);
  return `${collectionPath(t, namespace)}/${encodeURIComponent(name)}`;
}

/** Core and built-in kinds the operator's reconcilers create or watch. */
export const BuiltinTypes = {
  Namespace: { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  Pod: { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true },
  Service: { group: "", version: "v1", kind: "Service", plural: "services", namespaced: true },
  ConfigMap: { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  Secret: { group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true },
  PersistentVolumeClaim: { group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true },
  PodDisruptionBudget: { group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", namespaced: true },
  NetworkPolicy: { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies", namespaced: true },
  Lease: { group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true },
} as const satisfies Record<string, ResourceType>;
