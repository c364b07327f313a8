// Which reconcile keys an informer event wakes up (controller-runtime's handler
// package): the object itself, the controller owner of an owned object (a Pod →
// its KafkaCluster), or any custom mapping (a KafkaTopic → its KafkaCluster).
import { formatKey, keyOf } from "./object-key.js";
import type { KubeObject, ResourceType } from "./resource-type.js";

export type KeyMapper = (obj: KubeObject) => string[];

/** The object's own key: for the kind a controller reconciles. */
export function keyForObject(type: ResourceType): KeyMapper {
  return (obj) => [keyOf(type.kind, obj)];
}

/**
 * The key of the object's controller owner when it is of ownerType (owner
 * references name no namespace: the owner is in the object's own, or is
 * cluster-scoped).
 */
export function keyForControllerOwner(ownerType: ResourceType): KeyMapper {
  const group = ownerType.group;
  return (obj) => {
    const refs = obj.metadata?.ownerReferences ?? [];
    const ref = refs.find((r) => r.controller === true && r.kind === ownerType.kind && groupOf(r.apiVersion) === group);
    if (!ref) return [];
    const namespace = ownerType.namespaced ? (obj.metadata?.namespace ?? "") : "";
    return [formatKey({ kind: ownerType.kind, namespace, name: ref.name })];
  };
}

/** Any mapping; the function returns the keys (possibly none). */
export function keysFrom(fn: (obj: KubeObject) => string[]): KeyMapper {
  return fn;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}
