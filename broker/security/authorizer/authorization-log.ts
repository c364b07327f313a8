// The authorizer's audit lines, in the spirit of Kafka's kafka.authorizer.logger: who (principal,
// host) asked to do what (operation) to which resource ("Topic:LITERAL:orders") through which
// API, and the rule that decided. Denials at info, allowed actions at debug, as Kafka does.
import type { Logger } from "pino";
import { principalToString } from "../principal.js";
import { operationName, ResourceType } from "./acl-codes.js";
import type { AuthorizationAction, AuthorizationDecision } from "./standard-authorizer.js";

const RESOURCE_TYPE_LABELS: Record<number, string> = {
  [ResourceType.TOPIC]: "Topic",
  [ResourceType.GROUP]: "Group",
  [ResourceType.CLUSTER]: "Cluster",
  [ResourceType.TRANSACTIONAL_ID]: "TransactionalId",
  [ResourceType.DELEGATION_TOKEN]: "DelegationToken",
  [ResourceType.USER]: "User",
};

/** "Topic:LITERAL:orders": the resource a request acts on, as Kafka's authorizer log shows it. */
export function resourceLabel(resourceType: number, resourceName: string): string {
  return `${RESOURCE_TYPE_LABELS[resourceType] ?? `Unknown(${resourceType})`}:LITERAL:${resourceName}`;
}

/** Logs one decision: denials at info, allowed actions at debug (callers decide whether to log at all). */
export function logAuthorization(log: Logger, api: string, action: AuthorizationAction, decision: AuthorizationDecision): void {
  const fields = {
    authorizer: decision.allowed ? "allowed" : "denied",
    principal: principalToString(action.principal),
    operation: operationName(action.operation),
    host: action.host,
    resource: resourceLabel(action.resourceType, action.resourceName),
    request: api,
    rule: decision.rule,
    ...(decision.binding ? { aclId: decision.binding.id } : {}),
  };
  if (decision.allowed) log.debug(fields, "authorization allowed");
  else log.info(fields, "authorization denied");
}
