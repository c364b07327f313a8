// The ACL bindings of the metadata image arranged for lookup by resource: per resource type, the
// LITERAL bindings by exact name (the wildcard "*" among them) and the PREFIXED bindings by
// prefix. A check then reads only the bindings that can apply to its resource: the exact name,
// "*", and each prefix of the name — never every binding. The index follows the image: it is
// rebuilt when the image's ACL version moves (a committed ACL record or a snapshot load), which
// happens on ACL changes only, not per request.
import type { AclBinding, MetadataImage } from "../../metadata/metadata-image.js";
import { PatternType, WILDCARD_RESOURCE } from "./acl-codes.js";

interface TypeIndex {
  readonly literal: Map<string, AclBinding[]>;
  readonly prefixed: Map<string, AclBinding[]>;
  /** Longest prefix present, so a lookup stops early on long names. */
  longestPrefix: number;
}

export class AclIndex {
  private byType = new Map<number, TypeIndex>();
  private indexedVersion = -1;

  constructor(private readonly image: Pick<MetadataImage, "acls" | "aclsVersion">) {}

  /** Every binding whose pattern matches the resource `resourceType`/`name` (literal, wildcard or prefix). */
  matching(resourceType: number, name: string): AclBinding[] {
    const index = this.current().get(resourceType);
    if (!index) return [];
    const out: AclBinding[] = [];
    const exact = index.literal.get(name);
    if (exact) out.push(...exact);
    if (name !== WILDCARD_RESOURCE) {
      const wildcard = index.literal.get(WILDCARD_RESOURCE);
      if (wildcard) out.push(...wildcard);
    }
    const longest = Math.min(name.length, index.longestPrefix);
    for (let i = 1; i <= longest; i++) {
      const bindings = index.prefixed.get(name.slice(0, i));
      if (bindings) out.push(...bindings);
    }
    return out;
  }

  /** Every binding on resources of one type (for checks "on any resource of this type"). */
  ofType(resourceType: number): AclBinding[] {
    const index = this.current().get(resourceType);
    if (!index) return [];
    return [...[...index.literal.values()].flat(), ...[...index.prefixed.values()].flat()];
  }

  private current(): Map<number, TypeIndex> {
    if (this.indexedVersion !== this.image.aclsVersion) {
      this.byType = build(this.image.acls.values());
      this.indexedVersion = this.image.aclsVersion;
    }
    return this.byType;
  }
}

function build(bindings: Iterable<AclBinding>): Map<number, TypeIndex> {
  const byType = new Map<number, TypeIndex>();
  for (const binding of bindings) {
    let index = byType.get(binding.resourceType);
    if (!index) byType.set(binding.resourceType, (index = { literal: new Map(), prefixed: new Map(), longestPrefix: 0 }));
    const table = binding.patternType === PatternType.PREFIXED ? index.prefixed : binding.patternType === PatternType.LITERAL ? index.literal : null;
    // Only LITERAL and PREFIXED bindings are ever written; anything else cannot match.
    if (!table) continue;
    const list = table.get(binding.resourceName);
    if (list) list.push(binding);
    else table.set(binding.resourceName, [binding]);
    if (table === index.prefixed) index.longestPrefix = Math.max(index.longestPrefix, binding.resourceName.length);
  }
  return byType;
}
