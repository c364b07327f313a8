import { describe, expect, it } from "vitest";
import { assignment, subscription } from "../coordinator/group/testing/consumer-protocol.js";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator, track } from "../coordinator/group/testing/test-coordinator.js";
import { writeDescribeGroupsRequest } from "../protocol/generated/describe-groups-request.gen.js";
import { readDescribeGroupsResponse } from "../protocol/generated/describe-groups-response.gen.js";
import { ALL_GROUP_OPERATIONS, describeGroupsHandler } from "./15-describe-groups.js";

describe("DescribeGroups handler", () => {
  it("serves v0 to v5", () => {
    expect([describeGroupsHandler.minVersion, describeGroupsHandler.maxVersion]).toEqual([0, 5]);
  });

  it("describes a stable classic group with metadata and assignments, and unknown groups as Dead", async () => {
    const t = await startTestCoordinator();
    const join = track(
      t.coordinator.joinGroup({
        groupId: "g",
        memberId: "",
        groupInstanceId: "i-1",
        protocolType: "consumer",
        protocols: [{ name: "range", metadata: subscription(["orders"]) }],
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        clientId: "app",
        clientHost: "/10.0.0.1",
        requireKnownMemberId: true,
        supportsSkipAssignment: true,
        reason: null,
      }),
    );
    t.timer.advance(0);
    const { memberId, generationId } = await join.promise;
    await t.coordinator.syncGroup({ groupId: "g", generationId, memberId, groupInstanceId: "i-1", protocolType: null, protocolName: null, assignments: [{ memberId, assignment: assignment({ orders: [0] }) }] });

    const r = await exchange(describeGroupsHandler, groupHandlerContext(t, 15, 5), writeDescribeGroupsRequest, readDescribeGroupsResponse, {
      groups: ["g", "nope"],
      includeAuthorizedOperations: true,
    });
    expect(r.groups).toEqual([
      {
        errorCode: 0,
        groupId: "g",
        groupState: "Stable",
        protocolType: "consumer",
        protocolData: "range",
        members: [
          { memberId, groupInstanceId: "i-1", clientId: "app", clientHost: "/10.0.0.1", memberMetadata: subscription(["orders"]), memberAssignment: assignment({ orders: [0] }) },
        ],
        authorizedOperations: ALL_GROUP_OPERATIONS,
      },
      { errorCode: 0, groupId: "nope", groupState: "Dead", protocolType: "", protocolData: "", members: [], authorizedOperations: ALL_GROUP_OPERATIONS },
    ]);
    const v0 = await exchange(describeGroupsHandler, groupHandlerContext(t, 15, 0), writeDescribeGroupsRequest, readDescribeGroupsResponse, { groups: ["g"], includeAuthorizedOperations: false });
    expect(v0.groups[0]!.members[0]!.groupInstanceId).toBeNull();
    expect(ALL_GROUP_OPERATIONS).toBe(328);
  });
});
