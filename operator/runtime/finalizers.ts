// Finalizers: a resource whose deletion must clean something up outside the
// API server (a topic on the brokers, a SCRAM user) carries our finalizer.
//
// The rule:
//  1. Add the finalizer before creating any external state (ensureFinalizer,
//     then return and let the next reconcile create it).
//  2. On deletion, clean up, then remove the finalizer.
//  3. Never leave a namespace stuck: when the cleanup's target is gone or being
//     deleted itself (the KafkaCluster was deleted — with its namespace, say —
//     so its topics die with it), give up the cleanup and remove the finalizer at
//     once. A target that exists but is unreachable is retried with backoff: the
//     cluster may come back, and deleting the cluster releases the finalizer.
// Writes are JSON patches guarded by resourceVersion, so a finalizer list changed
// by someone else meanwhile is never overwritten (the patch fails, we retry).
import type { Logger } from "pino";
import { ContentType, type KubeHttp } from "./kube-http.js";
import { objectPath, type KubeObject, type ResourceType } from "./resource-type.js";

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

export function isBeingDeleted(obj: KubeObject | undefined): boolean {
  return !!obj?.metadata?.deletionTimestamp;
}

/** Adds the finalizer unless present; returns true when a write was sent. */
export async function ensureFinalizer(http: KubeHttp, type: ResourceType, obj: KubeObject, finalizer: string): Promise<boolean> {
  if (hasFinalizer(obj, finalizer)) return false;
  if (isBeingDeleted(obj)) throw new Error(`${type.kind} ${obj.metadata?.name} is being deleted: no finalizer can be added`);
  const ops = [
    testResourceVersion(obj),
    obj.metadata?.finalizers
      ? { op: "add", path: "/metadata/finalizers/-", value: finalizer }
      : { op: "add", path: "/metadata/finalizers", value: [finalizer] },
  ];
  await patch(http, type, obj, ops);
  return true;
}

/** Removes the finalizer if present; returns true when a write was sent. */
export async function removeFinalizer(http: KubeHttp, type: ResourceType, obj: KubeObject, finalizer: string): Promise<boolean> {
  const i = obj.metadata?.finalizers?.indexOf(finalizer) ?? -1;
  if (i < 0) return false;
  await patch(http, type, obj, [testResourceVersion(obj), { op: "remove", path: `/metadata/finalizers/${i}` }]);
  return true;
}

export type CleanupTarget = "available" | "gone";

export type FinalizeOutcome = "not-deleting" | "no-finalizer" | "cleaned-up" | "gave-up";

export interface FinalizeOptions {
  http: KubeHttp;
  type: ResourceType;
  obj: KubeObject;
  finalizer: string;
  /** "gone" when the thing cleanup talks to (the KafkaCluster) is absent or being deleted. */
  target: () => CleanupTarget | Promise<CleanupTarget>;
  /** Removes the external state; throws to be retried with backoff. */
  cleanup: () => Promise<void>;
  log: Logger;
}

/** Runs the deletion half of the rule above for an object being deleted. */
export async function finalizeIfDeleting(o: FinalizeOptions): Promise<FinalizeOutcome> {
  if (!isBeingDeleted(o.obj)) return "not-deleting";
  if (!hasFinalizer(o.obj, o.finalizer)) return "no-finalizer";
  if ((await o.target()) === "gone") {
    o.log.info({ finalizer: o.finalizer }, "cleanup target is gone or being deleted; removing the finalizer without cleanup");
    await removeFinalizer(o.http, o.type, o.obj, o.finalizer);
    return "gave-up";
  }
  await o.cleanup();
  await removeFinalizer(o.http, o.type, o.obj, o.finalizer);
  o.log.info({ finalizer: o.finalizer }, "cleaned up; finalizer removed");
  return "cleaned-up";
}

function testResourceVersion(obj: KubeObject) {
  const rv = obj.metadata?.resourceVersion;
  if (!rv) throw new Error(`${obj.kind} ${obj.metadata?.name}: no resourceVersion to guard the finalizer patch`);
  return { op: "test", path: "/metadata/resourceVersion", value: rv };
}

async function patch(http: KubeHttp, type: ResourceType, obj: KubeObject, ops: unknown[]): Promise<void> {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`${type.kind}: object has no metadata.name`);
  await http.send({
    verb: "PATCH",
    path: objectPath(type, obj.metadata?.namespace, name),
    body: ops,
    contentType: ContentType.jsonPatch,
  });
}
