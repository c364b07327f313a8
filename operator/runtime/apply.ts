// Server-side apply with the operator's one field manager, written only when the
// live object (from the informer cache) differs in the fields we manage: a
// reconcile of an unchanged world sends nothing.
import type { Logger } from "pino";
import { canonicalJson, containsDesired, isUpToDate, withAppliedHash } from "./apply-diff.js";
import { ContentType, type KubeHttp } from "./kube-http.js";
import { apiVersionOf, objectPath, type KubeObject, type ResourceType } from "./resource-type.js";
import { WriteMemo } from "./write-memo.js";

export const FIELD_MANAGER = "millrace-operator";

export interface ApplyResult<T extends KubeObject> {
  /** False when the live object was already up to date (no request sent). */
  written: boolean;
  object: T;
}

export class Applier {
  private readonly memo = new WriteMemo();

  constructor(
    private readonly http: KubeHttp,
    private readonly log?: Logger,
  ) {}

  /**
   * Applies desired unless live already matches. live is what the cache holds
   * (undefined: absent). force takes over fields another manager owns: right for
   * fields the operator alone decides (the default); pass false to let a conflict
   * with a human's edit fail instead.
   */
  async apply<T extends KubeObject>(type: ResourceType, desired: T, live: KubeObject | undefined, opts: { force?: boolean } = {}): Promise<ApplyResult<T>> {
    const name = desired.metadata?.name;
    if (!name) throw new Error(`apply ${type.kind}: desired object has no metadata.name`);
    const namespace = type.namespaced ? desired.metadata?.namespace : undefined;
    if (type.namespaced && !namespace) throw new Error(`apply ${type.kind} ${name}: desired object has no metadata.namespace`);
    const body = withAppliedHash({ ...desired, apiVersion: apiVersionOf(type), kind: type.kind });
    if (isUpToDate(body, live)) return { written: false, object: live as T };
    const path = objectPath(type, namespace, name);
    const bodyJson = canonicalJson(body);
    if (this.memo.alreadyWritten(path, bodyJson, live?.metadata?.resourceVersion)) return { written: false, object: live as T };
    const object = await this.http.send<T>({
      verb: "PATCH",
      path,
      query: { fieldManager: FIELD_MANAGER, force: opts.force ?? true },
      body,
      contentType: ContentType.apply,
    });
    this.memo.remember(path, bodyJson, object?.metadata?.resourceVersion);
    this.log?.info({ kind: type.kind, namespace, name, created: !live }, "applied");
    if (!containsDesired(body, object)) {
      this.log?.warn({ kind: type.kind, namespace, name }, "the API server stored a different object than applied (normalized or pruned field?); use canonical forms in the desired object");
    }
    return { written: true, object };
  }

  /** Deletes an object if it exists (404 is success); background propagation by default. */
  async delete(type: ResourceType, namespace: string | undefined, name: string, propagationPolicy: "Background" | "Foreground" | "Orphan" = "Background"): Promise<boolean> {
    try {
      await this.http.send({ verb: "DELETE", path: objectPath(type, namespace, name), body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy } });
      return true;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return false;
      throw e;
    }
  }
}
