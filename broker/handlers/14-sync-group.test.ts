import { describe, expect, it } from "vitest";
import { assignment, subscription } from "../coordinator/group/testing/consumer-protocol.js";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator, track } from "../coordinator/group/testing/test-coordinator.js";
import { errorCode } from "../protocol/errors.js";
import { writeSyncGroupRequest, type SyncGroupRequest } from "../protocol/generated/sync-group-request.gen.js";
import { readSyncGroupResponse } from "../protocol/generated/sync-group-response.gen.js";
import { syncGroupHandler } from "./14-sync-group.js";

describe("SyncGroup handler", () => {
  it("serves v0 to v5", () => {
    expect([syncGroupHandler.minVersion, syncGroupHandler.maxVersion]).toEqual([0, 5]);
  });

  it("hands the leader's assignment out and checks the protocol (v5)", async () => {
    const t = await startTestCoordinator();
    const join = track(
      t.coordinator.joinGroup({
        groupId: "g",
        memberId: "",
        groupInstanceId: "static-1",
        protocolType: "consumer",
        protocols: [{ name: "range", metadata: subscription(["orders"]) }],
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        clientId: "c",
        clientHost: "/h",
        requireKnownMemberId: true,
        supportsSkipAssignment: true,
        reason: null,
      }),
    );
    t.timer.advance(0);
    const { memberId, generationId } = await join.promise;
    const ctx = groupHandlerContext(t, 14, 5);
    const base: SyncGroupRequest = { groupId: "g", generationId, memberId, groupInstanceId: "static-1", protocolType: "consumer", protocolName: "range", assignments: [] };
    const wrongProtocol = await exchange(syncGroupHandler, ctx, writeSyncGroupRequest, readSyncGroupResponse, { ...base, protocolName: "roundrobin" });
    expect(wrongProtocol.errorCode).toBe(errorCode("INCONSISTENT_GROUP_PROTOCOL"));
    const mine = assignment({ orders: [0, 1, 2] });
    const synced = await exchange(syncGroupHandler, ctx, writeSyncGroupRequest, readSyncGroupResponse, { ...base, assignments: [{ memberId, assignment: mine }] });
    expect(synced).toEqual({ throttleTimeMs: 0, errorCode: 0, protocolType: "consumer", protocolName: "range", assignment: mine });

    const v0 = await exchange(syncGroupHandler, groupHandlerContext(t, 14, 0), writeSyncGroupRequest, readSyncGroupResponse, { ...base, groupInstanceId: null, protocolType: null, protocolName: null });
    expect(v0.errorCode).toBe(0);
    expect(v0.assignment).toEqual(mine);
  });
});
