// Coordination on a cluster: which node coordinates a group, NOT_COORDINATOR and
// COORDINATOR_LOAD_IN_PROGRESS for groups of partitions not (yet) held here, and loading and
// unloading as leadership of __consumer_offsets partitions comes and goes.
import { describe, expect, it } from "vitest";
import { CoordinatorLogError } from "./coordinator-log.js";
import { groupCoordinatorConfig } from "./group-config.js";
import { GroupCoordinator } from "./group-coordinator.js";
import type { OffsetsTopicLeadership } from "./offsets-leadership.js";
import { partitionFor } from "./partition-for.js";
import { GatedCoordinatorLog } from "./testing/gated-coordinator-log.js";
import { StaticTopics } from "./testing/static-topics.js";
import { settle, silentLogger, track } from "./testing/test-coordinator.js";
import { ManualTimer } from "./timer.js";
import { classicJoin, joiningConsumer, standaloneCommit } from "./testing/requests.js";

const PARTITIONS = 5;
const LOCAL = 1;

/** A group id that lands on partition p. */
function groupIn(p: number, tag = "g"): string {
  for (let i = 0; ; i++) if (partitionFor(`${tag}-${i}`, PARTITIONS) === p) return `${tag}-${i}`;
}

/** Leadership as a metadata image would tell it: leaders by partition, and a topic that may not exist yet. */
class FakeLeadership implements OffsetsTopicLeadership {
  readonly localNodeId = LOCAL;
  topicExists = false;
  creations = 0;
  createError: Error | null = null;
  readonly leaders = new Map<number, number | null>();

  exists(): boolean {
    return this.topicExists;
  }

  leaderOf(partition: number): number | null {
    return this.topicExists ? (this.leaders.get(partition) ?? null) : null;
  }

  async create(): Promise<void> {
    this.creations++;
    if (this.createError) throw this.createError;
    this.topicExists = true;
  }
}

function clusterCoordinator(options: { log?: GatedCoordinatorLog; leadership?: FakeLeadership; timer?: ManualTimer } = {}) {
  const log = options.log ?? new GatedCoordinatorLog();
  const leadership = options.leadership ?? new FakeLeadership();
  const timer = options.timer ?? new ManualTimer();
  const config = groupCoordinatorConfig({ offsetsTopicNumPartitions: PARTITIONS, classicInitialRebalanceDelayMs: 0 });
  const coordinator = new GroupCoordinator({ config, log, topics: new StaticTopics({ orders: 6 }), logger: silentLogger, timer, leadership });
  coordinator.startup();
  return { coordinator, log, leadership, timer };
}

function join(c: GroupCoordinator, groupId: string, memberId = "") {
  return c.joinGroup(classicJoin(groupId, memberId));
}

async function stableMember(c: GroupCoordinator, timer: ManualTimer, groupId: string) {
  const joining = track(join(c, groupId));
  timer.advance(0);
  const joined = await joining.promise;
  const synced = await c.syncGroup({
    groupId,
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: "consumer",
    protocolName: "range",
    assignments: [{ memberId: joined.memberId, assignment: Buffer.from("assigned") }],
  });
  expect(synced.error).toBe("NONE");
  return joined;
}

function commit(c: GroupCoordinator, groupId: string, offset: bigint) {
  return c.commitOffsets(standaloneCommit(groupId, "orders", 0, offset));
}

function committed(c: GroupCoordinator, groupId: string) {
  const r = c.fetchOffsets({ groupId, memberId: null, memberEpoch: -1, topics: [{ name: "orders", partitionIndexes: [0] }], requireStable: false });
  return r.error === "NONE" ? r.topics[0]!.partitions[0]!.committedOffset : r.error;
}

function consumerHeartbeat(c: GroupCoordinator, groupId: string, memberId: string) {
  return c.consumerGroupHeartbeat(joiningConsumer(groupId, memberId));
}

