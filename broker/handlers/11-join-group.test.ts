import { describe, expect, it } from "vitest";
import { groupHandlerContext, exchange } from "../coordinator/group/testing/handler-context.js";
import { subscription } from "../coordinator/group/testing/consumer-protocol.js";
import { startTestCoordinator, track } from "../coordinator/group/testing/test-coordinator.js";
import { CloseSignal } from "../network/close-signal.js";
import { errorCode } from "../protocol/errors.js";
import { writeJoinGroupRequest, type JoinGroupRequest } from "../protocol/generated/join-group-request.gen.js";
import { readJoinGroupResponse } from "../protocol/generated/join-group-response.gen.js";
import { joinGroupHandler } from "./11-join-group.js";
import { NO_RESPONSE } from "./handler.js";

function request(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: "g",
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    memberId: "",
    groupInstanceId: null,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: subscription(["orders"]) }],
    reason: null,
    ...overrides,
  };
}

describe("JoinGroup handler", () => {
  it("serves v0 to v9", () => {
    expect([joinGroupHandler.minVersion, joinGroupHandler.maxVersion]).toEqual([0, 9]);
  });

  it("hands out a member id first (v9), then joins and answers the leader with the members", async () => {
    const t = await startTestCoordinator();
    const ctx = groupHandlerContext(t, 11, 9, { clientId: "app" });
    const first = await exchange(joinGroupHandler, ctx, writeJoinGroupRequest, readJoinGroupResponse, request());
    expect(first.errorCode).toBe(errorCode("MEMBER_ID_REQUIRED"));
    expect(first.memberId).toMatch(/^app-/);
    const join = track(exchange(joinGroupHandler, ctx, writeJoinGroupRequest, readJoinGroupResponse, request({ memberId: first.memberId, reason: "test" })));
    t.timer.advance(0);
    const joined = await join.promise;
    expect(joined).toMatchObject({
      errorCode: 0,
      generationId: 1,
      protocolType: "consumer",
      protocolName: "range",
      leader: first.memberId,
      memberId: first.memberId,
      skipAssignment: false,
    });
    expect(joined.members).toEqual([{ memberId: first.memberId, groupInstanceId: null, metadata: subscription(["orders"]) }]);
    expect(t.coordinator.describeGroups(["g"])[0]!.members[0]!.clientHost).toBe("/127.0.0.1");
  });

  it("joins directly with v0 (the session timeout is the rebalance timeout) and never answers a null protocol name", async () => {
    const t = await startTestCoordinator();
    const ctx = groupHandlerContext(t, 11, 0);
    const join = track(exchange(joinGroupHandler, ctx, writeJoinGroupRequest, readJoinGroupResponse, request({ rebalanceTimeoutMs: -1 })));
    t.timer.advance(0);
    const joined = await join.promise;
    expect(joined.errorCode).toBe(0);
    expect(joined.protocolName).toBe("range");
    const bad = await exchange(joinGroupHandler, ctx, writeJoinGroupRequest, readJoinGroupResponse, request({ sessionTimeoutMs: 1 }));
    expect(bad).toMatchObject({ errorCode: errorCode("INVALID_SESSION_TIMEOUT"), protocolName: "" });
  });

  it("sends nothing when the connection closes while the request is parked", async () => {
    const t = await startTestCoordinator();
    const closed = new CloseSignal();
    const ctx = groupHandlerContext(t, 11, 3, { closed });
    const parked = track(Promise.resolve(joinGroupHandler.handle(request(), ctx)));
    await new Promise((r) => setImmediate(r));
    expect(parked.done).toBe(false);
    closed.close();
    expect(await parked.promise).toBe(NO_RESPONSE);
  });
});
