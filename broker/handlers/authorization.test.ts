// Authorization in the topic, produce, configs and cluster APIs, against a real single-node broker
// with StandardAuthorizer: alice may READ and WRITE topics prefixed "orders-", bob has no ACL, admin
// is a super user. (Group APIs: group handler tests; ACL APIs: acl-handlers.test.ts; real clients:
// test/integration/acl-*.test.ts.)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { Writable } from "node:stream";
import { errorCode } from "../protocol/errors.js";
import { defaultCreatableTopic, defaultCreateTopicsRequest } from "../protocol/generated/create-topics-request.gen.js";
import { defaultDeleteTopicsRequest } from "../protocol/generated/delete-topics-request.gen.js";
import { defaultDescribeConfigsRequest, defaultDescribeConfigsResource } from "../protocol/generated/describe-configs-request.gen.js";
import { defaultDescribeLogDirsRequest } from "../protocol/generated/describe-log-dirs-request.gen.js";
import { defaultInitProducerIdRequest } from "../protocol/generated/init-producer-id-request.gen.js";
import { defaultListOffsetsPartition, defaultListOffsetsRequest } from "../protocol/generated/list-offsets-request.gen.js";
import { defaultMetadataRequest } from "../protocol/generated/metadata-request.gen.js";
import { defaultProduceRequest } from "../protocol/generated/produce-request.gen.js";
import { buildRecordBatch } from "../protocol/records.js";
import { ZERO_UUID } from "../protocol/primitives.js";
import { AclOperation as Op, PatternType, PermissionType, ResourceType } from "../security/authorizer/acl-codes.js";
import { STANDARD_AUTHORIZER_CLASS } from "../security/authorizer/authorizer-settings.js";
import { userPrincipal } from "../security/principal.js";
import { SecuritySession } from "../security/session.js";
import { produceHandler } from "./00-produce.js";
import { listOffsetsHandler } from "./02-list-offsets.js";
import { metadataHandler } from "./03-metadata.js";
import { createTopicsHandler } from "./19-create-topics.js";
import { deleteTopicsHandler } from "./20-delete-topics.js";
import { initProducerIdHandler } from "./22-init-producer-id.js";
import { createAclsHandler } from "./30-create-acls.js";
import { describeConfigsHandler } from "./32-describe-configs.js";
import { describeLogDirsHandler } from "./35-describe-log-dirs.js";
import type { ApiHandler, RequestContext } from "./handler.js";
import { startTestBroker, type TestBroker } from "./test-fixtures.js";

const TOPIC_CONFIG = 2;
const BROKER_CONFIG = 4;

