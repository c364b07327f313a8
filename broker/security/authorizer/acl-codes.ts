// Kafka's numeric codes for ACL resource types, pattern types, operations and permissions, as
// they travel in CreateAcls/DescribeAcls/DeleteAcls and AccessControlEntryRecord. The numbers are
// Kafka's (org.apache.kafka.common.resource / acl): never renumber them.

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;
export type ResourceTypeCode = (typeof ResourceType)[keyof typeof ResourceType];

export const PatternType = {
  UNKNOWN: 0,
  /** Filters only: any pattern type. */
  ANY: 1,
  /** Filters only: every pattern that matches the filter's name (literal, wildcard or prefix). */
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
} as const;
export type PatternTypeCode = (typeof PatternType)[keyof typeof PatternType];

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
  TWO_PHASE_COMMIT: 15,
} as const;
export type AclOperationCode = (typeof AclOperation)[keyof typeof AclOperation];

export const PermissionType = {
  UNKNOWN: 0,
  ANY: 1,
  DENY: 2,
  ALLOW: 3,
} as const;
export type PermissionTypeCode = (typeof PermissionType)[keyof typeof PermissionType];

/** The wildcard resource name: a LITERAL "*" binding applies to every resource of its type. */
export const WILDCARD_RESOURCE = "*";
/** The wildcard principal and host of a binding. */
export const WILDCARD_PRINCIPAL = "User:*";
export const WILDCARD_HOST = "*";
/** The one CLUSTER resource's name. */
export const CLUSTER_NAME = "kafka-cluster";

function nameOf(table: Record<string, number>, code: number): string {
  for (const [name, value] of Object.entries(table)) if (value === code) return name;
  return `UNKNOWN(${code})`;
}

export const resourceTypeName = (code: number): string => nameOf(ResourceType, code);
export const patternTypeName = (code: number): string => nameOf(PatternType, code);
export const operationName = (code: number): string => nameOf(AclOperation, code);
export const permissionTypeName = (code: number): string => nameOf(PermissionType, code);

/** Resource types a binding may name (not UNKNOWN or ANY). */
export function isConcreteResourceType(code: number): boolean {
  return code >= ResourceType.TOPIC && code <= ResourceType.USER;
}

/** Operations a binding may grant or deny (not UNKNOWN or ANY). */
export function isConcreteOperation(code: number): boolean {
  return code >= AclOperation.ALL && code <= AclOperation.TWO_PHASE_COMMIT;
}

/** The operations each resource type supports, as Kafka's authorizedOperations reports them. */
export const SUPPORTED_OPERATIONS: Readonly<Record<number, readonly AclOperationCode[]>> = {
  [ResourceType.TOPIC]: [
    AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE,
    AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
  ],
  // Group configs (DESCRIBE_CONFIGS/ALTER_CONFIGS on groups) are not served, so not reported either.
  [ResourceType.GROUP]: [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE],
  [ResourceType.CLUSTER]: [
    AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
    AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE,
  ],
  [ResourceType.TRANSACTIONAL_ID]: [AclOperation.DESCRIBE, AclOperation.WRITE, AclOperation.TWO_PHASE_COMMIT],
  [ResourceType.DELEGATION_TOKEN]: [AclOperation.DESCRIBE],
  [ResourceType.USER]: [AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS],
};
