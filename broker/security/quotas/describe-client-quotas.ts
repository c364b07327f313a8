// DescribeClientQuotas' filter, as Kafka's ClientQuotasImage.describe applies it: each component
// names an entity type and matches an exact name (0), the default entity (1) or any named or
// default entity of that type (2). Without components, every entity matches unless `strict`;
// with `strict`, an entity must have no types beyond those the components name. An ip component
// cannot be combined with user or client-id ones.
import type { ClientQuotaEntry } from "../../metadata/metadata-image.js";
import { CLIENT_ID, IP, USER, isKnownEntityType } from "./quota-keys.js";

export const MATCH_EXACT = 0;
export const MATCH_DEFAULT = 1;
export const MATCH_SPECIFIED = 2;

export interface QuotaFilterComponent {
  readonly entityType: string;
  readonly matchType: number;
  readonly match: string | null;
}

/** A refused filter: Kafka's error (INVALID_REQUEST, or UNSUPPORTED_VERSION for an unknown type) and message. */
export interface FilterProblem {
  readonly error: "INVALID_REQUEST" | "UNSUPPORTED_VERSION";
  readonly message: string;
}

interface Filter {
  /** Type → the name it must have (null: the default entity). */
  readonly exact: Map<string, string | null>;
  /** Types the entity must have, under any name. */
  readonly anyOf: Set<string>;
}

function parseFilter(components: readonly QuotaFilterComponent[]): Filter | FilterProblem {
  const exact = new Map<string, string | null>();
  const anyOf = new Set<string>();
  for (const c of components) {
    if (c.entityType === "") return { error: "INVALID_REQUEST", message: "Invalid empty entity type." };
    if (exact.has(c.entityType) || anyOf.has(c.entityType)) {
      return { error: "INVALID_REQUEST", message: `Entity type ${c.entityType} cannot appear more than once in the filter.` };
    }
    if (!isKnownEntityType(c.entityType)) return { error: "UNSUPPORTED_VERSION", message: `Unsupported entity type ${c.entityType}` };
    switch (c.matchType) {
      case MATCH_EXACT:
        if (c.match === null) return { error: "INVALID_REQUEST", message: "Request specified MATCH_TYPE_EXACT, but set match string to null." };
        exact.set(c.entityType, c.match);
        break;
      case MATCH_DEFAULT:
        if (c.match !== null) return { error: "INVALID_REQUEST", message: "Request specified MATCH_TYPE_DEFAULT, but also specified a match string." };
        exact.set(c.entityType, null);
        break;
      case MATCH_SPECIFIED:
        if (c.match !== null) return { error: "INVALID_REQUEST", message: "Request specified MATCH_TYPE_SPECIFIED, but also specified a match string." };
        anyOf.add(c.entityType);
        break;
      default:
        return { error: "INVALID_REQUEST", message: `Unknown match type ${c.matchType}` };
    }
  }
  const names = (t: string) => exact.has(t) || anyOf.has(t);
  if (names(IP) && (names(USER) || names(CLIENT_ID))) {
    return {
      error: "INVALID_REQUEST",
      message: "Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.",
    };
  }
  return { exact, anyOf };
}

function matches(entry: ClientQuotaEntry, filter: Filter, strict: boolean): boolean {
  const names = new Map(entry.entity.map((p) => [p.entityType, p.entityName]));
  for (const [type, name] of filter.exact) if (!names.has(type) || names.get(type) !== name) return false;
  for (const type of filter.anyOf) if (!names.has(type)) return false;
  return !strict || names.size === filter.exact.size + filter.anyOf.size;
}

/** The entries matching the filter, or why the filter is refused. */
export function describeClientQuotas(
  quotas: Iterable<ClientQuotaEntry>,
  components: readonly QuotaFilterComponent[],
  strict: boolean,
): ClientQuotaEntry[] | FilterProblem {
  const filter = parseFilter(components);
  if ("error" in filter) return filter;
  return [...quotas].filter((q) => matches(q, filter, strict));
}
