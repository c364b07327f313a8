import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import { errorCode } from "../protocol/errors.js";
import { writeConsumerGroupHeartbeatRequest, type ConsumerGroupHeartbeatRequest } from "../protocol/generated/consumer-group-heartbeat-request.gen.js";
import { readConsumerGroupHeartbeatResponse } from "../protocol/generated/consumer-group-heartbeat-response.gen.js";
import { consumerGroupHeartbeatHandler } from "./68-consumer-group-heartbeat.js";

const join: ConsumerGroupHeartbeatRequest = {
  groupId: "g",
  memberId: "",
  memberEpoch: 0,
  instanceId: null,
  rackId: null,
  rebalanceTimeoutMs: 30_000,
  subscribedTopicNames: ["orders"],
  subscribedTopicRegex: null,
  serverAssignor: null,
  topicPartitions: [],
};

describe("ConsumerGroupHeartbeat handler", () => {
  it("serves v0-1 (v1 is marked unstable in our specs but served by Kafka 4.x and needed by clients)", () => {
    expect([consumerGroupHeartbeatHandler.minVersion, consumerGroupHeartbeatHandler.maxVersion]).toEqual([0, 1]);
  });

  it("v1: subscribes by regex (RE2/J syntax) and is assigned the matching topics", async () => {
    const t = await startTestCoordinator();
    const ctx = groupHandlerContext(t, 68, 1);
    const joined = await exchange(consumerGroupHeartbeatHandler, ctx, writeConsumerGroupHeartbeatRequest, readConsumerGroupHeartbeatResponse, {
      ...join,
      subscribedTopicNames: [],
      subscribedTopicRegex: "ord.*",
    });
    expect(joined).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    expect(joined.assignment!.topicPartitions).toEqual([{ topicId: t.topics.id("orders"), partitions: [0, 1, 2, 3, 4, 5] }]);
  });

  it("joins with a coordinator-made member id, gets an assignment, and leaves", async () => {
    const t = await startTestCoordinator();
    const ctx = groupHandlerContext(t, 68, 0, { clientId: "kip848" });
    const joined = await exchange(consumerGroupHeartbeatHandler, ctx, writeConsumerGroupHeartbeatRequest, readConsumerGroupHeartbeatResponse, join);
    expect(joined).toMatchObject({ errorCode: 0, errorMessage: null, memberEpoch: 1, heartbeatIntervalMs: 5000 });
    expect(joined.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(joined.assignment!.topicPartitions).toEqual([{ topicId: t.topics.id("orders"), partitions: [0, 1, 2, 3, 4, 5] }]);
    expect(t.coordinator.consumerGroupDescribe(["g"])[0]!.members[0]).toMatchObject({ clientId: "kip848", clientHost: "/127.0.0.1" });

    const steady = await exchange(consumerGroupHeartbeatHandler, ctx, writeConsumerGroupHeartbeatRequest, readConsumerGroupHeartbeatResponse, {
      ...join,
      memberId: joined.memberId!,
      memberEpoch: 1,
      rebalanceTimeoutMs: -1,
      subscribedTopicNames: null,
      topicPartitions: null,
    });
    expect(steady).toMatchObject({ errorCode: 0, memberEpoch: 1, assignment: null });

    const left = await exchange(consumerGroupHeartbeatHandler, ctx, writeConsumerGroupHeartbeatRequest, readConsumerGroupHeartbeatResponse, {
      ...join,
      memberId: joined.memberId!,
      memberEpoch: -1,
    });
    expect(left).toMatchObject({ errorCode: 0, memberId: joined.memberId, memberEpoch: -1 });
  });

  it("answers errors with a message", async () => {
    const t = await startTestCoordinator();
    const ctx = groupHandlerContext(t, 68, 0);
    const r = await exchange(consumerGroupHeartbeatHandler, ctx, writeConsumerGroupHeartbeatRequest, readConsumerGroupHeartbeatResponse, { ...join, memberId: "m", memberEpoch: 4 });
    expect(r).toMatchObject({ errorCode: errorCode("GROUP_ID_NOT_FOUND"), errorMessage: "Consumer group g not found.", memberId: null });
    const bad = await exchange(consumerGroupHeartbeatHandler, ctx, writeConsumerGroupHeartbeatRequest, readConsumerGroupHeartbeatResponse, { ...join, rebalanceTimeoutMs: -1 });
    expect(bad).toMatchObject({ errorCode: errorCode("INVALID_REQUEST"), errorMessage: "RebalanceTimeoutMs must be provided in first request." });
  });
});
