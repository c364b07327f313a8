import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import { writeListGroupsRequest } from "../protocol/generated/list-groups-request.gen.js";
import { readListGroupsResponse } from "../protocol/generated/list-groups-response.gen.js";
import { listGroupsHandler } from "./16-list-groups.js";

describe("ListGroups handler", () => {
  it("serves v0 to v5", () => {
    expect([listGroupsHandler.minVersion, listGroupsHandler.maxVersion]).toEqual([0, 5]);
  });

  it("lists groups with their state and type, filtered", async () => {
    const t = await startTestCoordinator();
    await t.coordinator.commitOffsets({
      groupId: "simple",
      generationIdOrMemberEpoch: -1,
      memberId: "",
      groupInstanceId: null,
      retentionTimeMs: -1n,
      apiVersion: 9,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    await t.coordinator.consumerGroupHeartbeat({
      groupId: "modern",
      memberId: "m",
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 1000,
      subscribedTopicNames: ["orders"],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [],
      clientId: "c",
      clientHost: "/h",
    });
    const v5 = await exchange(listGroupsHandler, groupHandlerContext(t, 16, 5), writeListGroupsRequest, readListGroupsResponse, { statesFilter: [], typesFilter: [] });
    expect(v5.groups.sort((a, b) => a.groupId.localeCompare(b.groupId))).toEqual([
      { groupId: "modern", protocolType: "consumer", groupState: "Stable", groupType: "consumer" },
      { groupId: "simple", protocolType: "", groupState: "Empty", groupType: "classic" },
    ]);
    const empty = await exchange(listGroupsHandler, groupHandlerContext(t, 16, 4), writeListGroupsRequest, readListGroupsResponse, { statesFilter: ["empty"], typesFilter: [] });
    expect(empty.groups.map((g) => g.groupId)).toEqual(["simple"]);
    const v0 = await exchange(listGroupsHandler, groupHandlerContext(t, 16, 0), writeListGroupsRequest, readListGroupsResponse, { statesFilter: [], typesFilter: [] });
    expect(v0.groups).toHaveLength(2);
    expect(v0.errorCode).toBe(0);
  });
});
