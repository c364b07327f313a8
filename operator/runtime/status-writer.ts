// Writes an object's status through the status subresource (never spec), and
// only when it differs from what the cache shows. Server-side apply with the
// operator's field manager: fields dropped from the desired status are removed.
import type { Logger } from "pino";
import { canonicalJson } from "./apply-diff.js";
import { FIELD_MANAGER } from "./apply.js";
import { ContentType, type KubeHttp } from "./kube-http.js";
import { apiVersionOf, objectPath, type KubeObject, type ResourceType } from "./resource-type.js";
import { WriteMemo } from "./write-memo.js";

export class StatusWriter {
  private readonly memo = new WriteMemo();

  constructor(
    private readonly http: KubeHttp,
    private readonly log?: Logger,
  ) {}

  /** Returns true when a write was sent. live is the object as the cache holds it. */
  async update(type: ResourceType, live: KubeObject, status: Record<string, unknown>): Promise<boolean> {
    const name = live.metadata?.name;
    if (!name) throw new Error(`status of ${type.kind}: object has no metadata.name`);
    // Through JSON: undefined fields vanish as they would on the server.
    const desired = JSON.parse(JSON.stringify(status)) as Record<string, unknown>;
    const desiredJson = canonicalJson(desired);
    if (canonicalJson(live.status ?? {}) === desiredJson) return false;
    const namespace = type.namespaced ? live.metadata?.namespace : undefined;
    const path = `${objectPath(type, namespace, name)}/status`;
    if (this.memo.alreadyWritten(path, desiredJson, live.metadata?.resourceVersion)) return false;
    const result = await this.http.send<KubeObject>({
      verb: "PATCH",
      path,
      query: { fieldManager: FIELD_MANAGER, force: true },
      body: { apiVersion: apiVersionOf(type), kind: type.kind, metadata: { name, ...(namespace ? { namespace } : {}) }, status: desired },
      contentType: ContentType.apply,
    });
    this.memo.remember(path, desiredJson, result?.metadata?.resourceVersion);
    if (canonicalJson(result?.status ?? {}) !== desiredJson) {
      this.log?.warn({ kind: type.kind, namespace, name }, "the API server kept a different status than written (pruned by the schema?); not rewriting it until it changes");
    }
    return true;
  }
}
