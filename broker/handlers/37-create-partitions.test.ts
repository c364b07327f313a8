import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import {
  readCreatePartitionsRequest,
  writeCreatePartitionsRequest,
  type CreatePartitionsRequest,
  type CreatePartitionsTopic,
} from "../protocol/generated/create-partitions-request.gen.js";
import {
  readCreatePartitionsResponse,
  writeCreatePartitionsResponse,
  type CreatePartitionsResponse,
} from "../protocol/generated/create-partitions-response.gen.js";
import { createPartitionsHandler } from "./37-create-partitions.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

const req = (topics: CreatePartitionsTopic[], validateOnly = false): CreatePartitionsRequest => ({ topics, timeoutMs: 30000, validateOnly });

describe("CreatePartitions", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
    await broker.createTopic("t", 2);
  });
  afterEach(() => broker.close());

  async function grow(version: number, request: CreatePartitionsRequest) {
    const response = (await createPartitionsHandler.handle(request, broker.context(37, version))) as CreatePartitionsResponse;
    return roundTripResponse(writeCreatePartitionsResponse, readCreatePartitionsResponse, version, response).results;
  }
  const partitions = () => broker.services.metadata.topic("t")!.partitions.length;

  it("serves v0 to v3", () => {
    expect([createPartitionsHandler.minVersion, createPartitionsHandler.maxVersion]).toEqual([0, 3]);
  });

  it("grows a topic and creates the new logs", async () => {
    const [r] = await grow(3, req([{ name: "t", count: 4, assignments: null }]));
    expect(r).toEqual({ name: "t", errorCode: 0, errorMessage: null });
    expect(partitions()).toBe(4);
    expect(broker.services.logs.getLog("t", 3)).toBeDefined();
  });

  it("checks without changing anything when validateOnly", async () => {
    const [r] = await grow(0, req([{ name: "t", count: 5, assignments: null }], true));
    expect(r!.errorCode).toBe(0);
    expect(partitions()).toBe(2);
  });

  it("refuses more than 10,000 additional partitions per request before creating any, as Kafka 4.4 does", async () => {
    await broker.createTopic("u", 1);
    const tooMany = "Excessively large number of additional partitions per request.";
    // count = 2^31-1 once made the broker build partitions until it ran out of memory (fuzzer).
    const [huge] = await grow(3, req([{ name: "t", count: 0x7fffffff, assignments: null }]));
    expect(huge).toEqual({ name: "t", errorCode: errorCode("POLICY_VIOLATION"), errorMessage: tooMany });
    // The bound is on the request's sum; unknown topics are not counted and keep their own error.
    const summed = await grow(3, req([
      { name: "t", count: 6002, assignments: null },
      { name: "u", count: 6001, assignments: null },
      { name: "nope", count: 0x7fffffff, assignments: null },
    ]));
    expect(summed.map((r) => r.errorCode)).toEqual([
      errorCode("POLICY_VIOLATION"),
      errorCode("POLICY_VIOLATION"),
      errorCode("UNKNOWN_TOPIC_OR_PARTITION"),
    ]);
    expect(partitions()).toBe(2);
    const [exact] = await grow(3, req([{ name: "t", count: 10_002, assignments: null }], true));
    expect(exact!.errorCode).toBe(0);
  });

  it("refuses counts that do not grow the topic, with Kafka 4's messages", async () => {
    const [same, unknown] = await grow(1, req([
      { name: "t", count: 2, assignments: null },
      { name: "nope", count: 3, assignments: null },
    ]));
    expect(same).toEqual({ name: "t", errorCode: errorCode("INVALID_PARTITIONS"), errorMessage: "Topic already has 2 partition(s)." });
    expect(unknown!.errorCode).toBe(errorCode("UNKNOWN_TOPIC_OR_PARTITION"));
    const [shrink] = await grow(1, req([{ name: "t", count: 1, assignments: null }]));
    expect(shrink!.errorMessage).toBe("The topic t currently has 2 partition(s); 1 would not be an increase.");
  });

  it("accepts assignments naming this node only, one per new partition", async () => {
    const nodeId = broker.services.nodeId;
    const cases: [CreatePartitionsTopic["assignments"], string][] = [
      [[{ brokerIds: [nodeId] }], "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified."],
      [[{ brokerIds: [nodeId] }, { brokerIds: [] }], "The manual partition assignment includes an empty replica list."],
      [[{ brokerIds: [nodeId] }, { brokerIds: [7] }], "The manual partition assignment includes broker 7, but no such broker is registered."],
      [[{ brokerIds: [nodeId] }, { brokerIds: [nodeId, nodeId] }], `The manual partition assignment includes the broker ${nodeId} more than once.`],
    ];
    for (const [assignments, message] of cases) {
      const [r] = await grow(2, req([{ name: "t", count: 4, assignments }]));
      expect(r).toEqual({ name: "t", errorCode: errorCode("INVALID_REPLICA_ASSIGNMENT"), errorMessage: message });
    }
    expect(partitions()).toBe(2);
    const [ok] = await grow(2, req([{ name: "t", count: 4, assignments: [{ brokerIds: [nodeId] }, { brokerIds: [nodeId] }] }]));
    expect(ok!.errorCode).toBe(0);
    expect(partitions()).toBe(4);
  });

  it("answers a topic named twice once, with INVALID_REQUEST", async () => {
    const r = await grow(3, req([
      { name: "t", count: 3, assignments: null },
      { name: "t", count: 4, assignments: null },
    ]));
    expect(r).toEqual([{ name: "t", errorCode: errorCode("INVALID_REQUEST"), errorMessage: "Duplicate topic name." }]);
    expect(partitions()).toBe(2);
  });

  it("refuses to grow internal topics", async () => {
    await broker.createTopic("__consumer_offsets", 2, { "cleanup.policy": "compact" });
    const [r] = await grow(3, req([{ name: "__consumer_offsets", count: 3, assignments: null }]));
    expect(r!.errorCode).toBe(errorCode("POLICY_VIOLATION"));
    expect(broker.services.metadata.topic("__consumer_offsets")!.partitions.length).toBe(2);
  });

  it("round-trips the oldest and newest request versions", () => {
    for (const v of [0, 3]) {
      const request = req([{ name: "t", count: 3, assignments: [{ brokerIds: [1] }] }, { name: "u", count: 9, assignments: null }], true);
      expect(roundTripRequest(writeCreatePartitionsRequest, readCreatePartitionsRequest, v, request)).toEqual(request);
    }
  });
});
