// Does the object in the cluster already hold what we would apply?
//
// Server-side apply sends only the fields we manage, so we compare only those:
// every field of the desired object must be present with the same value in the
// live one; fields others (or the API server's defaults) added are ignored. Lists
// are compared element by element (same length; each element may carry defaults).
//
// That alone misses one change: a field we used to set and no longer do (a
// removed label) is absent from desired, so nothing compares it. The applied
// hash covers that: the desired object's hash is written in an annotation and
// must match. Drift in our fields is caught by the comparison, changes in our
// intent by the hash.
//
// Builders must use the canonical forms the API server stores (quantities like
// "1Gi" not "1024Mi", no empty maps): otherwise the comparison sees a difference
// at every reconcile and writes each time (the write-counting tests catch that).
import { createHash } from "node:crypto";
import type { KubeObject } from "./resource-type.js";

export const APPLIED_HASH_ANNOTATION = "millrace.dev/applied-hash";

export function containsDesired(desired: unknown, live: unknown): boolean {
  if (desired === undefined) return true;
  if (desired === null) return live === null || live === undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return false;
    return desired.every((d, i) => containsDesired(d, live[i]));
  }
  if (typeof desired === "object") {
    if (typeof live !== "object" || live === null || Array.isArray(live)) return false;
    const l = live as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => containsDesired(v, l[k]));
  }
  return desired === live;
}

/** JSON with object keys sorted: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function appliedHash(desired: KubeObject): string {
  return createHash("sha256").update(canonicalJson(stripHash(desired))).digest("hex").slice(0, 16);
}

/** desired with its applied-hash annotation set (a new object). */
export function withAppliedHash<T extends KubeObject>(desired: T): T {
  const hash = appliedHash(desired);
  return {
    ...desired,
    metadata: { ...desired.metadata, annotations: { ...desired.metadata?.annotations, [APPLIED_HASH_ANNOTATION]: hash } },
  };
}

/** True when applying desired (already carrying its hash) to live would change nothing we manage. */
export function isUpToDate(desiredWithHash: KubeObject, live: KubeObject | undefined): boolean {
  if (!live) return false;
  return containsDesired(desiredWithHash, live);
}

function stripHash(o: KubeObject): KubeObject {
  const annotations = { ...o.metadata?.annotations };
  delete annotations[APPLIED_HASH_ANNOTATION];
  const { annotations: _dropped, ...rest } = o.metadata ?? {};
  const metadata = Object.keys(annotations).length === 0 ? rest : { ...rest, annotations };
  return { ...o, metadata };
}
