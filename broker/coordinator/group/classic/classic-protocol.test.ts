import { describe, expect, it } from "vitest";
import type { GroupCoordinator } from "../group-coordinator.js";
import { assignment, subscription } from "../testing/consumer-protocol.js";
import { settle, startTestCoordinator, track, type TestCoordinator } from "../testing/test-coordinator.js";
import type { JoinGroupInput } from "./classic-join.js";
import type { JoinGroupResult } from "./classic-results.js";

const GROUP = "orders-app";

function joinInput(memberId: string, overrides: Partial<JoinGroupInput> = {}): JoinGroupInput {
  return {
    groupId: GROUP,
    memberId,
    groupInstanceId: null,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: subscription(["orders"]) }],
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    clientId: "client",
    clientHost: "/127.0.0.1",
    requireKnownMemberId: true,
    supportsSkipAssignment: true,
    reason: null,
    ...overrides,
  };
}

/** KIP-394: the first JoinGroup only hands out a member id. */
async function memberId(c: GroupCoordinator, overrides: Partial<JoinGroupInput> = {}): Promise<string> {
  const first = await c.joinGroup(joinInput("", overrides));
  expect(first.error).toBe("MEMBER_ID_REQUIRED");
  expect(first.memberId).toMatch(/^client-/);
  return first.memberId;
}

async function syncAll(c: GroupCoordinator, joins: JoinGroupResult[]): Promise<Map<string, Buffer>> {
  const leader = joins.find((j) => j.memberId === j.leader)!;
  const assignments = new Map(leader.members.map((m, i) => [m.memberId, assignment({ orders: [i] })]));
  const followers = joins
    .filter((j) => j !== leader)
    .map((j) => c.syncGroup({ groupId: GROUP, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: "consumer", protocolName: "range", assignments: [] }));
  const fromLeader = c.syncGroup({
    groupId: GROUP,
    generationId: leader.generationId,
    memberId: leader.memberId,
    groupInstanceId: null,
    protocolType: "consumer",
    protocolName: "range",
    assignments: [...assignments].map(([memberId, a]) => ({ memberId, assignment: a })),
  });
  const results = await Promise.all([fromLeader, ...followers]);
  for (const r of results) expect(r.error).toBe("NONE");
  return assignments;
}

/** Three members through MEMBER_ID_REQUIRED, the initial delay, JoinGroup and SyncGroup. */
async function stableGroupOfThree(t: TestCoordinator): Promise<JoinGroupResult[]> {
  const c = t.coordinator;
  const ids = [await memberId(c), await memberId(c), await memberId(c)];
  const joins = ids.map((id) => track(c.joinGroup(joinInput(id))));
  await settle();
  expect(joins.every((j) => !j.done)).toBe(true);
  // Members kept arriving during the initial delay, so it is extended once before the group forms.
  t.timer.advance(t.config.classicInitialRebalanceDelayMs);
  await settle();
  expect(joins.every((j) => !j.done)).toBe(t.config.classicInitialRebalanceDelayMs > 0);
  t.timer.advance(t.config.classicInitialRebalanceDelayMs);
  const results = await Promise.all(joins.map((j) => j.promise));
  await syncAll(c, results);
  return results;
}

