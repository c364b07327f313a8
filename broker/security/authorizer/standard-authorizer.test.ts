import { describe, expect, it } from "vitest";
import type { AclBinding } from "../../metadata/metadata-image.js";
import type { Uuid } from "../../protocol/primitives.js";
import { userPrincipal } from "../principal.js";
import { AclOperation as Op, PatternType, PermissionType, ResourceType } from "./acl-codes.js";
import { authorizerClassProblem, parseSuperUsers, STANDARD_AUTHORIZER_CLASS } from "./authorizer-settings.js";
import { StandardAuthorizer } from "./standard-authorizer.js";

let nextId = 0;
function binding(b: Partial<AclBinding> & Pick<AclBinding, "resourceName" | "operation">): AclBinding {
  return {
    id: `id-${nextId++}` as Uuid,
    resourceType: ResourceType.TOPIC,
    patternType: PatternType.LITERAL,
    principal: "User:alice",
    host: "*",
    permissionType: PermissionType.ALLOW,
    ...b,
  };
}

function authorizerWith(bindings: AclBinding[], opts: { superUsers?: string[]; allowEveryone?: boolean } = {}) {
  const image = { acls: new Map(bindings.map((b) => [b.id, b])), aclsVersion: 1 };
  const authorizer = new StandardAuthorizer(image, {
    enabled: true,
    superUsers: new Set(opts.superUsers ?? []),
    allowEveryoneIfNoAclFound: opts.allowEveryone ?? false,
  });
  return { authorizer, image };
}

const ask = (user: string, operation: number, resourceName: string, extra: { host?: string; resourceType?: number } = {}) => ({
  principal: userPrincipal(user),
  host: extra.host ?? "10.0.0.1",
  operation,
  resourceType: extra.resourceType ?? ResourceType.TOPIC,
  resourceName,
});

