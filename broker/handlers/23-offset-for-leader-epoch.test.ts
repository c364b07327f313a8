import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import {
  readOffsetForLeaderEpochRequest,
  writeOffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochRequest,
} from "../protocol/generated/offset-for-leader-epoch-request.gen.js";
import {
  readOffsetForLeaderEpochResponse,
  writeOffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochResponse,
} from "../protocol/generated/offset-for-leader-epoch-response.gen.js";
import { offsetForLeaderEpochHandler } from "./23-offset-for-leader-epoch.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

function request(parts: { topic?: string; partition?: number; leaderEpoch: number; currentLeaderEpoch?: number }[]): OffsetForLeaderEpochRequest {
  return {
    replicaId: -1,
    topics: parts.map((p) => ({
      topic: p.topic ?? "t",
      partitions: [{ partition: p.partition ?? 0, leaderEpoch: p.leaderEpoch, currentLeaderEpoch: p.currentLeaderEpoch ?? -1 }],
    })),
  };
}

describe("OffsetForLeaderEpoch", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
    await broker.createTopic("t", 1);
  });
  afterEach(() => broker.close());

  async function ask(version: number, req: OffsetForLeaderEpochRequest) {
    const response = (await offsetForLeaderEpochHandler.handle(req, broker.context(23, version))) as OffsetForLeaderEpochResponse;
    return roundTripResponse(writeOffsetForLeaderEpochResponse, readOffsetForLeaderEpochResponse, version, response).topics.map(
      (t) => t.partitions[0]!,
    );
  }

  it("serves v2 to v4", () => {
    expect([offsetForLeaderEpochHandler.minVersion, offsetForLeaderEpochHandler.maxVersion]).toEqual([2, 4]);
  });

  it("returns where each epoch ends, falling back to the largest earlier known epoch", async () => {
    await broker.produce("t", 0, [{ value: "a" }, { value: "b" }], 0);
    const state = broker.services.metadata.topic("t")!.partitions[0]!;
    state.leaderEpoch = 2; // two leader changes later, this node leads again
    await broker.produce("t", 0, [{ value: "c" }], 2);
    const [e0, e1, e2, e3] = await ask(4, request([{ leaderEpoch: 0 }, { leaderEpoch: 1 }, { leaderEpoch: 2 }, { leaderEpoch: 3 }]));
    expect(e0).toMatchObject({ errorCode: 0, leaderEpoch: 0, endOffset: 2n });
    expect(e1).toMatchObject({ errorCode: 0, leaderEpoch: 0, endOffset: 2n });
    expect(e2).toMatchObject({ errorCode: 0, leaderEpoch: 2, endOffset: 3n });
    // Newer than any epoch in the log: Kafka's LeaderEpochFileCache answers undefined.
    expect(e3).toMatchObject({ errorCode: 0, leaderEpoch: -1, endOffset: -1n });
  });

  it("answers -1/-1 for an epoch the log does not know", async () => {
    const [empty] = await ask(4, request([{ leaderEpoch: 0 }]));
    expect(empty).toMatchObject({ errorCode: 0, leaderEpoch: -1, endOffset: -1n });
  });

  it("fences on the current leader epoch and checks leadership", async () => {
    const state = broker.services.metadata.topic("t")!.partitions[0]!;
    state.leaderEpoch = 5;
    const [fenced, unknown, fine] = await ask(2, request([
      { leaderEpoch: 0, currentLeaderEpoch: 4 },
      { leaderEpoch: 0, currentLeaderEpoch: 6 },
      { leaderEpoch: 0, currentLeaderEpoch: 5 },
    ]));
    expect(fenced!.errorCode).toBe(errorCode("FENCED_LEADER_EPOCH"));
    expect(unknown!.errorCode).toBe(errorCode("UNKNOWN_LEADER_EPOCH"));
    expect(fine!.errorCode).toBe(0);
    state.leader = 9;
    const [notLeader, missing, missingPartition] = await ask(4, request([{ leaderEpoch: 0 }, { topic: "nope", leaderEpoch: 0 }, { partition: 3, leaderEpoch: 0 }]));
    expect(notLeader!.errorCode).toBe(errorCode("NOT_LEADER_OR_FOLLOWER"));
    expect(missing!.errorCode).toBe(errorCode("UNKNOWN_TOPIC_OR_PARTITION"));
    expect(missingPartition!.errorCode).toBe(errorCode("UNKNOWN_TOPIC_OR_PARTITION"));
  });

  it("round-trips the oldest and newest request versions", () => {
    for (const v of [2, 4]) {
      const req = { ...request([{ leaderEpoch: 3, currentLeaderEpoch: 4 }]), replicaId: v >= 3 ? 1 : -2 };
      expect(roundTripRequest(writeOffsetForLeaderEpochRequest, readOffsetForLeaderEpochRequest, v, req)).toEqual(req);
    }
  });
});
