// Writes an object's status through the status subresource (never spec), and
// only when it differs from what the cache shows. Server-side apply with the
// operator's field manager: fields dropped from the desired status are removed.
import { canonicalJson } from "./apply-diff.js";
import { FIELD_MANAGER } from "./apply.js";
import { ContentType, type KubeHttp } from "./kube-http.js";
import { apiVersionOf, objectPath, type KubeObject, type ResourceType } from "./resource-type.js";

export class StatusWriter {
  constructor(private readonly http: KubeHttp) {}

  /** Returns true when a write was sent. live is the object as the cache holds it. */
  async update(type: ResourceType, live: KubeObject, status: Record<string, unknown>): Promise<boolean> {
    const name = live.metadata?.name;
    if (!name) throw new Error(`status of ${type.kind}: object has no metadata.name`);
    // Through JSON: undefined fields vanish as they would on the server.
    const desired = JSON.parse(JSON.stringify(status)) as Record<string, unknown>;
    if (canonicalJson(live.status ?? {}) === canonicalJson(desired)) return false;
    const namespace = type.namespaced ? live.metadata?.namespace : undefined;
    await this.http.send({
      verb: "PATCH",
      path: `${objectPath(type, namespace, name)}/status`,
      query: { fieldManager: FIELD_MANAGER, force: true },
      body: { apiVersion: apiVersionOf(type), kind: type.kind, metadata: { name, ...(namespace ? { namespace } : {}) }, status: desired },
      contentType: ContentType.apply,
    });
    return true;
  }
}
