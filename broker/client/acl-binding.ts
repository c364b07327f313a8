// ACL bindings and filters as the admin client's callers write them: Kafka's names ("TOPIC",
// "LITERAL", "READ", "ALLOW") rather than wire codes, turned into codes here.
import { AclOperation, PatternType, PermissionType, ResourceType } from "../security/authorizer/acl-codes.js";

export type AclResourceType = Exclude<keyof typeof ResourceType, "UNKNOWN">;
export type AclPatternType = Exclude<keyof typeof PatternType, "UNKNOWN">;
export type AclOperationName = Exclude<keyof typeof AclOperation, "UNKNOWN">;
export type AclPermission = Exclude<keyof typeof PermissionType, "UNKNOWN">;

/** One ACL: who (principal, host) may or may not do what on which resources. */
export interface AclBinding {
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
  readonly patternType: AclPatternType;
  /** "User:alice". */
  readonly principal: string;
  readonly host: string;
  readonly operation: AclOperationName;
  readonly permission: AclPermission;
}

/** A filter over ACLs: null names match any; "ANY" types match any. */
export interface AclBindingFilter {
  readonly resourceType: AclResourceType;
  readonly resourceName: string | null;
  readonly patternType: AclPatternType;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: AclOperationName;
  readonly permission: AclPermission;
}

function codeOf<T extends Record<string, number>>(table: T, name: string, what: string): number {
  const code = table[name];
  if (code === undefined || name === "UNKNOWN") throw new Error(`unknown ACL ${what} "${name}": expected one of ${Object.keys(table).filter((k) => k !== "UNKNOWN").join(", ")}`);
  return code;
}

function nameOf<T extends Record<string, number>>(table: T, code: number): keyof T {
  const found = Object.keys(table).find((k) => table[k] === code);
  return (found ?? "UNKNOWN") as keyof T;
}

export function aclCodes(b: AclBinding | AclBindingFilter) {
  return {
    resourceType: codeOf(ResourceType, b.resourceType, "resource type"),
    patternType: codeOf(PatternType, b.patternType, "pattern type"),
    operation: codeOf(AclOperation, b.operation, "operation"),
    permissionType: codeOf(PermissionType, b.permission, "permission"),
  };
}

/** A filter as DescribeAcls and DeleteAcls both carry it on the wire. */
export function aclFilterFields(f: AclBindingFilter) {
  const codes = aclCodes(f);
  return {
    resourceTypeFilter: codes.resourceType,
    resourceNameFilter: f.resourceName,
    patternTypeFilter: codes.patternType,
    principalFilter: f.principal,
    hostFilter: f.host,
    operation: codes.operation,
    permissionType: codes.permissionType,
  };
}

export function aclBindingFromCodes(codes: {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}): AclBinding {
  return {
    resourceType: nameOf(ResourceType, codes.resourceType) as AclResourceType,
    resourceName: codes.resourceName,
    patternType: nameOf(PatternType, codes.patternType) as AclPatternType,
    principal: codes.principal,
    host: codes.host,
    operation: nameOf(AclOperation, codes.operation) as AclOperationName,
    permission: nameOf(PermissionType, codes.permissionType) as AclPermission,
  };
}
