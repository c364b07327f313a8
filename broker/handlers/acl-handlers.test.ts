// CreateAcls, DescribeAcls and DeleteAcls against a real single-node broker with StandardAuthorizer.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import { Reader, Writer, ProtocolDecodeError } from "../protocol/primitives.js";
import type { AclCreation } from "../protocol/generated/create-acls-request.gen.js";
import { writeCreateAclsRequest } from "../protocol/generated/create-acls-request.gen.js";
import { writeDescribeAclsRequest } from "../protocol/generated/describe-acls-request.gen.js";
import type { DeleteAclsFilter } from "../protocol/generated/delete-acls-request.gen.js";
import { AclOperation as Op, PatternType, PermissionType, ResourceType } from "../security/authorizer/acl-codes.js";
import { STANDARD_AUTHORIZER_CLASS } from "../security/authorizer/authorizer-settings.js";
import { userPrincipal } from "../security/principal.js";
import { SecuritySession } from "../security/session.js";
import { describeAclsHandler } from "./29-describe-acls.js";
import { createAclsHandler } from "./30-create-acls.js";
import { deleteAclsHandler } from "./31-delete-acls.js";
import type { RequestContext } from "./handler.js";
import { startTestBroker, type TestBroker } from "./test-fixtures.js";

function creation(c: Partial<AclCreation> = {}): AclCreation {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: "orders-",
    resourcePatternType: PatternType.PREFIXED,
    principal: "User:alice",
    host: "*",
    operation: Op.READ,
    permissionType: PermissionType.ALLOW,
    ...c,
  };
}

const ALL_FILTER: DeleteAclsFilter = {
  resourceTypeFilter: ResourceType.ANY,
  resourceNameFilter: null,
  patternTypeFilter: PatternType.ANY,
  principalFilter: null,
  hostFilter: null,
  operation: Op.ANY,
  permissionType: PermissionType.ANY,
};

