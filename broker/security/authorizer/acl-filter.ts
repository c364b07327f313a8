// DescribeAcls and DeleteAcls select bindings with a filter, as Kafka's AclBindingFilter does:
// resource type ANY or equal; pattern type ANY (any pattern, the name compared exactly), MATCH
// (every pattern that would apply to a resource of that name: the literal name, the literal "*",
// and each prefix of it) or equal; a null name, principal or host matches anything, otherwise
// the binding's must be equal (no wildcard expansion); operation and permission ANY or equal.
import type { AclBinding } from "../../metadata/metadata-image.js";
import { AclOperation, PatternType, PermissionType, ResourceType, WILDCARD_RESOURCE } from "./acl-codes.js";

export interface AclFilter {
  readonly resourceTypeFilter: number;
  readonly resourceNameFilter: string | null;
  readonly patternTypeFilter: number;
  readonly principalFilter: string | null;
  readonly hostFilter: string | null;
  readonly operation: number;
  readonly permissionType: number;
}

function patternMatches(filter: AclFilter, binding: AclBinding): boolean {
  if (filter.resourceTypeFilter !== ResourceType.ANY && filter.resourceTypeFilter !== binding.resourceType) return false;
  const patternType = filter.patternTypeFilter;
  if (patternType !== PatternType.ANY && patternType !== PatternType.MATCH && patternType !== binding.patternType) return false;
  const name = filter.resourceNameFilter;
  if (name === null) return true;
  if (patternType !== PatternType.MATCH) return name === binding.resourceName;
  if (binding.patternType === PatternType.LITERAL) return name === binding.resourceName || binding.resourceName === WILDCARD_RESOURCE;
  if (binding.patternType === PatternType.PREFIXED) return name.startsWith(binding.resourceName);
  return false;
}

function entryMatches(filter: AclFilter, binding: AclBinding): boolean {
  if (filter.principalFilter !== null && filter.principalFilter !== binding.principal) return false;
  if (filter.hostFilter !== null && filter.hostFilter !== binding.host) return false;
  if (filter.operation !== AclOperation.ANY && filter.operation !== binding.operation) return false;
  return filter.permissionType === PermissionType.ANY || filter.permissionType === binding.permissionType;
}

export function filterMatches(filter: AclFilter, binding: AclBinding): boolean {
  return patternMatches(filter, binding) && entryMatches(filter, binding);
}

/** The bindings `filter` selects, in a stable order (by resource, then principal, host, operation, permission). */
export function matchingBindings(filter: AclFilter, bindings: Iterable<AclBinding>): AclBinding[] {
  const out: AclBinding[] = [];
  for (const binding of bindings) if (filterMatches(filter, binding)) out.push(binding);
  return out.sort(compareBindings);
}

function compareBindings(a: AclBinding, b: AclBinding): number {
  return (
    a.resourceType - b.resourceType ||
    a.patternType - b.patternType ||
    compareText(a.resourceName, b.resourceName) ||
    compareText(a.principal, b.principal) ||
    compareText(a.host, b.host) ||
    a.operation - b.operation ||
    a.permissionType - b.permissionType
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
