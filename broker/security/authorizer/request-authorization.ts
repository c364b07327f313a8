// What handlers call: is this request's principal, from this request's host, allowed an operation
// on a resource? Each check is logged (authorization-log.ts) with the API that asked.
import type { RequestContext } from "../../handlers/handler.js";
import { AclOperation, CLUSTER_NAME, ResourceType, SUPPORTED_OPERATIONS } from "./acl-codes.js";
import { logAuthorization } from "./authorization-log.js";
import { aclHost } from "../client-host.js";

export interface AuthorizeOptions {
  /** Log a denial at info (false where denials are expected and silent, e.g. Metadata listing all topics). */
  readonly logIfDenied?: boolean;
  readonly logIfAllowed?: boolean;
}

/** "Unset" value of authorized-operations fields, as Kafka sends when they were not asked for. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export function authorize(ctx: RequestContext, operation: number, resourceType: number, resourceName: string, opts: AuthorizeOptions = {}): boolean {
  const authorizer = ctx.broker.authorizer;
  if (!authorizer.enabled) return true;
  const action = { principal: ctx.connection.session.principal, host: aclHost(ctx.connection.remoteAddress), operation, resourceType, resourceName };
  const decision = authorizer.authorize(action);
  // Allowed actions are logged at debug: on the produce and fetch path, build nothing unless it is on.
  const logged = decision.allowed ? (opts.logIfAllowed ?? true) && ctx.log.isLevelEnabled("debug") : (opts.logIfDenied ?? true);
  if (logged) {
    // Kafka's "for request = Produce"; handler tests may run without a registry.
    const api = ctx.broker.handlers?.get(ctx.apiKey)?.meta.name.replace(/Request$/, "") ?? `api-${ctx.apiKey}`;
    logAuthorization(ctx.log, api, action, decision);
  }
  return decision.allowed;
}

export function authorizeCluster(ctx: RequestContext, operation: number, opts: AuthorizeOptions = {}): boolean {
  return authorize(ctx, operation, ResourceType.CLUSTER, CLUSTER_NAME, opts);
}

/** True when the principal may do `operation` on at least one resource of the type (Kafka's authorizeByResourceType). */
export function authorizeAnyOfType(ctx: RequestContext, operation: number, resourceType: number): boolean {
  return ctx.broker.authorizer.authorizeByResourceType(ctx.connection.session.principal, aclHost(ctx.connection.remoteAddress), operation, resourceType);
}

/** The names among `names` the principal may do `operation` on (denials logged only when asked). */
export function authorizedNames(ctx: RequestContext, operation: number, resourceType: number, names: Iterable<string>, opts: AuthorizeOptions = {}): Set<string> {
  const out = new Set<string>();
  for (const name of new Set(names)) if (authorize(ctx, operation, resourceType, name, opts)) out.add(name);
  return out;
}

/**
 * Kafka's authorized-operations bit field: bit n set when operation code n is allowed on the
 * resource, over the operations its type supports (all of them without an authorizer).
 */
export function authorizedOperations(ctx: RequestContext, resourceType: number, resourceName: string): number {
  let bits = 0;
  for (const operation of SUPPORTED_OPERATIONS[resourceType] ?? []) {
    if (authorize(ctx, operation, resourceType, resourceName, { logIfDenied: false, logIfAllowed: false })) bits |= 1 << operation;
  }
  return bits;
}

/**
 * `authorizedNames` as a test, for the produce and fetch paths: with no authorizer configured it
 * builds nothing (every name passes), so unsecured brokers pay no per-request allocation.
 */
export function authorizedNameTest(ctx: RequestContext, operation: number, resourceType: number, names: Iterable<string>): (name: string) => boolean {
  if (!ctx.broker.authorizer.enabled) return everyName;
  const allowed = authorizedNames(ctx, operation, resourceType, names);
  return (name) => allowed.has(name);
}

const everyName = (): boolean => true;

export { AclOperation, ResourceType };
