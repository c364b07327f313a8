import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator, track, type TestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import { errorCode } from "../protocol/errors.js";
import { writeLeaveGroupRequest } from "../protocol/generated/leave-group-request.gen.js";
import { readLeaveGroupResponse } from "../protocol/generated/leave-group-response.gen.js";
import { leaveGroupHandler } from "./13-leave-group.js";

async function member(t: TestCoordinator, groupInstanceId: string | null): Promise<string> {
  const join = track(
    t.coordinator.joinGroup({
      groupId: "g",
      memberId: "",
      groupInstanceId,
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: Buffer.alloc(0) }],
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      clientId: "c",
      clientHost: "/h",
      requireKnownMemberId: false,
      supportsSkipAssignment: false,
      reason: null,
    }),
  );
  t.timer.advance(0);
  return (await join.promise).memberId;
}

describe("LeaveGroup handler", () => {
  it("serves v0 to v5", () => {
    expect([leaveGroupHandler.minVersion, leaveGroupHandler.maxVersion]).toEqual([0, 5]);
  });

  it("removes one member by id with v0 and folds its error into the answer", async () => {
    const t = await startTestCoordinator();
    const id = await member(t, null);
    const ctx = groupHandlerContext(t, 13, 0);
    const left = await exchange(leaveGroupHandler, ctx, writeLeaveGroupRequest, readLeaveGroupResponse, { groupId: "g", memberId: id, members: [] });
    expect(left).toEqual({ throttleTimeMs: 0, errorCode: 0, members: [] });
    const again = await exchange(leaveGroupHandler, ctx, writeLeaveGroupRequest, readLeaveGroupResponse, { groupId: "g", memberId: id, members: [] });
    expect(again.errorCode).toBe(errorCode("UNKNOWN_MEMBER_ID"));
  });

  it("removes a batch with v5, static members by instance id", async () => {
    const t = await startTestCoordinator();
    await member(t, "instance-1");
    const ctx = groupHandlerContext(t, 13, 5);
    const left = await exchange(leaveGroupHandler, ctx, writeLeaveGroupRequest, readLeaveGroupResponse, {
      groupId: "g",
      memberId: "",
      members: [
        { memberId: "", groupInstanceId: "instance-1", reason: "scale down" },
        { memberId: "ghost", groupInstanceId: null, reason: null },
      ],
    });
    expect(left).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      members: [
        { memberId: "", groupInstanceId: "instance-1", errorCode: 0 },
        { memberId: "ghost", groupInstanceId: null, errorCode: errorCode("UNKNOWN_MEMBER_ID") },
      ],
    });
    expect(t.coordinator.describeGroups(["g"])[0]!.members).toEqual([]);
  });
});
