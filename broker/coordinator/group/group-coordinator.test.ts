import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { groupCoordinatorConfig } from "./group-config.js";
import { GroupCoordinator } from "./group-coordinator.js";
import { MemoryCoordinatorLog } from "./memory-coordinator-log.js";
import { StaticTopics } from "./testing/static-topics.js";
import { startTestCoordinator, track, type TestCoordinator } from "./testing/test-coordinator.js";
import { classicJoin, joiningConsumer } from "./testing/requests.js";

async function stableClassicMember(t: TestCoordinator, groupId: string) {
  const join = track(
    t.coordinator.joinGroup(classicJoin(groupId)),
  );
  t.timer.advance(0);
  const joined = await join.promise;
  await t.coordinator.syncGroup({
    groupId,
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: "consumer",
    protocolName: "range",
    assignments: [{ memberId: joined.memberId, assignment: Buffer.from("assigned") }],
  });
  return joined;
}

async function consumerMember(t: TestCoordinator, groupId: string, memberId: string) {
  return t.coordinator.consumerGroupHeartbeat(joiningConsumer(groupId, memberId));
}

describe("group coordinator", () => {
  it("reloads groups and offsets from the log after a restart", async () => {
    const t = await startTestCoordinator();
    const classic = await stableClassicMember(t, "classic");
    const modern = await consumerMember(t, "modern", "m1");
    await t.coordinator.commitOffsets({
      groupId: "classic",
      generationIdOrMemberEpoch: classic.generationId,
      memberId: classic.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      apiVersion: 9,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 99n, committedLeaderEpoch: 1, committedMetadata: null }] }],
    });
    await t.coordinator.deleteGroups(["nothing"]);
    const byId = (a: { groupId: string }, b: { groupId: string }) => a.groupId.localeCompare(b.groupId);
    const groupsBefore = t.coordinator.listGroups([], []).groups.sort(byId);
    const consumerBefore = t.coordinator.consumerGroupDescribe(["modern"]);

    const r = await t.restart();
    const c = r.coordinator;
    expect(c.listGroups([], []).groups.sort(byId)).toEqual(groupsBefore);
    expect(c.consumerGroupDescribe(["modern"])).toEqual(consumerBefore);
    const described = c.describeGroups(["classic"])[0]!;
    expect(described).toMatchObject({ groupState: "Stable", protocolType: "consumer", protocolData: "range" });
    expect(described.members[0]!.memberAssignment.toString()).toBe("assigned");
    expect(c.heartbeat({ groupId: "classic", generationId: classic.generationId, memberId: classic.memberId, groupInstanceId: null })).toBe("NONE");
    const fetched = c.fetchOffsets({ groupId: "classic", memberId: null, memberEpoch: -1, topics: null, requireStable: false });
    expect(fetched.topics[0]!.partitions[0]).toMatchObject({ committedOffset: 99n, committedLeaderEpoch: 1, metadata: "" });
    const again = await c.consumerGroupHeartbeat({
      groupId: "modern",
      memberId: "m1",
      memberEpoch: modern.memberEpoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: -1,
      subscribedTopicNames: null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: modern.assignment,
      clientId: "c",
      clientHost: "/127.0.0.1",
    });
    expect(again).toMatchObject({ error: "NONE", memberEpoch: modern.memberEpoch });

    // Loaded members must keep heartbeating: the classic one that stops is removed.
    r.timer.advance(10_000);
    expect(c.describeGroups(["classic"])[0]!.groupState).not.toBe("Stable");
    await r.coordinator.close();
  });

  it("does not bring deleted groups and offsets back", async () => {
    const t = await startTestCoordinator();
    await t.coordinator.commitOffsets({
      groupId: "gone",
      generationIdOrMemberEpoch: -1,
      memberId: "",
      groupInstanceId: null,
      retentionTimeMs: -1n,
      apiVersion: 9,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 1, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(await t.coordinator.deleteGroups(["gone"])).toEqual([{ groupId: "gone", error: "NONE" }]);
    const r = await t.restart();
    expect(r.coordinator.listGroups([], []).groups).toEqual([]);
    expect(r.coordinator.fetchOffsets({ groupId: "gone", memberId: null, memberEpoch: -1, topics: null, requireStable: false }).topics).toEqual([]);
  });

  it("answers COORDINATOR_LOAD_IN_PROGRESS until loaded and NOT_COORDINATOR once closed", async () => {
    const coordinator = new GroupCoordinator({
      config: groupCoordinatorConfig({ offsetsTopicNumPartitions: 3 }),
      log: new MemoryCoordinatorLog(),
      topics: new StaticTopics({ orders: 1 }),
      logger: pino({ level: "silent" }),
    });
    expect(coordinator.listGroups([], []).error).toBe("COORDINATOR_LOAD_IN_PROGRESS");
    expect(coordinator.heartbeat({ groupId: "g", generationId: 1, memberId: "m", groupInstanceId: null })).toBe("COORDINATOR_LOAD_IN_PROGRESS");
    await coordinator.start();
    expect(coordinator.listGroups([], []).error).toBe("NONE");
    expect(coordinator.isActive).toBe(true);
    await coordinator.close();
    expect(coordinator.isActive).toBe(false);
    expect(coordinator.fetchOffsets({ groupId: "g", memberId: null, memberEpoch: -1, topics: null, requireStable: false }).error).toBe("NOT_COORDINATOR");
  });

  it("keeps each group's records in the partition Kafka would use", async () => {
    const t = await startTestCoordinator({ config: { offsetsTopicNumPartitions: 50 } });
    await consumerMember(t, "hello", "m1");
    const partition = t.coordinator.partitionFor("hello");
    expect(partition).toBe(99162322 % 50);
    expect(t.log.records(partition).length).toBeGreaterThan(0);
    expect(t.log.size).toBe(t.log.records(partition).length);
  });

  it("filters listed groups by state and type", async () => {
    const t = await startTestCoordinator();
    await stableClassicMember(t, "classic");
    await consumerMember(t, "modern", "m1");
    const c = t.coordinator;
    expect(c.listGroups(["stable"], []).groups.map((g) => g.groupId).sort()).toEqual(["classic", "modern"]);
    expect(c.listGroups([], ["classic"]).groups.map((g) => g.groupId)).toEqual(["classic"]);
    expect(c.listGroups(["Empty"], []).groups).toEqual([]);
  });
});