describe("StandardAuthorizer", () => {
  const cases: { name: string; acls: AclBinding[]; user?: string; op: number; topic: string; host?: string; allowed: boolean; opts?: { superUsers?: string[]; allowEveryone?: boolean } }[] = [
    { name: "no ACL at all denies", acls: [], op: Op.READ, topic: "t", allowed: false },
    { name: "no ACL at all, allow.everyone.if.no.acl.found", acls: [], op: Op.READ, topic: "t", allowed: true, opts: { allowEveryone: true } },
    {
      name: "allow.everyone does not apply once any ACL names the resource (another user's)",
      acls: [binding({ resourceName: "t", operation: Op.READ, principal: "User:bob" })],
      op: Op.READ, topic: "t", allowed: false, opts: { allowEveryone: true },
    },
    { name: "super user bypasses ACLs", acls: [binding({ resourceName: "t", operation: Op.READ, permissionType: PermissionType.DENY })], op: Op.READ, topic: "t", allowed: true, opts: { superUsers: ["User:alice"] } },
    { name: "literal allow", acls: [binding({ resourceName: "t", operation: Op.READ })], op: Op.READ, topic: "t", allowed: true },
    { name: "literal allow of another name", acls: [binding({ resourceName: "t2", operation: Op.READ })], op: Op.READ, topic: "t", allowed: false },
    { name: "literal allow, other operation", acls: [binding({ resourceName: "t", operation: Op.READ })], op: Op.WRITE, topic: "t", allowed: false },
    { name: "ALL allows every operation", acls: [binding({ resourceName: "t", operation: Op.ALL })], op: Op.ALTER_CONFIGS, topic: "t", allowed: true },
    { name: "READ implies DESCRIBE", acls: [binding({ resourceName: "t", operation: Op.READ })], op: Op.DESCRIBE, topic: "t", allowed: true },
    { name: "WRITE implies DESCRIBE", acls: [binding({ resourceName: "t", operation: Op.WRITE })], op: Op.DESCRIBE, topic: "t", allowed: true },
    { name: "DELETE implies DESCRIBE", acls: [binding({ resourceName: "t", operation: Op.DELETE })], op: Op.DESCRIBE, topic: "t", allowed: true },
    { name: "ALTER implies DESCRIBE", acls: [binding({ resourceName: "t", operation: Op.ALTER })], op: Op.DESCRIBE, topic: "t", allowed: true },
    { name: "CREATE does not imply DESCRIBE", acls: [binding({ resourceName: "t", operation: Op.CREATE })], op: Op.DESCRIBE, topic: "t", allowed: false },
    { name: "ALTER_CONFIGS implies DESCRIBE_CONFIGS", acls: [binding({ resourceName: "t", operation: Op.ALTER_CONFIGS })], op: Op.DESCRIBE_CONFIGS, topic: "t", allowed: true },
    { name: "DESCRIBE implies nothing else", acls: [binding({ resourceName: "t", operation: Op.DESCRIBE })], op: Op.READ, topic: "t", allowed: false },
    {
      name: "a DENY of READ does not deny DESCRIBE implied by WRITE",
      acls: [binding({ resourceName: "t", operation: Op.WRITE }), binding({ resourceName: "t", operation: Op.READ, permissionType: PermissionType.DENY })],
      op: Op.DESCRIBE, topic: "t", allowed: true,
    },
    { name: "wildcard resource", acls: [binding({ resourceName: "*", operation: Op.READ })], op: Op.READ, topic: "anything", allowed: true },
    { name: "prefixed pattern matches names starting with it", acls: [binding({ resourceName: "orders-", patternType: PatternType.PREFIXED, operation: Op.READ })], op: Op.READ, topic: "orders-eu", allowed: true },
    { name: "prefixed pattern matches its own name", acls: [binding({ resourceName: "orders", patternType: PatternType.PREFIXED, operation: Op.READ })], op: Op.READ, topic: "orders", allowed: true },
    { name: "prefixed pattern does not match a shorter name", acls: [binding({ resourceName: "orders-", patternType: PatternType.PREFIXED, operation: Op.READ })], op: Op.READ, topic: "orders", allowed: false },
    { name: "literal pattern does not match as a prefix", acls: [binding({ resourceName: "orders", operation: Op.READ })], op: Op.READ, topic: "orders-eu", allowed: false },
    { name: "wildcard principal", acls: [binding({ resourceName: "t", operation: Op.READ, principal: "User:*" })], user: "carol", op: Op.READ, topic: "t", allowed: true },
    { name: "other principal", acls: [binding({ resourceName: "t", operation: Op.READ, principal: "User:bob" })], op: Op.READ, topic: "t", allowed: false },
    { name: "exact host", acls: [binding({ resourceName: "t", operation: Op.READ, host: "10.0.0.1" })], op: Op.READ, topic: "t", allowed: true },
    { name: "other host", acls: [binding({ resourceName: "t", operation: Op.READ, host: "10.0.0.2" })], op: Op.READ, topic: "t", allowed: false },
    {
      name: "DENY beats ALLOW on the same resource",
      acls: [binding({ resourceName: "t", operation: Op.READ }), binding({ resourceName: "t", operation: Op.READ, permissionType: PermissionType.DENY })],
      op: Op.READ, topic: "t", allowed: false,
    },
    {
      name: "a prefixed DENY beats a literal ALLOW",
      acls: [binding({ resourceName: "t", operation: Op.READ }), binding({ resourceName: "t", patternType: PatternType.PREFIXED, operation: Op.READ, permissionType: PermissionType.DENY })],
      op: Op.READ, topic: "t", allowed: false,
    },
    {
      name: "a wildcard-principal DENY beats a user's ALLOW",
      acls: [binding({ resourceName: "t", operation: Op.READ }), binding({ resourceName: "*", operation: Op.READ, principal: "User:*", permissionType: PermissionType.DENY })],
      op: Op.READ, topic: "t", allowed: false,
    },
    {
      name: "DENY ALL denies every operation",
      acls: [binding({ resourceName: "t", operation: Op.ALL }), binding({ resourceName: "t", operation: Op.ALL, permissionType: PermissionType.DENY })],
      op: Op.DESCRIBE, topic: "t", allowed: false,
    },
    {
      name: "DENY on another host does not apply",
      acls: [binding({ resourceName: "t", operation: Op.READ }), binding({ resourceName: "t", operation: Op.READ, host: "10.9.9.9", permissionType: PermissionType.DENY })],
      op: Op.READ, topic: "t", allowed: true,
    },
    {
      name: "a DENY of DESCRIBE is not implied by denying READ",
      acls: [binding({ resourceName: "t", operation: Op.DESCRIBE }), binding({ resourceName: "t", operation: Op.READ, permissionType: PermissionType.DENY })],
      op: Op.DESCRIBE, topic: "t", allowed: true,
    },
    {
      name: "a GROUP ACL says nothing about a topic of the same name",
      acls: [binding({ resourceName: "t", operation: Op.READ, resourceType: ResourceType.GROUP })],
      op: Op.READ, topic: "t", allowed: false,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const { authorizer } = authorizerWith(c.acls, c.opts);
      expect(authorizer.authorize(ask(c.user ?? "alice", c.op, c.topic, { host: c.host })).allowed).toBe(c.allowed);
    });
  }

  it("names the deciding rule and binding", () => {
    const deny = binding({ resourceName: "t", operation: Op.READ, permissionType: PermissionType.DENY });
    const { authorizer } = authorizerWith([binding({ resourceName: "t", operation: Op.READ }), deny]);
    expect(authorizer.authorize(ask("alice", Op.READ, "t"))).toEqual({ allowed: false, rule: "matching-deny", binding: deny });
    expect(authorizer.authorize(ask("alice", Op.READ, "x")).rule).toBe("no-acl");
  });

  it("follows the image as ACL records apply", () => {
    const { authorizer, image } = authorizerWith([]);
    expect(authorizer.authorize(ask("alice", Op.READ, "t")).allowed).toBe(false);
    const b = binding({ resourceName: "t", operation: Op.READ });
    image.acls.set(b.id, b);
    image.aclsVersion++;
    expect(authorizer.authorize(ask("alice", Op.READ, "t")).allowed).toBe(true);
    image.acls.delete(b.id);
    image.aclsVersion++;
    expect(authorizer.authorize(ask("alice", Op.READ, "t")).allowed).toBe(false);
  });

  describe("authorizeByResourceType (WRITE on any topic stands in for IDEMPOTENT_WRITE)", () => {
    const byType = (acls: AclBinding[], opts?: { superUsers?: string[]; allowEveryone?: boolean }) =>
      authorizerWith(acls, opts).authorizer.authorizeByResourceType(userPrincipal("alice"), "10.0.0.1", Op.WRITE, ResourceType.TOPIC);
    it("no ACL: denied", () => expect(byType([])).toBe(false));
    it("no ACL, allow everyone: allowed", () => expect(byType([], { allowEveryone: true })).toBe(true));
    it("super user: allowed", () => expect(byType([], { superUsers: ["User:alice"] })).toBe(true));
    it("WRITE on one literal topic: allowed", () => expect(byType([binding({ resourceName: "t", operation: Op.WRITE })])).toBe(true));
    it("WRITE on a prefix: allowed", () => expect(byType([binding({ resourceName: "p", patternType: PatternType.PREFIXED, operation: Op.WRITE })])).toBe(true));
    it("READ only: denied", () => expect(byType([binding({ resourceName: "t", operation: Op.READ })])).toBe(false));
    it("WRITE denied on the same literal: denied", () =>
      expect(byType([binding({ resourceName: "t", operation: Op.WRITE }), binding({ resourceName: "t", operation: Op.WRITE, permissionType: PermissionType.DENY })])).toBe(false));
    it("WRITE denied on a covering prefix: denied", () =>
      expect(byType([binding({ resourceName: "t1", operation: Op.WRITE }), binding({ resourceName: "t", patternType: PatternType.PREFIXED, operation: Op.WRITE, permissionType: PermissionType.DENY })])).toBe(false));
    it("WRITE denied on every topic: denied", () =>
      expect(byType([binding({ resourceName: "t", operation: Op.WRITE }), binding({ resourceName: "*", operation: Op.ALL, permissionType: PermissionType.DENY })])).toBe(false));
  });
});

describe("authorizer settings", () => {
  it("accepts StandardAuthorizer and empty, refuses AclAuthorizer and others with a reason", () => {
    expect(authorizerClassProblem("")).toBeUndefined();
    expect(authorizerClassProblem(STANDARD_AUTHORIZER_CLASS)).toBeUndefined();
    expect(authorizerClassProblem("kafka.security.authorizer.AclAuthorizer")).toMatch(/ZooKeeper.*StandardAuthorizer/);
    expect(authorizerClassProblem("com.example.Mine")).toMatch(/not available/);
  });
  it("parses super.users", () => {
    expect([...parseSuperUsers("User:admin; User:broker;")]).toEqual(["User:admin", "User:broker"]);
    expect([...parseSuperUsers(null)]).toEqual([]);
    expect(() => parseSuperUsers("admin")).toThrow(/Type:name/);
  });
});