describe("authorization in the APIs", () => {
  let broker: TestBroker;
  const lines: Record<string, unknown>[] = [];
  const as = (user: string, apiKey: number, version: number): RequestContext => {
    const session = new SecuritySession();
    session.principal = userPrincipal(user);
    return broker.context(apiKey, version, {
      connection: { id: 1, remoteAddress: "::ffff:10.0.0.5", remotePort: 50000, listenerName: "PLAINTEXT", securityProtocol: "PLAINTEXT", session },
    });
  };
  const call = async <Req, Res>(handler: ApiHandler<Req, Res>, user: string, version: number, request: Req): Promise<Res> =>
    (await handler.handle(request, as(user, handler.meta.apiKey, version))) as Res;
  const allow = async (principal: string, operation: number, resourceType: number, resourceName: string, patternType: number = PatternType.LITERAL) => {
    const created = await call(createAclsHandler, "admin", 3, {
      creations: [{ resourceType, resourceName, resourcePatternType: patternType, principal, host: "*", operation, permissionType: PermissionType.ALLOW }],
    });
    expect(created.results[0]!.errorCode).toBe(0);
  };

  beforeEach(async () => {
    lines.length = 0;
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    broker = await startTestBroker({
      config: { "authorizer.class.name": STANDARD_AUTHORIZER_CLASS, "super.users": "User:admin", "auto.create.topics.enable": "true" },
      log: pino({ level: "info" }, sink),
      handlers: [metadataHandler, produceHandler, createAclsHandler],
    });
    await broker.createTopic("orders-eu");
    await broker.createTopic("secret");
    await allow("User:alice", Op.READ, ResourceType.TOPIC, "orders-", PatternType.PREFIXED);
    await allow("User:alice", Op.WRITE, ResourceType.TOPIC, "orders-", PatternType.PREFIXED);
  });
  afterEach(async () => broker.close());

  it("Metadata: all topics lists only describable ones; named ones are TOPIC_AUTHORIZATION_FAILED, existing or not; authorized operations", async () => {
    const all = await call(metadataHandler, "alice", 12, { ...defaultMetadataRequest(), topics: null, includeTopicAuthorizedOperations: true });
    expect(all.topics.map((t) => t.name)).toEqual(["orders-eu"]);
    expect(all.topics[0]!.topicAuthorizedOperations).toBe((1 << Op.READ) | (1 << Op.WRITE) | (1 << Op.DESCRIBE));
    expect((await call(metadataHandler, "bob", 12, { ...defaultMetadataRequest(), topics: null })).topics).toEqual([]);
    const named = await call(metadataHandler, "alice", 12, {
      ...defaultMetadataRequest(),
      topics: ["secret", "missing", "orders-eu", "orders-new"].map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: true,
    });
    expect(named.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ["secret", errorCode("TOPIC_AUTHORIZATION_FAILED")],
      ["missing", errorCode("TOPIC_AUTHORIZATION_FAILED")],
      ["orders-eu", 0],
      // Describable, but auto-creation needs CREATE.
      ["orders-new", errorCode("TOPIC_AUTHORIZATION_FAILED")],
    ]);
    expect(broker.services.metadata.topic("orders-new")).toBeUndefined();
    const clusterOps = async (user: string) => (await call(metadataHandler, user, 10, { ...defaultMetadataRequest(), topics: [], includeClusterAuthorizedOperations: true })).clusterAuthorizedOperations;
    expect(await clusterOps("bob")).toBe(0);
    expect(await clusterOps("admin")).toBe(8096);
  });

  it("Produce needs WRITE, ListOffsets DESCRIBE; denials are logged with principal, operation, host, resource and API", async () => {
    const records = buildRecordBatch([{ key: null, value: Buffer.from("v"), headers: [], timestamp: 1n }], {});
    const produce = (user: string, topic: string) =>
      call(produceHandler, user, 9, { ...defaultProduceRequest(), acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    const produced = (r: Awaited<ReturnType<typeof produce>>) => (r === undefined || typeof r === "symbol" ? -1 : r.responses[0]!.partitionResponses[0]!.errorCode);
    expect(produced(await produce("alice", "orders-eu"))).toBe(0);
    expect(produced(await produce("bob", "orders-eu"))).toBe(errorCode("TOPIC_AUTHORIZATION_FAILED"));
    expect(produced(await produce("alice", "secret"))).toBe(errorCode("TOPIC_AUTHORIZATION_FAILED"));
    const listed = await call(listOffsetsHandler, "bob", 7, {
      ...defaultListOffsetsRequest(),
      topics: [{ name: "orders-eu", partitions: [{ ...defaultListOffsetsPartition(), partitionIndex: 0, timestamp: -1n }] }],
    });
    expect(listed.topics[0]!.partitions[0]!.errorCode).toBe(errorCode("TOPIC_AUTHORIZATION_FAILED"));
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: "authorization denied", principal: "User:bob", operation: "WRITE", host: "10.0.0.5", resource: "Topic:LITERAL:orders-eu", request: "Produce", level: 30 }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ msg: "authorization denied", principal: "User:bob", operation: "DESCRIBE", resource: "Topic:LITERAL:orders-eu" }));
  });

  it("CreateTopics needs CREATE (cluster or topic) and shows configs only with DESCRIBE_CONFIGS; DeleteTopics needs DELETE", async () => {
    const create = (user: string, name: string) =>
      call(createTopicsHandler, user, 7, { ...defaultCreateTopicsRequest(), timeoutMs: 5000, topics: [{ ...defaultCreatableTopic(), name, numPartitions: 1, replicationFactor: 1 }] });
    expect((await create("alice", "orders-us")).topics[0]!.errorCode).toBe(errorCode("TOPIC_AUTHORIZATION_FAILED"));
    await allow("User:alice", Op.CREATE, ResourceType.TOPIC, "orders-", PatternType.PREFIXED);
    const created = (await create("alice", "orders-us")).topics[0]!;
    expect([created.errorCode, created.topicConfigErrorCode, created.configs?.length]).toEqual([0, errorCode("TOPIC_AUTHORIZATION_FAILED"), 0]);
    const byAdmin = (await create("admin", "audit")).topics[0]!;
    expect([byAdmin.errorCode, byAdmin.topicConfigErrorCode]).toEqual([0, 0]);
    expect(byAdmin.configs?.length).toBeGreaterThan(0);
    const deleted = await call(deleteTopicsHandler, "alice", 6, { ...defaultDeleteTopicsRequest(), timeoutMs: 5000, topics: [{ name: "orders-us", topicId: ZERO_UUID }] });
    expect(deleted.responses[0]!.errorCode).toBe(errorCode("TOPIC_AUTHORIZATION_FAILED"));
    expect(broker.services.metadata.topic("orders-us")).toBeDefined();
  });

  it("DescribeConfigs needs DESCRIBE_CONFIGS on the topic or the cluster; DescribeLogDirs DESCRIBE on the cluster", async () => {
    const describeConfigs = (user: string, resourceType: number, resourceName: string) =>
      call(describeConfigsHandler, user, 4, { ...defaultDescribeConfigsRequest(), resources: [{ ...defaultDescribeConfigsResource(), resourceType, resourceName, configurationKeys: null }] });
    expect((await describeConfigs("alice", TOPIC_CONFIG, "orders-eu")).results[0]!.errorCode).toBe(errorCode("TOPIC_AUTHORIZATION_FAILED"));
    expect((await describeConfigs("alice", BROKER_CONFIG, "1")).results[0]!.errorCode).toBe(errorCode("CLUSTER_AUTHORIZATION_FAILED"));
    await allow("User:alice", Op.ALTER_CONFIGS, ResourceType.TOPIC, "orders-eu");
    // ALTER_CONFIGS implies DESCRIBE_CONFIGS.
    expect((await describeConfigs("alice", TOPIC_CONFIG, "orders-eu")).results[0]!.errorCode).toBe(0);
    expect((await call(describeLogDirsHandler, "bob", 4, { ...defaultDescribeLogDirsRequest(), topics: null })).errorCode).toBe(errorCode("CLUSTER_AUTHORIZATION_FAILED"));
    expect((await call(describeLogDirsHandler, "admin", 4, { ...defaultDescribeLogDirsRequest(), topics: null })).errorCode).toBe(0);
  });

  it("InitProducerId: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic; a transactional one WRITE on its id", async () => {
    const init = (user: string, transactionalId: string | null = null) =>
      call(initProducerIdHandler, user, 4, { ...defaultInitProducerIdRequest(), transactionalId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    expect((await init("alice")).errorCode).toBe(0);
    expect((await init("bob")).errorCode).toBe(errorCode("CLUSTER_AUTHORIZATION_FAILED"));
    await allow("User:bob", Op.IDEMPOTENT_WRITE, ResourceType.CLUSTER, "kafka-cluster");
    expect((await init("bob")).errorCode).toBe(0);
    expect((await init("bob", "tx-1")).errorCode).toBe(errorCode("TRANSACTIONAL_ID_AUTHORIZATION_FAILED"));
  });
});
