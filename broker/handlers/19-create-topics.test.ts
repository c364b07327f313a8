import { afterEach, describe, expect, it } from "vitest";
import { ConfigSource } from "../config/index.js";
import { errorCode } from "../protocol/errors.js";
import {
  readCreateTopicsRequest,
  writeCreateTopicsRequest,
  type CreatableTopic,
  type CreateTopicsRequest,
} from "../protocol/generated/create-topics-request.gen.js";
import { readCreateTopicsResponse, writeCreateTopicsResponse, type CreateTopicsResponse } from "../protocol/generated/create-topics-response.gen.js";
import { ZERO_UUID } from "../protocol/primitives.js";
import { createTopicsHandler } from "./19-create-topics.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

function topic(name: string, extra: Partial<CreatableTopic> = {}): CreatableTopic {
  return { name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...extra };
}
const req = (topics: CreatableTopic[], validateOnly = false): CreateTopicsRequest => ({ topics, timeoutMs: 30000, validateOnly });

describe("CreateTopics", () => {
  let broker: TestBroker;
  afterEach(() => broker?.close());

  async function create(version: number, request: CreateTopicsRequest) {
    const response = (await createTopicsHandler.handle(request, broker.context(19, version))) as CreateTopicsResponse;
    return roundTripResponse(writeCreateTopicsResponse, readCreateTopicsResponse, version, response).topics;
  }
  const brief = (r: CreateTopicsResponse["topics"]) => r.map((t) => [t.name, t.errorCode, t.errorMessage]);

  it("serves v2 to v7", () => {
    expect([createTopicsHandler.minVersion, createTopicsHandler.maxVersion]).toEqual([2, 7]);
  });

  it("creates topics with their logs and answers v7 with id, layout and effective configs", async () => {
    broker = await startTestBroker();
    const [r] = await create(7, req([topic("orders", { numPartitions: 3, configs: [{ name: "retention.ms", value: "1000" }] })]));
    const created = broker.services.metadata.topic("orders")!;
    expect(r).toMatchObject({ name: "orders", topicId: created.topicId, errorCode: 0, errorMessage: null, numPartitions: 3, replicationFactor: 1 });
    expect(created.partitions).toHaveLength(3);
    expect(created.configs.get("retention.ms")).toBe("1000");
    expect(broker.services.logs.getLog("orders", 2)).toBeDefined();
    const configs = new Map(r!.configs!.map((c) => [c.name, c]));
    expect(configs.get("retention.ms")).toEqual({ name: "retention.ms", value: "1000", readOnly: false, configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, isSensitive: false });
    expect(configs.get("cleanup.policy")).toMatchObject({ value: "delete", configSource: ConfigSource.DEFAULT_CONFIG });
    expect([...configs.keys()]).toEqual([...configs.keys()].sort());
  });

  it("takes broker defaults for -1 partitions and replication factor, in every version (KafkaJS sends -1 at v3)", async () => {
    broker = await startTestBroker({ config: { "num.partitions": "4" } });
    const [r] = await create(3, req([topic("d", { numPartitions: -1, replicationFactor: -1 })]));
    expect(r!.errorCode).toBe(0);
    expect(broker.services.metadata.topic("d")!.partitions).toHaveLength(4);
    const [v5] = await create(5, req([topic("e", { numPartitions: -1, replicationFactor: -1 })]));
    expect(v5).toMatchObject({ numPartitions: 4, replicationFactor: 1 });
  });

  it("refuses replication factors this single node cannot honour, with Kafka's message", async () => {
    broker = await startTestBroker();
    const [three, zero] = await create(7, req([topic("r3", { replicationFactor: 3 }), topic("r0", { replicationFactor: 0 })]));
    expect(three).toMatchObject({
      errorCode: errorCode("INVALID_REPLICATION_FACTOR"),
      errorMessage: "Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.",
      topicId: ZERO_UUID,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    });
    expect(zero!.errorMessage).toBe("Replication factor must be larger than 0, or -1 to use the default value.");
    expect(broker.services.metadata.topic("r3")).toBeUndefined();
  });

  it("refuses a default replication factor above 1 too", async () => {
    broker = await startTestBroker({ config: { "default.replication.factor": "3" } });
    const [r] = await create(7, req([topic("x", { replicationFactor: -1 })]));
    expect(r!.errorCode).toBe(errorCode("INVALID_REPLICATION_FACTOR"));
  });

  it("accepts manual assignments on this node only", async () => {
    broker = await startTestBroker({ nodeId: 5 });
    const manual = (name: string, assignments: CreatableTopic["assignments"], extra: Partial<CreatableTopic> = {}) =>
      topic(name, { numPartitions: -1, replicationFactor: -1, assignments, ...extra });
    const r = await create(7, req([
      manual("ok", [{ partitionIndex: 1, brokerIds: [5] }, { partitionIndex: 0, brokerIds: [5] }]),
      manual("other", [{ partitionIndex: 0, brokerIds: [2] }]),
      manual("gap", [{ partitionIndex: 0, brokerIds: [5] }, { partitionIndex: 2, brokerIds: [5] }]),
      manual("twice", [{ partitionIndex: 0, brokerIds: [5] }, { partitionIndex: 0, brokerIds: [5] }]),
      manual("rf", [{ partitionIndex: 0, brokerIds: [5] }], { replicationFactor: 1 }),
      manual("np", [{ partitionIndex: 0, brokerIds: [5] }], { numPartitions: 1 }),
    ]));
    expect(brief(r)).toEqual([
      ["ok", 0, null],
      ["other", errorCode("INVALID_REPLICA_ASSIGNMENT"), "The manual partition assignment includes broker 2, but no such broker is registered."],
      ["gap", errorCode("INVALID_REPLICA_ASSIGNMENT"), "partitions should be a consecutive 0-based integer sequence"],
      ["twice", errorCode("INVALID_REPLICA_ASSIGNMENT"), "Found multiple manual partition assignments for partition 0"],
      ["rf", errorCode("INVALID_REQUEST"), "A manual partition assignment was specified, but replication factor was not set to -1."],
      ["np", errorCode("INVALID_REQUEST"), "A manual partition assignment was specified, but numPartitions was not set to -1."],
    ]);
    expect(broker.services.metadata.topic("ok")!.partitions).toHaveLength(2);
  });

  it("validates names, configs and counts in Kafka's order", async () => {
    broker = await startTestBroker();
    await broker.createTopic("exists");
    await broker.createTopic("a.b");
    const r = await create(7, req([
      topic("exists", { replicationFactor: 9 }),
      topic("bad name!", { replicationFactor: 9 }),
      topic("a_b"),
      topic("nulls", { configs: [{ name: "retention.ms", value: null }, { name: "segment.ms", value: null }], numPartitions: 0 }),
      topic("unknown-key", { configs: [{ name: "no.such.key", value: "1" }], numPartitions: 0 }),
      topic("bad-value", { configs: [{ name: "retention.ms", value: "soon" }] }),
      topic("zero", { numPartitions: 0 }),
    ]));
    expect(r.map((t) => [t.name, t.errorCode])).toEqual([
      ["exists", errorCode("TOPIC_ALREADY_EXISTS")],
      ["bad name!", errorCode("INVALID_TOPIC_EXCEPTION")],
      ["a_b", errorCode("INVALID_TOPIC_EXCEPTION")],
      ["nulls", errorCode("INVALID_CONFIG")],
      ["unknown-key", errorCode("INVALID_CONFIG")],
      ["bad-value", errorCode("INVALID_CONFIG")],
      ["zero", errorCode("INVALID_PARTITIONS")],
    ]);
    expect(r[0]!.errorMessage).toBe("Topic 'exists' already exists.");
    expect(r[2]!.errorMessage).toBe("Topic 'a_b' collides with existing topic: a.b");
    expect(r[3]!.errorMessage).toBe("Null value not supported for topic configs: retention.ms,segment.ms");
    expect(r[4]!.errorMessage).toBe("Unknown topic config name: no.such.key");
    expect(r[5]!.errorMessage).toContain("Invalid value soon for configuration retention.ms");
    expect(r[6]!.errorMessage).toBe("Number of partitions was set to an invalid non-positive value.");
  });

  it("answers v2, the oldest version served, without the v5+ fields", async () => {
    broker = await startTestBroker();
    const [ok, bad] = await create(2, req([topic("old", { numPartitions: 2 }), topic("old2", { replicationFactor: 2 })]));
    expect(ok).toMatchObject({ name: "old", errorCode: 0, errorMessage: null, numPartitions: -1, configs: [] });
    expect(bad).toMatchObject({ errorCode: errorCode("INVALID_REPLICATION_FACTOR"), errorMessage: expect.stringContaining("only 1 broker(s)") });
    expect(broker.services.metadata.topic("old")!.partitions).toHaveLength(2);
  });

  it("answers a name given twice once, and creates nothing for it", async () => {
    broker = await startTestBroker();
    const r = await create(4, req([topic("dup"), topic("dup", { numPartitions: 2 }), topic("single")]));
    expect(brief(r)).toEqual([
      ["dup", errorCode("INVALID_REQUEST"), "Duplicate topic name."],
      ["single", 0, null],
    ]);
    expect(broker.services.metadata.topic("dup")).toBeUndefined();
  });

  it("validates without creating when validateOnly", async () => {
    broker = await startTestBroker();
    const [r] = await create(7, req([topic("v", { numPartitions: 2 })], true));
    expect(r).toMatchObject({ errorCode: 0, topicId: ZERO_UUID, numPartitions: 2, replicationFactor: 1 });
    expect(r!.configs!.length).toBeGreaterThan(0);
    expect(broker.services.metadata.topic("v")).toBeUndefined();
    expect(broker.services.logs.getLog("v", 0)).toBeUndefined();
  });

  it("refuses a request for more than 10,000 partitions outright", async () => {
    broker = await startTestBroker();
    const r = await create(7, req([topic("big", { numPartitions: 9000 }), topic("big2", { numPartitions: 1001 })]));
    expect(brief(r)).toEqual([
      ["big", errorCode("POLICY_VIOLATION"), "Excessively large number of partitions per request."],
      ["big2", errorCode("POLICY_VIOLATION"), "Excessively large number of partitions per request."],
    ]);
  });

  it("round-trips the oldest and newest request versions", () => {
    const request = req(
      [topic("a", { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: "retention.ms", value: "5" }] })],
      true,
    );
    for (const v of [2, 7]) expect(roundTripRequest(writeCreateTopicsRequest, readCreateTopicsRequest, v, request)).toEqual(request);
  });
});
