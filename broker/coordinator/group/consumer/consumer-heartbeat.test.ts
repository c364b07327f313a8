import { describe, expect, it } from "vitest";
import type { GroupCoordinator } from "../group-coordinator.js";
import { startTestCoordinator, type TestCoordinator } from "../testing/test-coordinator.js";
import type { WireTopicPartitions } from "./assignment.js";
import type { ConsumerHeartbeatInput, ConsumerHeartbeatResult } from "./consumer-heartbeat.js";

const GROUP = "kip848";

function input(overrides: Partial<ConsumerHeartbeatInput>): ConsumerHeartbeatInput {
  return {
    groupId: GROUP,
    memberId: "",
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: null,
    clientId: "client",
    clientHost: "/127.0.0.1",
    ...overrides,
  };
}

/** A consumer that follows the protocol: it owns what it was last given, and revokes at once. */
class Consumer {
  memberId: string;
  epoch = 0;
  owned: WireTopicPartitions[] = [];
  last!: ConsumerHeartbeatResult;

  constructor(
    private readonly c: GroupCoordinator,
    memberId: string,
    private readonly join: Partial<ConsumerHeartbeatInput> = { subscribedTopicNames: ["orders"] },
  ) {
    this.memberId = memberId;
  }

  async heartbeat(extra: Partial<ConsumerHeartbeatInput> = {}): Promise<ConsumerHeartbeatResult> {
    const first = this.epoch === 0;
    const r = await this.c.consumerGroupHeartbeat(
      input({
        memberId: this.memberId,
        memberEpoch: this.epoch,
        topicPartitions: this.owned,
        ...(first ? { rebalanceTimeoutMs: 30_000, ...this.join } : {}),
        ...extra,
      }),
    );
    this.last = r;
    if (r.error !== "NONE") return r;
    this.memberId = r.memberId!;
    this.epoch = r.memberEpoch;
    if (r.assignment) this.owned = r.assignment;
    return r;
  }

  partitions(): number[] {
    return this.owned.flatMap((t) => t.partitions).sort((a, b) => a - b);
  }
}

async function converge(consumers: Consumer[]): Promise<void> {
  for (let round = 0; round < 10; round++) for (const c of consumers) await c.heartbeat();
}

function describeGroup(t: TestCoordinator) {
  return t.coordinator.consumerGroupDescribe([GROUP])[0]!;
}