describe("ACL handlers", () => {
  let broker: TestBroker;
  const as = (user: string, apiKey: number, version = 3): RequestContext => {
    const session = new SecuritySession();
    session.principal = userPrincipal(user);
    return broker.context(apiKey, version, {
      connection: { id: 1, remoteAddress: "127.0.0.1", remotePort: 50000, listenerName: "PLAINTEXT", securityProtocol: "PLAINTEXT", session },
    });
  };
  const create = (user: string, creations: AclCreation[]) => createAclsHandler.handle({ creations }, as(user, 30)) as Promise<{ results: { errorCode: number; errorMessage: string | null }[] }>;
  const describeAll = async (user = "admin", filter: Partial<DeleteAclsFilter> = {}) =>
    describeAclsHandler.handle({ ...ALL_FILTER, ...filter }, as(user, 29)) as Awaited<ReturnType<typeof describeAclsHandler.handle>> & { errorCode: number; resources: { resourceName: string; patternType: number; acls: { principal: string; operation: number }[] }[] };

  beforeEach(async () => {
    broker = await startTestBroker({ config: { "authorizer.class.name": STANDARD_AUTHORIZER_CLASS, "super.users": "User:admin" } });
  });
  afterEach(async () => broker.close());

  it("creates bindings through the metadata log; describe lists them grouped by resource; equal bindings are one", async () => {
    const res = await create("admin", [creation(), creation({ operation: Op.WRITE }), creation()]);
    expect(res.results.map((r) => r.errorCode)).toEqual([0, 0, 0]);
    expect(broker.services.metadata.image.acls.size).toBe(2);
    const described = await describeAll();
    expect(described.errorCode).toBe(0);
    expect(described.resources).toHaveLength(1);
    expect(described.resources[0]!.resourceName).toBe("orders-");
    expect(described.resources[0]!.patternType).toBe(PatternType.PREFIXED);
    expect(described.resources[0]!.acls.map((a) => a.operation).sort()).toEqual([Op.READ, Op.WRITE]);
    // An equal binding again: success, no new record.
    await create("admin", [creation()]);
    expect(broker.services.metadata.image.acls.size).toBe(2);
  });

  it("refuses invalid creations one by one with INVALID_REQUEST and Kafka's messages", async () => {
    const res = await create("admin", [
      creation({ resourcePatternType: PatternType.MATCH }),
      creation({ resourcePatternType: PatternType.ANY }),
      creation({ resourceType: ResourceType.ANY }),
      creation({ operation: Op.ANY }),
      creation({ permissionType: PermissionType.ANY }),
      creation({ resourceName: "", resourcePatternType: PatternType.LITERAL }),
      creation({ resourceType: ResourceType.CLUSTER, resourceName: "other", resourcePatternType: PatternType.LITERAL }),
      creation({ principal: "alice" }),
      creation({ resourceName: "*", resourcePatternType: PatternType.PREFIXED }),
      creation(),
    ]);
    expect(res.results.map((r) => r.errorCode)).toEqual([...Array(8).fill(errorCode("INVALID_REQUEST")), 0, 0]);
    expect(res.results.map((r) => r.errorMessage)).toEqual([
      "Invalid patternType MATCH",
      "Invalid patternType ANY",
      "Invalid resourceType ANY",
      "Invalid operation ANY",
      "Invalid permissionType ANY",
      "Invalid empty resource name",
      "The only valid name for the CLUSTER resource is kafka-cluster",
      "Could not parse principal from `alice` (no colon is present separating the principal type from the principal name)",
      null,
      null,
    ]);
    expect(broker.services.metadata.image.acls.size).toBe(2);
  });

  it("needs ALTER on the cluster to create and delete, DESCRIBE to describe; denials are CLUSTER_AUTHORIZATION_FAILED", async () => {
    const denied = errorCode("CLUSTER_AUTHORIZATION_FAILED");
    expect((await create("bob", [creation()])).results[0]!.errorCode).toBe(denied);
    expect((await describeAll("bob")).errorCode).toBe(denied);
    const deleted = (await deleteAclsHandler.handle({ filters: [ALL_FILTER] }, as("bob", 31))) as { filterResults: { errorCode: number }[] };
    expect(deleted.filterResults[0]!.errorCode).toBe(denied);
    // Granted ALTER on the cluster, bob may create.
    await create("admin", [creation({ resourceType: ResourceType.CLUSTER, resourceName: "kafka-cluster", resourcePatternType: PatternType.LITERAL, principal: "User:bob", operation: Op.ALTER })]);
    expect((await create("bob", [creation()])).results[0]!.errorCode).toBe(0);
    // ALTER implies DESCRIBE.
    expect((await describeAll("bob")).errorCode).toBe(0);
  });

  it("filters: MATCH finds the literal, wildcard and prefixed bindings that apply to a name; ANY compares names exactly", async () => {
    await create("admin", [
      creation({ resourceName: "orders-eu", resourcePatternType: PatternType.LITERAL }),
      creation({ resourceName: "*", resourcePatternType: PatternType.LITERAL }),
      creation({ resourceName: "orders-", resourcePatternType: PatternType.PREFIXED }),
      creation({ resourceName: "other", resourcePatternType: PatternType.PREFIXED }),
      creation({ resourceName: "orders-eu", resourceType: ResourceType.GROUP, resourcePatternType: PatternType.LITERAL }),
    ]);
    const names = (r: Awaited<ReturnType<typeof describeAll>>) => r.resources.map((x) => `${x.resourceName}/${x.patternType}`).sort();
    expect(names(await describeAll("admin", { resourceTypeFilter: ResourceType.TOPIC, resourceNameFilter: "orders-eu", patternTypeFilter: PatternType.MATCH }))).toEqual([
      "*/3", "orders-/4", "orders-eu/3",
    ]);
    expect(names(await describeAll("admin", { resourceTypeFilter: ResourceType.TOPIC, resourceNameFilter: "orders-eu", patternTypeFilter: PatternType.ANY }))).toEqual(["orders-eu/3"]);
    expect(names(await describeAll("admin", { resourceTypeFilter: ResourceType.TOPIC, patternTypeFilter: PatternType.PREFIXED }))).toEqual(["orders-/4", "other/4"]);
    expect(names(await describeAll("admin", { principalFilter: "User:bob" }))).toEqual([]);
  });

  it("deletes what each filter matches and reports it", async () => {
    await create("admin", [creation(), creation({ principal: "User:bob" }), creation({ resourceName: "x", resourcePatternType: PatternType.LITERAL })]);
    const res = (await deleteAclsHandler.handle(
      { filters: [{ ...ALL_FILTER, principalFilter: "User:alice", patternTypeFilter: PatternType.PREFIXED }, { ...ALL_FILTER, resourceNameFilter: "nothing" }] },
      as("admin", 31),
    )) as { filterResults: { errorCode: number; matchingAcls: { principal: string; resourceName: string }[] }[] };
    expect(res.filterResults.map((f) => f.matchingAcls.map((a) => `${a.principal}@${a.resourceName}`))).toEqual([["User:alice@orders-"], []]);
    expect([...broker.services.metadata.image.acls.values()].map((b) => `${b.principal}@${b.resourceName}`).sort()).toEqual(["User:alice@x", "User:bob@orders-"]);
  });

  it("closes the connection (a decode error) on codes Kafka cannot parse, and on non-literal patterns in v0", () => {
    const encode = (version: number, c: AclCreation) => {
      const w = new Writer();
      writeCreateAclsRequest(w, version, { creations: [c] });
      return new Reader(w.finish());
    };
    expect(() => createAclsHandler.readRequest(encode(3, creation({ resourcePatternType: 0 })), 3)).toThrow(ProtocolDecodeError);
    expect(() => createAclsHandler.readRequest(encode(3, creation({ resourceType: 42 })), 3)).toThrow(ProtocolDecodeError);
    expect(() => createAclsHandler.readRequest(encode(3, creation({ operation: 99 })), 3)).toThrow(ProtocolDecodeError);
    expect(() => createAclsHandler.readRequest(encode(3, creation({ permissionType: 0 })), 3)).toThrow(ProtocolDecodeError);
    expect(() => createAclsHandler.readRequest(encode(0, creation({ resourcePatternType: PatternType.LITERAL })), 0)).not.toThrow();
    const w = new Writer();
    writeDescribeAclsRequest(w, 1, { ...ALL_FILTER, patternTypeFilter: 7 });
    expect(() => describeAclsHandler.readRequest(new Reader(w.finish()), 1)).toThrow(ProtocolDecodeError);
  });
});

describe("ACL handlers without an authorizer", () => {
  it("answer SECURITY_DISABLED", async () => {
    const broker = await startTestBroker();
    try {
      const ctx = (apiKey: number) => broker.context(apiKey, 3);
      const created = (await createAclsHandler.handle({ creations: [creation()] }, ctx(30))) as { results: { errorCode: number }[] };
      expect(created.results[0]!.errorCode).toBe(errorCode("SECURITY_DISABLED"));
      const described = (await describeAclsHandler.handle({ ...ALL_FILTER }, ctx(29))) as { errorCode: number; errorMessage: string | null };
      expect(described).toMatchObject({ errorCode: errorCode("SECURITY_DISABLED"), errorMessage: "No Authorizer is configured on the broker" });
      const deleted = (await deleteAclsHandler.handle({ filters: [ALL_FILTER] }, ctx(31))) as { filterResults: { errorCode: number }[] };
      expect(deleted.filterResults[0]!.errorCode).toBe(errorCode("SECURITY_DISABLED"));
    } finally {
      await broker.close();
    }
  });
});
