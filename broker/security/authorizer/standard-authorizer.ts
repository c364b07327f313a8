// Kafka's StandardAuthorizer decision, over the ACL bindings of the metadata image:
//   1. a super user is allowed everything;
//   2. the bindings whose pattern matches the resource (exact LITERAL name, LITERAL "*", or a
//      PREFIXED pattern the name starts with) are the candidates; when there are none at all,
//      allow.everyone.if.no.acl.found decides;
//   3. a candidate applies when its principal is the caller's or "User:*", its host the caller's
//      or "*", and its operation the one asked for or ALL — an ALLOW of READ, WRITE, DELETE or
//      ALTER also implies DESCRIBE, an ALLOW of ALTER_CONFIGS implies DESCRIBE_CONFIGS;
//   4. any applicable DENY wins; otherwise any applicable ALLOW allows; otherwise denied.
import type { AclBinding, MetadataImage } from "../../metadata/metadata-image.js";
import { principalToString, type KafkaPrincipal } from "../principal.js";
import { AclOperation, PatternType, PermissionType, WILDCARD_HOST, WILDCARD_PRINCIPAL, WILDCARD_RESOURCE } from "./acl-codes.js";
import { AclIndex } from "./acl-index.js";
import type { AuthorizerSettings } from "./authorizer-settings.js";

export interface AuthorizationAction {
  readonly principal: KafkaPrincipal;
  /** The client's address, as ACL hosts name it. */
  readonly host: string;
  readonly operation: number;
  readonly resourceType: number;
  readonly resourceName: string;
}

/** Why a decision was taken; logged with denials (Kafka logs the rule too). */
export type DecisionRule = "authorizer-disabled" | "super-user" | "matching-allow" | "matching-deny" | "no-acl-allow-everyone" | "no-acl" | "no-matching-allow";

export interface AuthorizationDecision {
  readonly allowed: boolean;
  readonly rule: DecisionRule;
  /** The binding that decided it, when one did. */
  readonly binding?: AclBinding;
}

export interface Authorizer {
  /** False when authorization is off (authorizer.class.name empty): everything is allowed. */
  readonly enabled: boolean;
  authorize(action: AuthorizationAction): AuthorizationDecision;
  /**
   * Whether the principal may do `operation` on at least one resource of `resourceType` (Kafka's
   * authorizeByResourceType: an idempotent producer with WRITE on any topic needs no IDEMPOTENT_WRITE).
   */
  authorizeByResourceType(principal: KafkaPrincipal, host: string, operation: number, resourceType: number): boolean;
}

/** Authorization switched off: every action is allowed. */
export const NO_AUTHORIZER: Authorizer = {
  enabled: false,
  authorize: () => ({ allowed: true, rule: "authorizer-disabled" }),
  authorizeByResourceType: () => true,
};

/** Operations an ALLOW of `granted` also allows (besides itself), as in Kafka's ACL semantics. */
function allowImplies(granted: number, asked: number): boolean {
  if (granted === asked || granted === AclOperation.ALL) return true;
  if (asked === AclOperation.DESCRIBE) {
    return granted === AclOperation.READ || granted === AclOperation.WRITE || granted === AclOperation.DELETE || granted === AclOperation.ALTER;
  }
  return asked === AclOperation.DESCRIBE_CONFIGS && granted === AclOperation.ALTER_CONFIGS;
}

function appliesTo(binding: AclBinding, principal: string, host: string): boolean {
  return (binding.principal === principal || binding.principal === WILDCARD_PRINCIPAL) && (binding.host === host || binding.host === WILDCARD_HOST);
}

export class StandardAuthorizer implements Authorizer {
  readonly enabled = true;
  private readonly index: AclIndex;

  constructor(
    image: Pick<MetadataImage, "acls" | "aclsVersion">,
    private readonly settings: AuthorizerSettings,
  ) {
    this.index = new AclIndex(image);
  }

  authorize(action: AuthorizationAction): AuthorizationDecision {
    const principal = principalToString(action.principal);
    if (this.settings.superUsers.has(principal)) return { allowed: true, rule: "super-user" };
    const candidates = this.index.matching(action.resourceType, action.resourceName);
    if (candidates.length === 0) {
      return this.settings.allowEveryoneIfNoAclFound ? { allowed: true, rule: "no-acl-allow-everyone" } : { allowed: false, rule: "no-acl" };
    }
    let allow: AclBinding | undefined;
    for (const binding of candidates) {
      if (!appliesTo(binding, principal, action.host)) continue;
      if (binding.permissionType === PermissionType.DENY) {
        if (binding.operation === action.operation || binding.operation === AclOperation.ALL) return { allowed: false, rule: "matching-deny", binding };
      } else if (binding.permissionType === PermissionType.ALLOW && !allow && allowImplies(binding.operation, action.operation)) {
        allow = binding;
      }
    }
    return allow ? { allowed: true, rule: "matching-allow", binding: allow } : { allowed: false, rule: "no-matching-allow" };
  }

  authorizeByResourceType(principal: KafkaPrincipal, host: string, operation: number, resourceType: number): boolean {
    // As Kafka does: a super user, or allow.everyone.if.no.acl.found on a type no binding names,
    // shows in the decision on a resource no one would name.
    if (this.authorize({ principal, host, operation, resourceType, resourceName: "hardcode" }).allowed) return true;
    const name = principalToString(principal);
    const denyLiteral = new Set<string>();
    const denyPrefixes: string[] = [];
    const allows: AclBinding[] = [];
    for (const binding of this.index.ofType(resourceType)) {
      if (!appliesTo(binding, name, host)) continue;
      if (binding.operation !== operation && binding.operation !== AclOperation.ALL) continue;
      if (binding.permissionType === PermissionType.DENY) {
        if (binding.patternType === PatternType.PREFIXED) denyPrefixes.push(binding.resourceName);
        else denyLiteral.add(binding.resourceName);
      } else if (binding.permissionType === PermissionType.ALLOW) {
        allows.push(binding);
      }
    }
    if (denyLiteral.has(WILDCARD_RESOURCE)) return false;
    const deniedByPrefix = (name: string) => denyPrefixes.some((p) => name.startsWith(p));
    return allows.some((b) => {
      if (deniedByPrefix(b.resourceName)) return false;
      return b.patternType === PatternType.PREFIXED || !denyLiteral.has(b.resourceName);
    });
  }
}
