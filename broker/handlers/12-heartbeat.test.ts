import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator, track } from "../coordinator/group/testing/test-coordinator.js";
import { errorCode } from "../protocol/errors.js";
import { writeHeartbeatRequest } from "../protocol/generated/heartbeat-request.gen.js";
import { readHeartbeatResponse } from "../protocol/generated/heartbeat-response.gen.js";
import { heartbeatHandler } from "./12-heartbeat.js";

describe("Heartbeat handler", () => {
  it("serves v0 to v4", () => {
    expect([heartbeatHandler.minVersion, heartbeatHandler.maxVersion]).toEqual([0, 4]);
  });

  it("keeps a member alive and reports unknown members and stale generations", async () => {
    const t = await startTestCoordinator();
    const join = track(
      t.coordinator.joinGroup({
        groupId: "g",
        memberId: "",
        groupInstanceId: null,
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
    const { memberId } = await join.promise;
    for (const version of [0, 4]) {
      const ctx = groupHandlerContext(t, 12, version);
      const ok = await exchange(heartbeatHandler, ctx, writeHeartbeatRequest, readHeartbeatResponse, { groupId: "g", generationId: 1, memberId, groupInstanceId: null });
      expect(ok.errorCode).toBe(0);
      const stale = await exchange(heartbeatHandler, ctx, writeHeartbeatRequest, readHeartbeatResponse, { groupId: "g", generationId: 0, memberId, groupInstanceId: null });
      expect(stale.errorCode).toBe(errorCode("ILLEGAL_GENERATION"));
      const unknown = await exchange(heartbeatHandler, ctx, writeHeartbeatRequest, readHeartbeatResponse, { groupId: "other", generationId: 1, memberId, groupInstanceId: null });
      expect(unknown.errorCode).toBe(errorCode("UNKNOWN_MEMBER_ID"));
    }
  });
});