describe("group coordination on a cluster", () => {
  it("names the leader of the group's partition, creating __consumer_offsets on the first lookup", async () => {
    const { coordinator, leadership } = clusterCoordinator();
    leadership.leaders.set(0, LOCAL).set(1, 2).set(2, null);
    expect(await coordinator.coordinatorOf(groupIn(0))).toEqual({ kind: "local" });
    expect(leadership.creations).toBe(1);
    expect(await coordinator.coordinatorOf(groupIn(1))).toEqual({ kind: "remote", nodeId: 2 });
    expect(await coordinator.coordinatorOf(groupIn(2))).toMatchObject({ kind: "unavailable" });
    // Every node maps a group to the same partition, so every node names the same leader.
    expect(leadership.creations).toBe(1);
  });

  it("is not available while __consumer_offsets cannot be created (too few brokers), nor once closed", async () => {
    const { coordinator, leadership } = clusterCoordinator();
    leadership.leaders.set(0, LOCAL);
    leadership.createError = new Error("INVALID_REPLICATION_FACTOR: only 1 broker(s) are registered");
    expect(await coordinator.coordinatorOf(groupIn(0))).toMatchObject({ kind: "unavailable", reason: expect.stringContaining("INVALID_REPLICATION_FACTOR") });
    leadership.createError = null;
    expect(await coordinator.coordinatorOf(groupIn(0))).toEqual({ kind: "local" });
    await coordinator.close();
    expect(await coordinator.coordinatorOf(groupIn(0))).toMatchObject({ kind: "unavailable" });
  });

  it("answers NOT_COORDINATOR for every API on a group whose partition it does not lead", async () => {
    const { coordinator: c, timer } = clusterCoordinator();
    await c.onElection(0, 0);
    const mine = groupIn(0);
    const other = groupIn(1);
    expect(await commit(c, mine, 5n)).toEqual([{ name: "orders", partitions: [{ partitionIndex: 0, error: "NONE" }] }]);
    await stableMember(c, timer, groupIn(0, "classic"));

    expect((await join(c, other)).error).toBe("NOT_COORDINATOR");
    expect((await c.syncGroup({ groupId: other, generationId: 1, memberId: "m", groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })).error).toBe("NOT_COORDINATOR");
    expect(c.heartbeat({ groupId: other, generationId: 1, memberId: "m", groupInstanceId: null })).toBe("NOT_COORDINATOR");
    expect(c.leaveGroup(other, [{ memberId: "m", groupInstanceId: null, reason: null }]).error).toBe("NOT_COORDINATOR");
    expect((await commit(c, other, 1n))[0]!.partitions[0]!.error).toBe("NOT_COORDINATOR");
    expect(committed(c, other)).toBe("NOT_COORDINATOR");
    expect((await c.deleteOffsets({ groupId: other, topics: [{ name: "orders", partitions: [0] }] })).error).toBe("NOT_COORDINATOR");
    expect(await c.deleteGroups([other, mine])).toEqual([
      { groupId: other, error: "NOT_COORDINATOR" },
      { groupId: mine, error: "NONE" },
    ]);
    expect(c.describeGroups([other, groupIn(0, "classic")]).map((g) => [g.groupId, g.error, g.groupState])).toEqual([
      [other, "NOT_COORDINATOR", ""],
      [groupIn(0, "classic"), "NONE", "Stable"],
    ]);
    expect((await consumerHeartbeat(c, other, "m1")).error).toBe("NOT_COORDINATOR");
    expect(c.consumerGroupDescribe([other])[0]!.error).toBe("NOT_COORDINATOR");
    // ListGroups names only the groups coordinated here.
    expect(c.listGroups([], []).groups.map((g) => g.groupId)).toEqual([groupIn(0, "classic")]);
  });

  it("answers COORDINATOR_LOAD_IN_PROGRESS while the partition loads, then serves what the log holds", async () => {
    const log = new GatedCoordinatorLog();
    const first = clusterCoordinator({ log });
    await first.coordinator.onElection(0, 0);
    const group = groupIn(0);
    await commit(first.coordinator, group, 42n);
    await first.coordinator.close();

    const { coordinator: c } = clusterCoordinator({ log });
    log.holdLoads();
    const loading = track(c.onElection(0, 1));
    await settle();
    expect(committed(c, group)).toBe("COORDINATOR_LOAD_IN_PROGRESS");
    expect(c.heartbeat({ groupId: group, generationId: 1, memberId: "m", groupInstanceId: null })).toBe("COORDINATOR_LOAD_IN_PROGRESS");
    expect(c.describeGroups([group])[0]!.error).toBe("COORDINATOR_LOAD_IN_PROGRESS");
    // A partition still loading is not listed (Kafka 4 lists the loaded ones).
    expect(c.listGroups([], [])).toEqual({ error: "NONE", groups: [] });
    expect(loading.done).toBe(false);
    log.releaseLoads();
    await loading.promise;
    expect(committed(c, group)).toBe(42n);
    expect(c.listGroups([], []).groups.map((g) => g.groupId)).toEqual([group]);
  });

  it("unloads a resigned partition: parked requests get NOT_COORDINATOR, timers stop, state is dropped", async () => {
    const { coordinator: c, timer, log } = clusterCoordinator();
    await c.onElection(0, 0);
    await c.onElection(1, 0);
    const classic = groupIn(0, "classic");
    const modern = groupIn(0, "modern");
    const simple = groupIn(0, "simple");
    const elsewhere = groupIn(1, "elsewhere");
    const leader = await stableMember(c, timer, classic);
    expect((await commit(c, simple, 7n))[0]!.partitions[0]!.error).toBe("NONE");
    expect((await consumerHeartbeat(c, modern, "m1")).error).toBe("NONE");
    await stableMember(c, timer, elsewhere);
    // The offsets clean-up, one heartbeat timer per classic group, the consumer member's session.
    expect(timer.pending).toBe(4);

    // A second member makes the group rebalance: its JoinGroup waits for the leader to rejoin.
    const parked = track(join(c, classic));
    await settle();
    expect(parked.done).toBe(false);

    c.onResignation(0);
    expect(await parked.promise).toMatchObject({ error: "NOT_COORDINATOR" });
    expect(c.heartbeat({ groupId: classic, generationId: leader.generationId, memberId: leader.memberId, groupInstanceId: null })).toBe("NOT_COORDINATOR");
    expect(committed(c, simple)).toBe("NOT_COORDINATOR");
    expect([...c.heldPartitions().keys()]).toEqual([1]);
    // The classic group's timers and the consumer member's session timer are gone; the other
    // partition's group keeps its heartbeat timer.
    expect(timer.pending).toBe(2);
    timer.advance(60_000);
    expect(c.listGroups([], []).groups.map((g) => g.groupId)).toEqual([elsewhere]);

    // Leading it again (a new epoch) loads everything committed back from the log.
    expect(log.loads.get(0)).toBe(1);
    await c.onElection(0, 1);
    expect(log.loads.get(0)).toBe(2);
    expect(committed(c, simple)).toBe(7n);
    expect(c.describeGroups([classic])[0]).toMatchObject({ error: "NONE", groupState: "Stable" });
    expect(c.consumerGroupDescribe([modern])[0]).toMatchObject({ error: "NONE", members: [{ memberId: "m1" }] });
  });

  it("fails an append in flight when its partition is resigned, without applying it", async () => {
    const { coordinator: c, log } = clusterCoordinator();
    await c.onElection(0, 0);
    const group = groupIn(0);
    await commit(c, group, 1n);
    log.holdAppends();
    const pending = commit(c, group, 2n);
    await settle();
    c.onResignation(0);
    expect((await pending)[0]!.partitions[0]!.error).toBe("NOT_COORDINATOR");
    // Back as leader before the old append completes: the load reads the log (the record reached it).
    log.releaseLoads();
    const reloading = c.onElection(0, 1);
    log.releaseAppends();
    await reloading;
    await settle();
    expect(committed(c, group)).toBe(2n);
    // The old append completing later changed nothing twice: a new commit still works.
    expect((await commit(c, group, 3n))[0]!.partitions[0]!.error).toBe("NONE");
    expect(committed(c, group)).toBe(3n);
  });

  it("keeps a partition elected again in the same epoch, and reloads it in a new one", async () => {
    const { coordinator: c, log } = clusterCoordinator();
    await c.onElection(2, 3);
    await c.onElection(2, 3);
    expect(log.loads.get(2)).toBe(1);
    await c.onElection(2, 4);
    expect(log.loads.get(2)).toBe(2);
    expect(c.heldPartitions()).toEqual(new Map([[2, 4]]));
  });

  it("maps write failures as Kafka does: leadership moved → NOT_COORDINATOR, replication timed out → COORDINATOR_NOT_AVAILABLE", async () => {
    const { coordinator: c, log } = clusterCoordinator();
    await c.onElection(0, 0);
    const group = groupIn(0);
    log.appendError = new CoordinatorLogError("REQUEST_TIMED_OUT");
    expect((await commit(c, group, 1n))[0]!.partitions[0]!.error).toBe("COORDINATOR_NOT_AVAILABLE");
    log.appendError = new CoordinatorLogError("NOT_LEADER_OR_FOLLOWER");
    expect((await commit(c, group, 1n))[0]!.partitions[0]!.error).toBe("NOT_COORDINATOR");
    expect((await consumerHeartbeat(c, groupIn(0, "modern"), "m1")).error).toBe("NOT_COORDINATOR");
    log.appendError = null;
    expect(committed(c, group)).toBe(-1n);
  });

  it("tries a failed load again while it still holds the partition", async () => {
    const { coordinator: c, log, timer } = clusterCoordinator();
    log.loadError = new CoordinatorLogError("KAFKA_STORAGE_ERROR");
    await c.onElection(0, 0);
    expect(committed(c, groupIn(0))).toBe("COORDINATOR_LOAD_IN_PROGRESS");
    log.loadError = null;
    timer.advance(1000);
    await settle();
    expect(committed(c, groupIn(0))).toBe(-1n);
    expect(log.loads.get(0)).toBe(2);
  });
});
