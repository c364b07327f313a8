// The work queue's key for an object: "Kind/namespace/name" ("Kind//name" for
// cluster-scoped kinds). One key per object, whatever event brought it.
export interface ObjectKey {
  kind: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
}

export function formatKey(k: ObjectKey): string {
  return `${k.kind}/${k.namespace}/${k.name}`;
}

export function parseKey(key: string): ObjectKey {
  const parts = key.split("/");
  if (parts.length !== 3 || !parts[0] || !parts[2]) {
    throw new Error(`bad object key ${JSON.stringify(key)}: want Kind/namespace/name`);
  }
  return { kind: parts[0], namespace: parts[1]!, name: parts[2] };
}

export function keyOf(kind: string, obj: { metadata?: { namespace?: string; name?: string } }): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`a ${kind} without metadata.name has no key`);
  return formatKey({ kind, namespace: obj.metadata?.namespace ?? "", name });
}
