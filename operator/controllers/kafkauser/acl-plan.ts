// A KafkaUser's ACL rules as Kafka bindings of its principal, and the difference with what the
// cluster has: bindings to create, and bindings of this principal the spec no longer has, each
// deleted by an exact filter (nothing of another principal is ever matched).
import type { AclBinding, AclBindingFilter, AclOperationName, AclResourceType } from "../../../broker/client/index.js";
import type { AclOperation, AclResourceType as SpecResourceType, AclRule } from "../../api/v1alpha1/kafkauser.js";

const RESOURCE_TYPES: Record<SpecResourceType, AclResourceType> = {
  topic: "TOPIC",
  group: "GROUP",
  cluster: "CLUSTER",
  transactionalId: "TRANSACTIONAL_ID",
  delegationToken: "DELEGATION_TOKEN",
  user: "USER",
};

const OPERATIONS: Record<AclOperation, AclOperationName> = {
  All: "ALL",
  Read: "READ",
  Write: "WRITE",
  Create: "CREATE",
  Delete: "DELETE",
  Alter: "ALTER",
  Describe: "DESCRIBE",
  ClusterAction: "CLUSTER_ACTION",
  DescribeConfigs: "DESCRIBE_CONFIGS",
  AlterConfigs: "ALTER_CONFIGS",
  IdempotentWrite: "IDEMPOTENT_WRITE",
  CreateTokens: "CREATE_TOKENS",
  DescribeTokens: "DESCRIBE_TOKENS",
};

/** Kafka's name of the one cluster resource. */
const CLUSTER_RESOURCE_NAME = "kafka-cluster";

export function principalOf(username: string): string {
  return `User:${username}`;
}

export function desiredBindings(username: string, rules: readonly AclRule[]): AclBinding[] {
  const principal = principalOf(username);
  const out = new Map<string, AclBinding>();
  for (const rule of rules) {
    const resourceType = RESOURCE_TYPES[rule.resource.type];
    if (!resourceType) throw new Error(`ACL rule: unknown resource type ${JSON.stringify(rule.resource.type)}`);
    for (const op of rule.operations) {
      const operation = OPERATIONS[op];
      if (!operation) throw new Error(`ACL rule: unknown operation ${JSON.stringify(op)}`);
      const b: AclBinding = {
        resourceType,
        resourceName: rule.resource.type === "cluster" ? CLUSTER_RESOURCE_NAME : (rule.resource.name ?? ""),
        patternType: rule.resource.patternType === "prefixed" ? "PREFIXED" : "LITERAL",
        principal,
        host: rule.host ?? "*",
        operation,
        permission: rule.type === "deny" ? "DENY" : "ALLOW",
      };
      out.set(bindingKey(b), b);
    }
  }
  return [...out.values()];
}

export function bindingKey(b: AclBinding): string {
  return [b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permission].join("\u0000");
}

/** Every binding of the principal, whatever the resource. */
export function principalFilter(username: string): AclBindingFilter {
  return { resourceType: "ANY", resourceName: null, patternType: "ANY", principal: principalOf(username), host: null, operation: "ANY", permission: "ANY" };
}

/** A filter matching exactly one binding. */
export function exactFilter(b: AclBinding): AclBindingFilter {
  return { ...b };
}

export interface AclPlan {
  create: AclBinding[];
  delete: AclBinding[];
}

/** current: the cluster's bindings of this principal (describeAcls with principalFilter). */
export function aclPlan(desired: readonly AclBinding[], current: readonly AclBinding[]): AclPlan {
  const have = new Set(current.map(bindingKey));
  const want = new Set(desired.map(bindingKey));
  return {
    create: desired.filter((b) => !have.has(bindingKey(b))),
    delete: current.filter((b) => !want.has(bindingKey(b))),
  };
}

export function describeBinding(b: AclBinding): string {
  return `${b.permission} ${b.operation} on ${b.resourceType} ${b.patternType === "PREFIXED" ? `${b.resourceName}*` : b.resourceName} from ${b.host}`;
}
