// Owner references: the operator's children (Pods, Services, ConfigMaps, …)
// name their KafkaCluster as controller, so the API server's garbage collector
// deletes them with it and their events map back to its key.
//
// blockOwnerDeletion holds a foreground deletion of the owner until the child is
// gone; where the OwnerReferencesPermissionEnforcement admission plugin is on,
// setting it needs the "update" verb on the owner kind's finalizers subresource
// (the chart's RBAC grants it).
import type { V1OwnerReference } from "@kubernetes/client-node";
import type { KubeObject } from "./resource-type.js";

export function controllerReference(owner: KubeObject): V1OwnerReference {
  const { apiVersion, kind } = owner;
  const name = owner.metadata?.name;
  const uid = owner.metadata?.uid;
  if (!apiVersion || !kind || !name || !uid) {
    throw new Error(`an owner needs apiVersion, kind, metadata.name and metadata.uid (got ${kind ?? "?"} ${name ?? "?"} uid ${uid ?? "?"})`);
  }
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

export function controllerOf(obj: KubeObject): V1OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerOf(obj);
  return ref !== undefined && ref.uid === owner.metadata?.uid;
}

/**
 * child with owner as its controller (a new object; other, non-controller
 * references are kept). An object has at most one controller: another one is
 * refused, never silently replaced.
 */
export function withControllerReference<T extends KubeObject>(child: T, owner: KubeObject): T {
  const ref = controllerReference(owner);
  const existing = controllerOf(child);
  if (existing && existing.uid !== ref.uid) {
    throw new Error(`${child.kind ?? "object"} ${child.metadata?.name}: already controlled by ${existing.kind} ${existing.name} (uid ${existing.uid})`);
  }
  const others = (child.metadata?.ownerReferences ?? []).filter((r) => r.uid !== ref.uid);
  return { ...child, metadata: { ...child.metadata, ownerReferences: [...others, ref] } };
}
