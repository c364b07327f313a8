import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import { readListOffsetsRequest, writeListOffsetsRequest, type ListOffsetsRequest } from "../protocol/generated/list-offsets-request.gen.js";
import { readListOffsetsResponse, writeListOffsetsResponse, type ListOffsetsResponse } from "../protocol/generated/list-offsets-response.gen.js";
import { listOffsetsHandler } from "./02-list-offsets.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

function request(partitions: { topic?: string; partition?: number; timestamp: bigint; currentLeaderEpoch?: number }[], extra: Partial<ListOffsetsRequest> = {}): ListOffsetsRequest {
  const byTopic = new Map<string, ListOffsetsRequest["topics"][number]>();
  for (const p of partitions) {
    const name = p.topic ?? "t";
    let t = byTopic.get(name);
    if (!t) byTopic.set(name, (t = { name, partitions: [] }));
    t.partitions.push({ partitionIndex: p.partition ?? 0, currentLeaderEpoch: p.currentLeaderEpoch ?? -1, timestamp: p.timestamp, maxNumOffsets: 1 });
  }
  return { replicaId: -1, isolationLevel: 0, topics: [...byTopic.values()], timeoutMs: 0, ...extra };
}

describe("ListOffsets", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
    await broker.createTopic("t", 2);
  });
  afterEach(() => broker.close());

  async function list(version: number, req: ListOffsetsRequest) {
    const response = (await listOffsetsHandler.handle(req, broker.context(2, version))) as ListOffsetsResponse;
    return roundTripResponse(writeListOffsetsResponse, readListOffsetsResponse, version, response);
  }
  const first = (r: ListOffsetsResponse) => r.topics[0]!.partitions[0]!;

  it("serves v1 to v10, not v0", () => {
    expect([listOffsetsHandler.minVersion, listOffsetsHandler.maxVersion]).toEqual([1, 10]);
  });

  it("answers earliest and latest on an empty partition with 0", async () => {
    const r = await list(10, request([{ timestamp: -2n }, { partition: 1, timestamp: -1n }]));
    expect(r.topics[0]!.partitions.map((p) => [p.errorCode, p.offset, p.timestamp])).toEqual([
      [0, 0n, -1n],
      [0, 0n, -1n],
    ]);
  });

  it("finds offsets by timestamp, the max timestamp (v7+) and the latest with its leader epoch", async () => {
    await broker.produce("t", 0, [{ value: "a", timestamp: 1000n }, { value: "b", timestamp: 3000n }, { value: "c", timestamp: 2000n }]);
    await broker.produce("t", 0, [{ value: "d", timestamp: 2500n }]);
    const r = await list(10, request([{ timestamp: 1500n }]));
    expect(first(r)).toMatchObject({ errorCode: 0, offset: 1n, timestamp: 3000n, leaderEpoch: 0 });
    expect(first(await list(10, request([{ timestamp: 2600n }])))).toMatchObject({ offset: 1n, timestamp: 3000n });
    expect(first(await list(10, request([{ timestamp: 3001n }])))).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 });
    expect(first(await list(7, request([{ timestamp: -3n }])))).toMatchObject({ errorCode: 0, offset: 1n, timestamp: 3000n });
    expect(first(await list(10, request([{ timestamp: -1n }])))).toMatchObject({ offset: 4n, timestamp: -1n, leaderEpoch: 0 });
    expect(first(await list(10, request([{ timestamp: -2n }])))).toMatchObject({ offset: 0n, timestamp: -1n, leaderEpoch: 0 });
  });

  it("answers v1, the oldest version served (a partition named twice included)", async () => {
    await broker.produce("t", 0, [{ value: "a", timestamp: 1000n }]);
    const r = await list(1, request([{ timestamp: -1n }, { partition: 1, timestamp: -2n }, { timestamp: 900n }]));
    expect(r.topics[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode, p.offset, p.timestamp])).toEqual([
      [0, errorCode("INVALID_REQUEST"), -1n, -1n],
      [1, 0, 0n, -1n],
    ]);
    const single = await list(1, request([{ timestamp: 900n }]));
    expect(first(single)).toMatchObject({ errorCode: 0, offset: 0n, timestamp: 1000n });
  });

  it("refuses sentinels newer than the request version, and unknown ones", async () => {
    const unsupported = errorCode("UNSUPPORTED_VERSION");
    expect(first(await list(6, request([{ timestamp: -3n }]))).errorCode).toBe(unsupported);
    expect(first(await list(7, request([{ timestamp: -4n }]))).errorCode).toBe(unsupported);
    expect(first(await list(8, request([{ timestamp: -5n }]))).errorCode).toBe(unsupported);
    expect(first(await list(10, request([{ timestamp: -6n }]))).errorCode).toBe(unsupported);
    expect(first(await list(8, request([{ timestamp: -4n }])))).toMatchObject({ errorCode: 0, offset: 0n });
    expect(first(await list(9, request([{ timestamp: -5n }])))).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n });
  });

  it("reports the earliest offset after records were deleted", async () => {
    await broker.produce("t", 0, [{ value: "a" }, { value: "b" }, { value: "c" }]);
    const log = broker.services.logs.getLog("t", 0)!;
    await log.deleteRecordsBefore(2n);
    expect(first(await list(10, request([{ timestamp: -2n }])))).toMatchObject({ offset: 2n });
  });

  it("fences on the current leader epoch (v4+) and refuses when not the leader", async () => {
    const state = broker.services.metadata.topic("t")!.partitions[0]!;
    state.leaderEpoch = 3; // as after two leader changes
    expect(first(await list(4, request([{ timestamp: -1n, currentLeaderEpoch: 2 }]))).errorCode).toBe(errorCode("FENCED_LEADER_EPOCH"));
    expect(first(await list(4, request([{ timestamp: -1n, currentLeaderEpoch: 4 }]))).errorCode).toBe(errorCode("UNKNOWN_LEADER_EPOCH"));
    expect(first(await list(4, request([{ timestamp: -1n, currentLeaderEpoch: 3 }])))).toMatchObject({ errorCode: 0, leaderEpoch: 3 });
    // v1–v3 carry no leader epoch in the response: it reads back as the default.
    expect(first(await list(3, request([{ timestamp: -1n }])))).toMatchObject({ errorCode: 0, leaderEpoch: -1 });
    state.leader = 2;
    expect(first(await list(10, request([{ timestamp: -1n }]))).errorCode).toBe(errorCode("NOT_LEADER_OR_FOLLOWER"));
    // The debug replica id may read from any replica.
    expect(first(await list(10, request([{ timestamp: -1n }], { replicaId: -2 }))).errorCode).toBe(0);
  });

  it("answers unknown topics and partitions, duplicates and bad isolation levels", async () => {
    const r = await list(10, request([{ topic: "nope", timestamp: -1n }, { partition: 7, timestamp: -1n }]));
    expect(r.topics.map((t) => [t.name, t.partitions[0]!.errorCode])).toEqual([
      ["nope", errorCode("UNKNOWN_TOPIC_OR_PARTITION")],
      ["t", errorCode("UNKNOWN_TOPIC_OR_PARTITION")],
    ]);
    const dup = await list(10, request([{ timestamp: -1n }, { timestamp: -2n }, { partition: 1, timestamp: -1n }]));
    expect(dup.topics[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode])).toEqual([
      [0, errorCode("INVALID_REQUEST")],
      [1, 0],
    ]);
    const bad = await list(10, request([{ timestamp: -1n }], { isolationLevel: 7 }));
    expect(first(bad).errorCode).toBe(errorCode("INVALID_REQUEST"));
  });

  it("caps latest at the high watermark for consumers and at the log end for followers", async () => {
    await broker.produce("t", 0, [{ value: "a" }, { value: "b" }]);
    const log = broker.services.logs.getLog("t", 0)!;
    expect(log.highWatermark).toBe(2n);
    expect(first(await list(10, request([{ timestamp: -1n }], { isolationLevel: 1 }))).offset).toBe(log.lastStableOffset);
    expect(first(await list(10, request([{ timestamp: -1n }], { replicaId: 1 }))).offset).toBe(log.logEndOffset);
  });

  it("round-trips the oldest and newest request versions", () => {
    for (const v of [1, 10]) {
      const req = request([{ timestamp: -2n, currentLeaderEpoch: v >= 4 ? 5 : -1 }], { isolationLevel: v >= 2 ? 1 : 0, timeoutMs: v >= 10 ? 3000 : 0 });
      expect(roundTripRequest(writeListOffsetsRequest, readListOffsetsRequest, v, req)).toEqual(req);
    }
  });
});