describe("ConsumerGroupHeartbeat (KIP-848)", () => {
  it("assigns, rebalances on joins and leaves, and moves partitions only once revoked", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const a = new Consumer(c, "member-a");
    const first = await a.heartbeat();
    expect(first).toMatchObject({ error: "NONE", memberId: "member-a", memberEpoch: 1, heartbeatIntervalMs: 5000 });
    expect(a.partitions()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(first.assignment![0]!.topicId).toBe(t.topics.id("orders"));

    // b joins: it is given nothing until a has given up half of its partitions.
    const b = new Consumer(c, "member-b");
    await b.heartbeat();
    expect(b.epoch).toBe(2);
    expect(b.partitions()).toEqual([]);
    const aOwnedBefore = a.owned;
    const revoke = await c.consumerGroupHeartbeat(input({ memberId: "member-a", memberEpoch: 1, topicPartitions: aOwnedBefore }));
    expect(revoke.memberEpoch).toBe(1);
    expect(revoke.assignment!.flatMap((x) => x.partitions)).toHaveLength(3);
    expect(describeGroup(t).members.find((m) => m.memberId === "member-a")!.assignment[0]!.partitions).toHaveLength(3);
    await b.heartbeat();
    expect(b.partitions()).toEqual([]);
    expect(describeGroup(t).groupState).toBe("Reconciling");
    // a still reports all six: nothing moves.
    const stillOwning = await c.consumerGroupHeartbeat(input({ memberId: "member-a", memberEpoch: 1, topicPartitions: aOwnedBefore }));
    expect(stillOwning.memberEpoch).toBe(1);
    await b.heartbeat();
    expect(b.partitions()).toEqual([]);
    // a reports the revocation: it moves to epoch 2, and b gets the partitions.
    a.owned = revoke.assignment!;
    a.epoch = 1;
    await a.heartbeat();
    expect(a.epoch).toBe(2);
    await b.heartbeat();
    expect(b.partitions()).toHaveLength(3);
    expect([...a.partitions(), ...b.partitions()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(describeGroup(t).groupState).toBe("Stable");

    // A third member: two partitions each.
    const d = new Consumer(c, "member-d");
    await d.heartbeat();
    await converge([a, b, d]);
    expect([a, b, d].map((m) => m.partitions().length)).toEqual([2, 2, 2]);
    expect(new Set([a, b, d].flatMap((m) => m.partitions())).size).toBe(6);
    const epochBeforeLeave = describeGroup(t).groupEpoch;

    // d leaves: a and b split its partitions.
    const left = await c.consumerGroupHeartbeat(input({ memberId: "member-d", memberEpoch: LEAVE }));
    expect(left).toMatchObject({ error: "NONE", memberId: "member-d", memberEpoch: -1 });
    await converge([a, b]);
    expect([a, b].map((m) => m.partitions().length)).toEqual([3, 3]);
    const described = describeGroup(t);
    expect(described.groupEpoch).toBe(epochBeforeLeave + 1);
    expect(described.members.map((m) => m.memberId).sort()).toEqual(["member-a", "member-b"]);
    expect(described.groupState).toBe("Stable");
    expect(described.assignorName).toBe("uniform");
  });

  it("fences a member whose session expires", async () => {
    const t = await startTestCoordinator();
    const a = new Consumer(t.coordinator, "a");
    const b = new Consumer(t.coordinator, "b");
    await converge([a, b]);
    for (let i = 0; i < 10; i++) {
      t.timer.advance(5000);
      await a.heartbeat();
    }
    expect((await b.heartbeat()).error).toBe("UNKNOWN_MEMBER_ID");
    await converge([a]);
    expect(a.partitions()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("fences a member that does not revoke within its rebalance timeout", async () => {
    const t = await startTestCoordinator();
    const a = new Consumer(t.coordinator, "a");
    await a.heartbeat();
    const b = new Consumer(t.coordinator, "b");
    await b.heartbeat();
    await t.coordinator.consumerGroupHeartbeat(input({ memberId: "a", memberEpoch: 1, topicPartitions: a.owned }));
    t.timer.advance(30_000);
    expect((await b.heartbeat()).error).toBe("NONE");
    expect(describeGroup(t).members.map((m) => m.memberId)).toEqual(["b"]);
    await converge([b]);
    expect(b.partitions()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("checks epochs, member ids, assignors and the request", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const a = new Consumer(c, "a");
    await a.heartbeat();
    expect((await c.consumerGroupHeartbeat(input({ memberId: "a", memberEpoch: 5 }))).error).toBe("FENCED_MEMBER_EPOCH");
    expect((await c.consumerGroupHeartbeat(input({ memberId: "x", memberEpoch: 1 }))).error).toBe("UNKNOWN_MEMBER_ID");
    const unsupported = await c.consumerGroupHeartbeat(
      input({ memberId: "b", rebalanceTimeoutMs: 1000, subscribedTopicNames: ["orders"], topicPartitions: [], serverAssignor: "sticky" }),
    );
    expect(unsupported.error).toBe("UNSUPPORTED_ASSIGNOR");
    expect(unsupported.errorMessage).toContain("uniform, range");
    const noSubscription = await c.consumerGroupHeartbeat(input({ memberId: "b", rebalanceTimeoutMs: 1000, topicPartitions: [] }));
    expect(noSubscription).toMatchObject({ error: "INVALID_REQUEST", memberId: null });
    expect((await c.consumerGroupHeartbeat(input({ groupId: "missing", memberId: "a", memberEpoch: 3 }))).error).toBe("GROUP_ID_NOT_FOUND");
  });

  it("does not share a group id with a classic group", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const join = c.joinGroup({
      groupId: GROUP,
      memberId: "",
      groupInstanceId: null,
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: Buffer.alloc(0) }],
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      clientId: "classic",
      clientHost: "/127.0.0.1",
      requireKnownMemberId: false,
      supportsSkipAssignment: true,
      reason: null,
    });
    t.timer.advance(0);
    expect((await join).error).toBe("NONE");
    const r = await new Consumer(c, "a").heartbeat();
    expect(r.error).toBe("GROUP_ID_NOT_FOUND");
    expect(r.errorMessage).toBe(`Group ${GROUP} is not a consumer group.`);

    // The other way round: a classic JoinGroup to a live consumer group.
    await new Consumer(c, "a", { groupId: "modern", subscribedTopicNames: ["orders"] }).heartbeat({ groupId: "modern" });
    const classic = await c.joinGroup({
      groupId: "modern",
      memberId: "",
      groupInstanceId: null,
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: Buffer.alloc(0) }],
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      clientId: "classic",
      clientHost: "/127.0.0.1",
      requireKnownMemberId: true,
      supportsSkipAssignment: true,
      reason: null,
    });
    expect(classic.error).toBe("INCONSISTENT_GROUP_PROTOCOL");
    expect(c.listGroups([], ["consumer"]).groups).toEqual([{ groupId: "modern", protocolType: "consumer", groupState: "Stable", groupType: "consumer" }]);
  });

  it("lets a static member leave for a while and come back under a new member id", async () => {
    const t = await startTestCoordinator();
    const c = t.coordinator;
    const a = new Consumer(c, "a1", { instanceId: "instance-a", subscribedTopicNames: ["orders"] });
    const b = new Consumer(c, "b", { subscribedTopicNames: ["orders"] });
    await a.heartbeat({ instanceId: "instance-a" });
    await b.heartbeat();
    await converge([a, b]);
    const aPartitions = a.partitions();
    const epoch = describeGroup(t).groupEpoch;

    const away = await c.consumerGroupHeartbeat(input({ memberId: "a1", memberEpoch: -2, instanceId: "instance-a" }));
    expect(away).toMatchObject({ error: "NONE", memberEpoch: -2 });
    await converge([b]);
    expect(b.partitions()).toHaveLength(3);

    // Nobody else got a's partitions while it was away.
    expect(describeGroup(t).groupEpoch).toBe(epoch);
    const back = new Consumer(c, "a2", { instanceId: "instance-a", subscribedTopicNames: ["orders"] });
    const r = await back.heartbeat();
    expect(r.error).toBe("NONE");
    expect(back.partitions()).toEqual(aPartitions);
    expect(r.memberEpoch).toBe(epoch);
    expect(describeGroup(t).groupEpoch).toBe(epoch);
    const stolen = await c.consumerGroupHeartbeat(
      input({ memberId: "a3", instanceId: "instance-a", rebalanceTimeoutMs: 1000, subscribedTopicNames: ["orders"], topicPartitions: [] }),
    );
    expect(stolen.error).toBe("UNRELEASED_INSTANCE_ID");
  });

  it("subscribes by regular expression and follows new topics", async () => {
    const t = await startTestCoordinator({ config: { consumerRegexRefreshIntervalMs: 1000 } });
    const a = new Consumer(t.coordinator, "a", { subscribedTopicRegex: "ord.*" });
    await a.heartbeat();
    expect(a.partitions()).toHaveLength(6);
    t.topics.set("ordinals", 2);
    t.timer.advance(1000);
    await converge([a]);
    expect(a.partitions()).toHaveLength(8);
    expect(describeGroup(t).members[0]!.subscribedTopicRegex).toBe("ord.*");
    // Topics matched by the regex are in use: their offsets cannot be deleted.
    await t.coordinator.commitOffsets({
      groupId: GROUP,
      generationIdOrMemberEpoch: a.epoch,
      memberId: "a",
      groupInstanceId: null,
      retentionTimeMs: -1n,
      apiVersion: 9,
      topics: [{ name: "ordinals", partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    const deleted = await t.coordinator.deleteOffsets({ groupId: GROUP, topics: [{ name: "ordinals", partitions: [0] }] });
    expect(deleted.topics[0]!.partitions[0]!.error).toBe("GROUP_SUBSCRIBED_TO_TOPIC");
    const bad = await t.coordinator.consumerGroupHeartbeat(
      input({ groupId: "other", memberId: "x", rebalanceTimeoutMs: 1000, subscribedTopicRegex: "(", topicPartitions: [] }),
    );
    expect(bad.error).toBe("INVALID_REQUEST");
  });

  it("uses the range assignor when members ask for it", async () => {
    const t = await startTestCoordinator();
    const join = { subscribedTopicNames: ["orders", "payments"], serverAssignor: "range" };
    const a = new Consumer(t.coordinator, "a", join);
    const b = new Consumer(t.coordinator, "b", join);
    await converge([a, b]);
    const ordersId = t.topics.id("orders");
    const of = (m: Consumer, id: string) => m.owned.find((x) => x.topicId === id)?.partitions.slice().sort() ?? [];
    expect(of(a, ordersId)).toEqual([0, 1, 2]);
    expect(of(b, ordersId)).toEqual([3, 4, 5]);
    expect(of(a, t.topics.id("payments"))).toEqual([0, 1]);
    expect(of(b, t.topics.id("payments"))).toEqual([2]);
    expect(describeGroup(t).assignorName).toBe("range");
  });
});

const LEAVE = -1;
