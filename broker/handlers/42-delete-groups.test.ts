import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import { errorCode } from "../protocol/errors.js";
import { writeDeleteGroupsRequest } from "../protocol/generated/delete-groups-request.gen.js";
import { readDeleteGroupsResponse } from "../protocol/generated/delete-groups-response.gen.js";
import { deleteGroupsHandler } from "./42-delete-groups.js";

describe("DeleteGroups handler", () => {
  it("serves v0 to v2", () => {
    expect([deleteGroupsHandler.minVersion, deleteGroupsHandler.maxVersion]).toEqual([0, 2]);
  });

  it("deletes empty groups and reports the others", async () => {
    const t = await startTestCoordinator();
    await t.coordinator.commitOffsets({
      groupId: "idle",
      generationIdOrMemberEpoch: -1,
      memberId: "",
      groupInstanceId: null,
      retentionTimeMs: -1n,
      apiVersion: 9,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    for (const version of [0, 2]) {
      const r = await exchange(deleteGroupsHandler, groupHandlerContext(t, 42, version), writeDeleteGroupsRequest, readDeleteGroupsResponse, { groupsNames: ["idle", "unknown"] });
      expect(r.results).toEqual([
        { groupId: "idle", errorCode: version === 0 ? 0 : errorCode("GROUP_ID_NOT_FOUND") },
        { groupId: "unknown", errorCode: errorCode("GROUP_ID_NOT_FOUND") },
      ]);
    }
  });
});