describe("classic group protocol", () => {
  it("runs join, sync and heartbeat for three members", async () => {
    const t = await startTestCoordinator({ config: { classicInitialRebalanceDelayMs: 3000 } });
    const c = t.coordinator;
    const joins = await stableGroupOfThree(t);

    expect(new Set(joins.map((j) => j.generationId))).toEqual(new Set([1]));
    expect(new Set(joins.map((j) => j.leader)).size).toBe(1);
    const leader = joins.find((j) => j.memberId === j.leader)!;
    expect(leader.members.map((m) => m.memberId).sort()).toEqual(joins.map((j) => j.memberId).sort());
    expect(joins.filter((j) => j !== leader).every((j) => j.members.length === 0)).toBe(true);
    expect(joins.every((j) => j.protocolName === "range" && j.protocolType === "consumer")).toBe(true);

    for (const j of joins) {
      expect(c.heartbeat({ groupId: GROUP, generationId: 1, memberId: j.memberId, groupInstanceId: null })).toBe("NONE");
    }
    expect(c.heartbeat({ groupId: GROUP, generationId: 0, memberId: leader.memberId, groupInstanceId: null })).toBe("ILLEGAL_GENERATION");
    expect(c.heartbeat({ groupId: GROUP, generationId: 1, memberId: "nobody", groupInstanceId: null })).toBe("UNKNOWN_MEMBER_ID");

    const described = c.describeGroups([GROUP])[0]!;
    expect(described.groupState).toBe("Stable");
    expect(described.protocolData).toBe("range");
    expect(described.members).toHaveLength(3);
    expect(c.listGroups([], []).groups).toEqual([{ groupId: GROUP, protocolType: "consumer", groupState: "Stable", groupType: "classic" }]);
  });

  it("rebalances the two remaining members after one leaves", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const [a, b, gone] = await stableGroupOfThree(t);

    const left = c.leaveGroup(GROUP, [{ memberId: gone!.memberId, groupInstanceId: null, reason: "closing" }]);
    expect(left).toEqual({ error: "NONE", members: [{ memberId: gone!.memberId, groupInstanceId: null, error: "NONE" }] });
    expect(c.heartbeat({ groupId: GROUP, generationId: 1, memberId: a!.memberId, groupInstanceId: null })).toBe("REBALANCE_IN_PROGRESS");

    const rejoinA = track(c.joinGroup(joinInput(a!.memberId)));
    await settle();
    expect(rejoinA.done).toBe(false);
    const rejoinB = await c.joinGroup(joinInput(b!.memberId));
    const results = [await rejoinA.promise, rejoinB];
    expect(results.map((r) => r.generationId)).toEqual([2, 2]);
    const leader = results.find((r) => r.memberId === r.leader)!;
    expect(leader.members.map((m) => m.memberId).sort()).toEqual([a!.memberId, b!.memberId].sort());
    await syncAll(c, results);
    expect(c.describeGroups([GROUP])[0]!.members).toHaveLength(2);
  });

  it("removes a member whose session times out and rebalances", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const [a, b, silent] = await stableGroupOfThree(t);
    for (let elapsed = 0; elapsed <= 12_000; elapsed += 3000) {
      t.timer.advance(3000);
      for (const m of [a!, b!]) c.heartbeat({ groupId: GROUP, generationId: 1, memberId: m.memberId, groupInstanceId: null });
    }
    expect(c.heartbeat({ groupId: GROUP, generationId: 1, memberId: silent!.memberId, groupInstanceId: null })).toBe("UNKNOWN_MEMBER_ID");
    expect(c.heartbeat({ groupId: GROUP, generationId: 1, memberId: a!.memberId, groupInstanceId: null })).toBe("REBALANCE_IN_PROGRESS");
    const rejoined = await Promise.all([c.joinGroup(joinInput(a!.memberId)), c.joinGroup(joinInput(b!.memberId))]);
    expect(rejoined.map((r) => r.generationId)).toEqual([2, 2]);
  });

  it("drops members that do not rejoin within the rebalance timeout", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const [a, , late] = await stableGroupOfThree(t);
    c.leaveGroup(GROUP, [{ memberId: late!.memberId, groupInstanceId: null, reason: null }]);
    const rejoin = track(c.joinGroup(joinInput(a!.memberId)));
    await settle();
    expect(rejoin.done).toBe(false);
    t.timer.advance(30_000);
    const result = await rejoin.promise;
    expect(result.generationId).toBe(2);
    expect(result.members.map((m) => m.memberId)).toEqual([a!.memberId]);
  });

  it("lets a static member rejoin under a new member id without a rebalance", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const pending = ["instance-1", "instance-2"].map((instance) => track(c.joinGroup(joinInput("", { groupInstanceId: instance }))));
    t.timer.advance(0);
    const joins = await Promise.all(pending.map((j) => j.promise));
    expect(joins.map((j) => j.error)).toEqual(["NONE", "NONE"]);
    await syncAll(c, joins);
    const [first, second] = joins;

    const restarted = await c.joinGroup(joinInput("", { groupInstanceId: "instance-1" }));
    expect(restarted.error).toBe("NONE");
    expect(restarted.memberId).not.toBe(first!.memberId);
    expect(restarted.generationId).toBe(1);
    expect(c.describeGroups([GROUP])[0]!.groupState).toBe("Stable");
    expect(c.heartbeat({ groupId: GROUP, generationId: 1, memberId: second!.memberId, groupInstanceId: "instance-2" })).toBe("NONE");
    expect(c.heartbeat({ groupId: GROUP, generationId: 1, memberId: first!.memberId, groupInstanceId: "instance-1" })).toBe("FENCED_INSTANCE_ID");
    const sync = await c.syncGroup({ groupId: GROUP, generationId: 1, memberId: restarted.memberId, groupInstanceId: "instance-1", protocolType: null, protocolName: null, assignments: [] });
    expect(sync.error).toBe("NONE");
    expect(sync.assignment.length).toBeGreaterThan(0);
  });

  it("rebalances a stable group when a follower rejoins with new metadata (cooperative), not when unchanged", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const joins = await stableGroupOfThree(t);
    const follower = joins.find((j) => j.memberId !== j.leader)!;
    const same = await c.joinGroup(joinInput(follower.memberId));
    expect(same).toMatchObject({ error: "NONE", generationId: 1, members: [] });
    expect(c.describeGroups([GROUP])[0]!.groupState).toBe("Stable");

    // A cooperative consumer rejoins with its owned partitions in the subscription: new metadata.
    const changed = track(c.joinGroup(joinInput(follower.memberId, { protocols: [{ name: "range", metadata: subscription(["orders", "payments"]) }] })));
    await settle();
    expect(changed.done).toBe(false);
    expect(c.describeGroups([GROUP])[0]!.groupState).toBe("PreparingRebalance");
    const others = joins.filter((j) => j !== follower).map((j) => c.joinGroup(joinInput(j.memberId)));
    const results = [await changed.promise, ...(await Promise.all(others))];
    expect(results.map((r) => r.generationId)).toEqual([2, 2, 2]);
  });

  it("removes members that never send SyncGroup, then rebalances", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const ids = [await memberId(c), await memberId(c)];
    const joins = ids.map((id) => track(c.joinGroup(joinInput(id))));
    t.timer.advance(0);
    const [first, second] = await Promise.all(joins.map((j) => j.promise));
    const leader = first!.memberId === first!.leader ? first! : second!;
    const silent = leader === first ? second! : first!;
    const sync = await c.syncGroup({ groupId: GROUP, generationId: 1, memberId: leader.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(sync.error).toBe("NONE");
    // Both keep their sessions alive; only the leader ever syncs.
    for (let elapsed = 0; elapsed < 30_000; elapsed += 5000) {
      t.timer.advance(5000);
      for (const m of [leader, silent]) c.heartbeat({ groupId: GROUP, generationId: 1, memberId: m.memberId, groupInstanceId: null });
    }
    expect(c.heartbeat({ groupId: GROUP, generationId: 1, memberId: silent.memberId, groupInstanceId: null })).toBe("UNKNOWN_MEMBER_ID");
    expect(c.heartbeat({ groupId: GROUP, generationId: 1, memberId: leader.memberId, groupInstanceId: null })).toBe("REBALANCE_IN_PROGRESS");
  });

  it("joins without MEMBER_ID_REQUIRED for JoinGroup v3 and older", async () => {
    const t = await startTestCoordinator();
    const join = track(t.coordinator.joinGroup(joinInput("", { requireKnownMemberId: false })));
    t.timer.advance(0);
    const result = await join.promise;
    expect(result.error).toBe("NONE");
    expect(result.leader).toBe(result.memberId);
  });

  it("checks session timeout, protocols, member ids and group size", async () => {
    const t = await startTestCoordinator({ config: { classicMaxSize: 2 } });
    const c = t.coordinator;
    expect((await c.joinGroup(joinInput("", { sessionTimeoutMs: 1000 }))).error).toBe("INVALID_SESSION_TIMEOUT");
    expect((await c.joinGroup(joinInput("", { groupId: "" }))).error).toBe("INVALID_GROUP_ID");
    expect((await c.joinGroup(joinInput("unknown-member"))).error).toBe("UNKNOWN_MEMBER_ID");
    const id = await memberId(c);
    const join = track(c.joinGroup(joinInput(id)));
    t.timer.advance(0);
    expect((await join.promise).error).toBe("NONE");
    const other = await c.joinGroup(joinInput("", { protocolType: "connect" }));
    expect(other.error).toBe("INCONSISTENT_GROUP_PROTOCOL");
    const second = await memberId(c);
    const joinSecond = track(c.joinGroup(joinInput(second)));
    const rejoin = track(c.joinGroup(joinInput(id)));
    await settle();
    expect([(await rejoin.promise).error, (await joinSecond.promise).error]).toEqual(["NONE", "NONE"]);
    expect((await c.joinGroup(joinInput(""))).error).toBe("GROUP_MAX_SIZE_REACHED");
  });

  it("answers a parked JoinGroup when the coordinator closes", async () => {
    const t = await startTestCoordinator();
    const id = await memberId(t.coordinator);
    const join = track(t.coordinator.joinGroup(joinInput(id)));
    await settle();
    expect(join.done).toBe(false);
    await t.coordinator.close();
    expect((await join.promise).error).toBe("NOT_COORDINATOR");
  });
});
