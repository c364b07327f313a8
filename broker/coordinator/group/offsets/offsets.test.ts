import { describe, expect, it } from "vitest";
import type { GroupCoordinator } from "../group-coordinator.js";
import { subscription } from "../testing/consumer-protocol.js";
import { settle, startTestCoordinator, track } from "../testing/test-coordinator.js";
import type { OffsetCommitInput } from "./offset-types.js";

function commit(groupId: string, offsets: Record<string, Record<number, bigint>>, overrides: Partial<OffsetCommitInput> = {}): OffsetCommitInput {
  return {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: "",
    groupInstanceId: null,
    retentionTimeMs: -1n,
    apiVersion: 9,
    topics: Object.entries(offsets).map(([name, ps]) => ({
      name,
      partitions: Object.entries(ps).map(([p, offset]) => ({
        partitionIndex: Number(p),
        committedOffset: offset,
        committedLeaderEpoch: 3,
        committedMetadata: "meta",
      })),
    })),
    ...overrides,
  };
}

function fetchAll(c: GroupCoordinator, groupId: string) {
  return c.fetchOffsets({ groupId, memberId: null, memberEpoch: -1, topics: null, requireStable: false });
}

/** A classic group with one stable member subscribed to `orders`. */
async function classicMember(t: Awaited<ReturnType<typeof startTestCoordinator>>, groupId: string) {
  const c = t.coordinator;
  const join = track(
    c.joinGroup({
      groupId,
      memberId: "",
      groupInstanceId: null,
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: subscription(["orders"]) }],
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 30_000,
      clientId: "c",
      clientHost: "/127.0.0.1",
      requireKnownMemberId: false,
      supportsSkipAssignment: true,
      reason: null,
    }),
  );
  t.timer.advance(0);
  const joined = await join.promise;
  const synced = await c.syncGroup({ groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  expect(synced.error).toBe("NONE");
  return joined;
}

describe("offsets", () => {
  it("commits and fetches offsets of a simple (generation -1) group", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const result = await c.commitOffsets(commit("simple", { orders: { 0: 10n, 1: 20n }, payments: { 2: 5n } }));
    expect(result.flatMap((r) => r.partitions.map((p) => p.error))).toEqual(["NONE", "NONE", "NONE"]);

    const some = c.fetchOffsets({ groupId: "simple", memberId: null, memberEpoch: -1, topics: [{ name: "orders", partitionIndexes: [1, 3] }], requireStable: true });
    expect(some).toEqual({
      error: "NONE",
      topics: [
        {
          name: "orders",
          partitions: [
            { partitionIndex: 1, committedOffset: 20n, committedLeaderEpoch: 3, metadata: "meta", error: "NONE" },
            { partitionIndex: 3, committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", error: "NONE" },
          ],
        },
      ],
    });
    const all = fetchAll(c, "simple");
    expect(all.topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)])).toEqual([
      ["orders", [10n, 20n]],
      ["payments", [5n]],
    ]);
    expect(fetchAll(c, "nobody").topics).toEqual([]);
    expect(c.listGroups([], []).groups).toEqual([{ groupId: "simple", protocolType: "", groupState: "Empty", groupType: "classic" }]);
  });

  it("refuses partitions that do not exist and metadata that is too large", async () => {
    const t = await startTestCoordinator({ config: { offsetMetadataMaxBytes: 4 } });
    const input = commit("g", { orders: { 0: 1n, 99: 1n }, nope: { 0: 1n } });
    const result = await t.coordinator.commitOffsets(input);
    expect(result).toEqual([
      { name: "orders", partitions: [{ partitionIndex: 0, error: "NONE" }, { partitionIndex: 99, error: "UNKNOWN_TOPIC_OR_PARTITION" }] },
      { name: "nope", partitions: [{ partitionIndex: 0, error: "UNKNOWN_TOPIC_OR_PARTITION" }] },
    ]);
    const big = await t.coordinator.commitOffsets({ ...commit("g", {}), topics: [{ name: "orders", partitions: [{ partitionIndex: 1, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: "too long" }] }] });
    expect(big[0]!.partitions[0]!.error).toBe("OFFSET_METADATA_TOO_LARGE");
  });

  it("checks generation and member of classic groups", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const member = await classicMember(t, "classic");
    const ok = await c.commitOffsets(commit("classic", { orders: { 0: 1n } }, { generationIdOrMemberEpoch: member.generationId, memberId: member.memberId }));
    expect(ok[0]!.partitions[0]!.error).toBe("NONE");
    const stale = await c.commitOffsets(commit("classic", { orders: { 0: 1n } }, { generationIdOrMemberEpoch: 0, memberId: member.memberId }));
    expect(stale[0]!.partitions[0]!.error).toBe("ILLEGAL_GENERATION");
    const stranger = await c.commitOffsets(commit("classic", { orders: { 0: 1n } }, { generationIdOrMemberEpoch: 1, memberId: "stranger" }));
    expect(stranger[0]!.partitions[0]!.error).toBe("UNKNOWN_MEMBER_ID");
    const outsider = await c.commitOffsets(commit("classic", { orders: { 0: 1n } }));
    expect(outsider[0]!.partitions[0]!.error).toBe("UNKNOWN_MEMBER_ID");
    const v9 = await c.commitOffsets(commit("missing", { orders: { 0: 1n } }, { generationIdOrMemberEpoch: 1, memberId: "m" }));
    expect(v9[0]!.partitions[0]!.error).toBe("GROUP_ID_NOT_FOUND");
    const v8 = await c.commitOffsets(commit("missing", { orders: { 0: 1n } }, { generationIdOrMemberEpoch: 1, memberId: "m", apiVersion: 8 }));
    expect(v8[0]!.partitions[0]!.error).toBe("ILLEGAL_GENERATION");
  });

  it("checks member epochs of consumer groups", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const hb = await c.consumerGroupHeartbeat({
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
    const epoch = hb.memberEpoch;
    const ok = await c.commitOffsets(commit("modern", { orders: { 0: 7n } }, { generationIdOrMemberEpoch: epoch, memberId: "m" }));
    expect(ok[0]!.partitions[0]!.error).toBe("NONE");
    const stale = await c.commitOffsets(commit("modern", { orders: { 0: 7n } }, { generationIdOrMemberEpoch: epoch + 1, memberId: "m" }));
    expect(stale[0]!.partitions[0]!.error).toBe("STALE_MEMBER_EPOCH");
    const old = await c.commitOffsets(commit("modern", { orders: { 0: 7n } }, { generationIdOrMemberEpoch: epoch, memberId: "m", apiVersion: 8 }));
    expect(old[0]!.partitions[0]!.error).toBe("UNSUPPORTED_VERSION");
    expect(c.fetchOffsets({ groupId: "modern", memberId: "m", memberEpoch: epoch + 3, topics: null, requireStable: false }).error).toBe("STALE_MEMBER_EPOCH");
    expect(c.fetchOffsets({ groupId: "modern", memberId: "m", memberEpoch: epoch, topics: null, requireStable: false }).topics[0]!.partitions[0]!.committedOffset).toBe(7n);
  });

  it("deletes offsets of topics the group does not subscribe to", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const member = await classicMember(t, "classic");
    await c.commitOffsets(commit("classic", { orders: { 0: 1n }, payments: { 0: 2n } }, { generationIdOrMemberEpoch: member.generationId, memberId: member.memberId }));
    const result = await c.deleteOffsets({ groupId: "classic", topics: [{ name: "orders", partitions: [0] }, { name: "payments", partitions: [0, 1] }] });
    expect(result).toEqual({
      error: "NONE",
      topics: [
        { name: "orders", partitions: [{ partitionIndex: 0, error: "GROUP_SUBSCRIBED_TO_TOPIC" }] },
        { name: "payments", partitions: [{ partitionIndex: 0, error: "NONE" }, { partitionIndex: 1, error: "NONE" }] },
      ],
    });
    expect(fetchAll(c, "classic").topics.map((t) => t.name)).toEqual(["orders"]);
    expect((await c.deleteOffsets({ groupId: "missing", topics: [] })).error).toBe("GROUP_ID_NOT_FOUND");
  });

  it("deletes empty groups with their offsets, and refuses non-empty ones", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    await classicMember(t, "busy");
    await c.commitOffsets(commit("idle", { orders: { 0: 1n } }));
    const result = await c.deleteGroups(["busy", "idle", "missing"]);
    expect(result).toEqual([
      { groupId: "busy", error: "NON_EMPTY_GROUP" },
      { groupId: "idle", error: "NONE" },
      { groupId: "missing", error: "GROUP_ID_NOT_FOUND" },
    ]);
    expect(fetchAll(c, "idle").topics).toEqual([]);
    expect(c.listGroups([], []).groups.map((g) => g.groupId)).toEqual(["busy"]);
  });

  it("acknowledges a commit only once it is durable", async () => {
    const t = await startTestCoordinator();
    t.log.failAppends = new Error("disk full");
    const result = await t.coordinator.commitOffsets(commit("g", { orders: { 0: 1n } }));
    expect(result[0]!.partitions[0]!.error).toBe("COORDINATOR_NOT_AVAILABLE");
    expect(fetchAll(t.coordinator, "g").topics).toEqual([]);
  });

  it("expires offsets of an empty group after the retention, then the group", async () => {
    const retention = 60_000;
    const t = await startTestCoordinator({ config: { offsetsRetentionMs: retention, offsetsRetentionCheckIntervalMs: 10_000 } });
    const c = t.coordinator;
    const tick = async (ms: number) => {
      for (let elapsed = 0; elapsed < ms; elapsed += 10_000) {
        t.timer.advance(10_000);
        await settle();
      }
    };
    await c.commitOffsets(commit("simple", { orders: { 0: 1n } }));
    await tick(30_000);
    await c.commitOffsets(commit("simple", { payments: { 0: 1n } }));
    await tick(30_000);
    expect(fetchAll(c, "simple").topics.map((x) => x.name)).toEqual(["payments"]);
    await tick(30_000);
    expect(fetchAll(c, "simple").topics).toEqual([]);
    expect(c.listGroups([], []).groups).toEqual([]);
    const records = [0, 1, 2, 3, 4].flatMap((p) => t.log.records(p));
    expect(records.filter((r) => r.value === null)).toHaveLength(3);
  });

  it("counts an empty classic group's retention from when it became empty", async () => {
    const t = await startTestCoordinator({ config: { offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 600_000 } });
    const c = t.coordinator;
    const member = await classicMember(t, "emptied");
    await c.commitOffsets(commit("emptied", { orders: { 0: 1n } }, { generationIdOrMemberEpoch: member.generationId, memberId: member.memberId }));
    for (let i = 0; i < 2; i++) {
      t.timer.advance(20_000);
      c.heartbeat({ groupId: "emptied", generationId: member.generationId, memberId: member.memberId, groupInstanceId: null });
    }
    expect(c.leaveGroup("emptied", [{ memberId: member.memberId, groupInstanceId: null, reason: null }]).members[0]!.error).toBe("NONE");
    expect(c.describeGroups(["emptied"])[0]!.groupState).toBe("Empty");
    // 90 s after the commit, 50 s after the group emptied: still kept.
    t.timer.advance(50_000);
    await c.cleanupExpiredOffsets();
    expect(fetchAll(c, "emptied").topics).toHaveLength(1);
    t.timer.advance(10_000);
    await c.cleanupExpiredOffsets();
    expect(fetchAll(c, "emptied").topics).toEqual([]);
    expect(c.listGroups([], []).groups).toEqual([]);
  });

  it("keeps offsets of subscribed topics of a live group, expires the others", async () => {
    const t = await startTestCoordinator({ config: { offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 600_000 } });
    const c = t.coordinator;
    const member = await classicMember(t, "live");
    await c.commitOffsets(commit("live", { orders: { 0: 1n }, payments: { 0: 1n } }, { generationIdOrMemberEpoch: member.generationId, memberId: member.memberId }));
    t.timer.advance(20_000);
    c.heartbeat({ groupId: "live", generationId: member.generationId, memberId: member.memberId, groupInstanceId: null });
    t.timer.advance(20_000);
    c.heartbeat({ groupId: "live", generationId: member.generationId, memberId: member.memberId, groupInstanceId: null });
    t.timer.advance(20_000);
    c.heartbeat({ groupId: "live", generationId: member.generationId, memberId: member.memberId, groupInstanceId: null });
    await c.cleanupExpiredOffsets();
    expect(fetchAll(c, "live").topics.map((x) => x.name)).toEqual(["orders"]);
  });
});
