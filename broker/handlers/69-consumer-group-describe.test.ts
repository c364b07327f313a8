import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import { errorCode } from "../protocol/errors.js";
import { writeConsumerGroupDescribeRequest } from "../protocol/generated/consumer-group-describe-request.gen.js";
import { readConsumerGroupDescribeResponse } from "../protocol/generated/consumer-group-describe-response.gen.js";
import { ALL_GROUP_OPERATIONS } from "./15-describe-groups.js";
import { consumerGroupDescribeHandler } from "./69-consumer-group-describe.js";

describe("ConsumerGroupDescribe handler", () => {
  it("serves v0", () => {
    expect([consumerGroupDescribeHandler.minVersion, consumerGroupDescribeHandler.maxVersion]).toEqual([0, 0]);
  });

  it("describes members with their assignments, and refuses unknown groups", async () => {
    const t = await startTestCoordinator();
    await t.coordinator.consumerGroupHeartbeat({
      groupId: "g",
      memberId: "m1",
      memberEpoch: 0,
      instanceId: "i1",
      rackId: "zone-a",
      rebalanceTimeoutMs: 1000,
      subscribedTopicNames: ["payments"],
      subscribedTopicRegex: null,
      serverAssignor: "range",
      topicPartitions: [],
      clientId: "c",
      clientHost: "/h",
    });
    const r = await exchange(consumerGroupDescribeHandler, groupHandlerContext(t, 69, 0), writeConsumerGroupDescribeRequest, readConsumerGroupDescribeResponse, {
      groupIds: ["g", "missing"],
      includeAuthorizedOperations: true,
    });
    const payments = { topicId: t.topics.id("payments"), topicName: "payments", partitions: [0, 1, 2] };
    expect(r.groups[0]).toEqual({
      errorCode: 0,
      errorMessage: null,
      groupId: "g",
      groupState: "Stable",
      groupEpoch: 1,
      assignmentEpoch: 1,
      assignorName: "range",
      members: [
        {
          memberId: "m1",
          instanceId: "i1",
          rackId: "zone-a",
          memberEpoch: 1,
          clientId: "c",
          clientHost: "/h",
          subscribedTopicNames: ["payments"],
          subscribedTopicRegex: null,
          assignment: { topicPartitions: [payments] },
          targetAssignment: { topicPartitions: [payments] },
        },
      ],
      authorizedOperations: ALL_GROUP_OPERATIONS,
    });
    expect(r.groups[1]).toMatchObject({ groupId: "missing", errorCode: errorCode("GROUP_ID_NOT_FOUND"), errorMessage: "Group missing not found." });
  });
});
