// What makes an ACL request acceptable, as Kafka decides it.
//
// Codes Kafka does not know at all (or UNKNOWN, 0) fail Kafka's request parsing, which closes
// the connection; so does a v0 request with a pattern type other than LITERAL (v0 predates
// prefixed patterns). requestProblem() finds these; the handlers' readRequest turns them into a
// decode error, and the connection closes as for any malformed request.
//
// A well-formed creation can still be refused, each on its own with INVALID_REQUEST (Kafka's
// AclApis and AclControlManager): a filter-only code (resource type ANY, pattern type ANY or
// MATCH, operation ANY, permission ANY), an empty resource name, a CLUSTER resource not named
// "kafka-cluster", or a principal without "Type:". A PREFIXED "*" is accepted, as Kafka does: it
// is the prefix "*", not a wildcard.
import { parsePrincipal } from "../principal.js";
import {
  AclOperation,
  CLUSTER_NAME,
  isConcreteOperation,
  isConcreteResourceType,
  operationName,
  PatternType,
  patternTypeName,
  PermissionType,
  permissionTypeName,
  ResourceType,
  resourceTypeName,
} from "./acl-codes.js";

interface AclCodes {
  readonly resourceType: number;
  readonly patternType: number;
  readonly operation: number;
  readonly permissionType: number;
}

const known = (code: number, max: number) => code >= 1 && code <= max;

/** Why a request with these codes cannot even be parsed (Kafka closes the connection); undefined when it can. */
export function requestProblem(codes: AclCodes, version: number): string | undefined {
  if (!known(codes.resourceType, ResourceType.USER)) return `unknown resource type ${codes.resourceType}`;
  if (!known(codes.patternType, PatternType.PREFIXED)) return `unknown pattern type ${codes.patternType}`;
  if (!known(codes.operation, AclOperation.TWO_PHASE_COMMIT)) return `unknown operation ${codes.operation}`;
  if (!known(codes.permissionType, PermissionType.ALLOW)) return `unknown permission type ${codes.permissionType}`;
  if (version === 0 && codes.patternType !== PatternType.LITERAL) return "version 0 only supports literal resource pattern types";
  return undefined;
}

export interface AclCreationFields extends AclCodes {
  readonly resourceName: string;
  readonly principal: string;
}

/** Why a binding cannot be created (INVALID_REQUEST with this message); undefined when it can. */
export function creationProblem(c: AclCreationFields): string | undefined {
  if (!isConcreteResourceType(c.resourceType)) return `Invalid resourceType ${resourceTypeName(c.resourceType)}`;
  if (c.patternType !== PatternType.LITERAL && c.patternType !== PatternType.PREFIXED) return `Invalid patternType ${patternTypeName(c.patternType)}`;
  if (!isConcreteOperation(c.operation)) return `Invalid operation ${operationName(c.operation)}`;
  if (c.permissionType !== PermissionType.ALLOW && c.permissionType !== PermissionType.DENY) return `Invalid permissionType ${permissionTypeName(c.permissionType)}`;
  if (c.resourceType === ResourceType.CLUSTER && c.resourceName !== CLUSTER_NAME) return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
  if (c.resourceName === "") return "Invalid empty resource name";
  const principal = parsePrincipal(c.principal);
  if (!principal) {
    return `Could not parse principal from \`${c.principal}\` (no colon is present separating the principal type from the principal name)`;
  }
  return undefined;
}
