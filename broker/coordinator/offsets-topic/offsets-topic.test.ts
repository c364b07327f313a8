// The broker side of group coordination, on a real MetadataStore and real partition logs (the
// handler test broker): creating __consumer_offsets, appends that wait for the high watermark,
// loads that read only committed records, and elections following leadership in the image.
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { groupCoordinatorConfig } from "../group/group-config.js";
import { GroupCoordinator } from "../group/group-coordinator.js";
import { CoordinatorLogError } from "../group/coordinator-log.js";
import { topicsFromImage } from "../group/group-topics.js";
import { partitionFor } from "../group/partition-for.js";
import { startTestBroker, type TestBroker } from "../../handlers/test-fixtures.js";
import { change } from "../../metadata/controller/partition-leadership.js";
import { coordinatorElections } from "./coordinator-elections.js";
import { OffsetsPartitionLog } from "./offsets-partition-log.js";
import { OFFSETS_TOPIC, OffsetsTopic } from "./offsets-topic.js";
import { standaloneCommit } from "../group/testing/requests.js";

const logger = pino({ level: "silent" });
const record = (k: string, v: string | null) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v) });

let broker: TestBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

async function start(config: Record<string, string> = {}): Promise<TestBroker> {
  broker = await startTestBroker({ config: { "offsets.topic.num.partitions": "3", ...config } });
  return broker;
}

function offsetsTopic(b: TestBroker): OffsetsTopic {
  const { services } = b;
  return new OffsetsTopic({ nodeId: services.nodeId, config: services.config, metadata: services.metadata, topics: services.topics, forwarder: null, logger });
}

function partitionLog(b: TestBroker, commitTimeoutMs = 5000): OffsetsPartitionLog {
  const { services } = b;
  return new OffsetsPartitionLog({ nodeId: services.nodeId, metadata: services.metadata, logs: services.logs, commitTimeoutMs, logger });
}

/** __consumer_offsets laid out by hand: node 2 is registered nowhere, so replication is driven by the test. */
async function createReplicated(b: TestBroker, assignment: number[][]) {
  const created = await b.services.topics.createTopic(OFFSETS_TOPIC, { assignment }, new Map([["cleanup.policy", "compact"]]));
  if (!created.ok) throw new Error(created.message);
  for (let p = 0; p < assignment.length; p++) {
    // What the ReplicaManager does for a replicated partition's leader: followers move its high watermark.
    if (assignment[p]!.length > 1) b.services.logs.getLog(OFFSETS_TOPIC, p)!.setExternalHighWatermark(true);
  }
  return created.value!;
}

async function moveLeader(b: TestBroker, partition: number, leader: number): Promise<void> {
  const topic = b.services.metadata.topic(OFFSETS_TOPIC)!;
  await b.services.metadata.change(() => ({ records: [change(topic.topicId, partition, { leader })], result: null }));
}

describe("__consumer_offsets on a broker", () => {
  it("is created on first use as Kafka creates it: offsets.topic.* settings, compacted", async () => {
    const b = await start({ "offsets.topic.segment.bytes": "1048576" });
    const topic = offsetsTopic(b);
    expect(topic.exists()).toBe(false);
    expect(topic.leaderOf(0)).toBeNull();
    await Promise.all([topic.create(), topic.create()]);
    const image = b.services.metadata.topic(OFFSETS_TOPIC)!;
    expect(image.partitions.map((p) => p.replicas)).toEqual([[1], [1], [1]]);
    expect(Object.fromEntries(image.configs)).toEqual({ "cleanup.policy": "compact", "compression.type": "producer", "segment.bytes": "1048576" });
    expect(topic.leaderOf(2)).toBe(1);
    expect(topic.partitionCount).toBe(3);
    await topic.create();
  });

  it("is refused while fewer brokers are registered than offsets.topic.replication.factor", async () => {
    const b = await start({ "offsets.topic.replication.factor": "3" });
    const topic = offsetsTopic(b);
    await expect(topic.create()).rejects.toMatchObject({ error: "INVALID_REPLICATION_FACTOR" });
    expect(topic.exists()).toBe(false);
  });

  it("acknowledges an append once the high watermark passes it, in the partition's leader epoch", async () => {
    const b = await start();
    await createReplicated(b, [[1, 2]]);
    await moveLeader(b, 0, 2);
    await moveLeader(b, 0, 1);
    const leaderEpoch = b.services.metadata.topic(OFFSETS_TOPIC)!.partitions[0]!.leaderEpoch;
    expect(leaderEpoch).toBe(2);
    const log = b.services.logs.getLog(OFFSETS_TOPIC, 0)!;
    let acked = false;
    const appended = partitionLog(b).append(0, [record("a", "1"), record("b", "2")]).then((offset) => ((acked = true), offset));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.logEndOffset).toBe(2n);
    expect(acked).toBe(false);
    log.updateHighWatermark(1n);
    await new Promise((resolve) => setImmediate(resolve));
    expect(acked).toBe(false);
    log.updateHighWatermark(2n);
    expect(await appended).toBe(1n);
    expect(log.latestEpoch).toBe(2);
  });

  it("fails an append that is not replicated within offsets.commit.timeout.ms, or whose leadership moved", async () => {
    const b = await start();
    await createReplicated(b, [[1, 2]]);
    const offsets = partitionLog(b, 50);
    await expect(offsets.append(0, [record("a", "1")])).rejects.toMatchObject({ error: "REQUEST_TIMED_OUT" });
    const moving = partitionLog(b, 60_000).append(0, [record("b", "2")]);
    await moveLeader(b, 0, 2);
    b.services.logs.getLog(OFFSETS_TOPIC, 0)!.updateHighWatermark(2n);
    await expect(moving).rejects.toMatchObject({ error: "NOT_LEADER_OR_FOLLOWER" });
    await expect(offsets.append(0, [record("c", "3")])).rejects.toBeInstanceOf(CoordinatorLogError);
  });

  it("loads only once the high watermark reaches the log end it saw (a new leader's tail)", async () => {
    const b = await start();
    await createReplicated(b, [[1, 2]]);
    const log = b.services.logs.getLog(OFFSETS_TOPIC, 0)!;
    // Records a previous leader wrote that the ISR has not confirmed to this leader yet.
    const { buildRecordBatch } = await import("../../protocol/records.js");
    await log.append(buildRecordBatch([record("k1", "v1"), record("k2", null)]), { leaderEpoch: 0, origin: "coordinator" });
    expect(log.highWatermark).toBe(0n);
    const read: string[] = [];
    let done = false;
    const loading = (async () => {
      for await (const r of partitionLog(b).readAll(0)) read.push(`${r.offset}:${r.key?.toString()}=${r.value?.toString() ?? null}`);
      done = true;
    })();
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    log.updateHighWatermark(2n);
    await loading;
    expect(read).toEqual(["0:k1=v1", "1:k2=null"]);
  });

  it("elects and resigns coordinator partitions as leadership moves", async () => {
    const b = await start();
    await createReplicated(b, [[1, 2], [2, 1], [1]]);
    const { services } = b;
    const groups = new GroupCoordinator({
      config: groupCoordinatorConfig({ offsetsTopicNumPartitions: 3 }),
      log: partitionLog(b),
      topics: topicsFromImage(services.metadata.image),
      leadership: offsetsTopic(b),
      logger,
    });
    groups.startup();
    const follow = coordinatorElections({ nodeId: 1, metadata: services.metadata, logs: services.logs, groups, partitionCount: 3, logger });
    // Partition 0's high watermark is the test's to move; it has nothing to wait for yet.
    await follow();
    expect(groups.heldPartitions()).toEqual(new Map([[0, 0], [2, 0]]));

    await moveLeader(b, 1, 1);
    await moveLeader(b, 0, 2);
    await follow();
    expect(groups.heldPartitions()).toEqual(new Map([[1, 1], [2, 0]]));
    const groupIn = (p: number) => {
      for (let i = 0; ; i++) if (partitionFor(`g${i}`, 3) === p) return `g${i}`;
    };
    expect(await groups.coordinatorOf(groupIn(0))).toEqual({ kind: "remote", nodeId: 2 });
    expect(await groups.coordinatorOf(groupIn(2))).toEqual({ kind: "local" });
    expect(groups.listGroups([], []).error).toBe("NONE");
    expect(groups.fetchOffsets({ groupId: groupIn(0), memberId: null, memberEpoch: -1, topics: null, requireStable: false }).error).toBe("NOT_COORDINATOR");
    await groups.close();
  });

  it("serves a group end to end on one node: created on lookup, committed, reloaded after a restart", async () => {
    let b = await start();
    const groupsOver = (tb: TestBroker) => {
      const s = tb.services;
      const topic = offsetsTopic(tb);
      const groups = new GroupCoordinator({ config: groupCoordinatorConfig({ offsetsTopicNumPartitions: 3 }), log: partitionLog(tb), topics: topicsFromImage(s.metadata.image), leadership: topic, logger });
      groups.startup();
      const follow = coordinatorElections({ nodeId: 1, metadata: s.metadata, logs: s.logs, groups, partitionCount: 3, logger });
      tb.topicManager.onReconciled(() => void follow());
      return { groups, follow };
    };
    await b.createTopic("orders", 2);
    let { groups, follow } = groupsOver(b);
    expect(await groups.coordinatorOf("g")).toEqual({ kind: "local" });
    await follow();
    const committed = await groups.commitOffsets(standaloneCommit("g", "orders", 1, 17n, { leaderEpoch: 0, metadata: "m" }));
    expect(committed[0]!.partitions[0]!.error).toBe("NONE");
    await groups.close();
    b = broker = await b.restart();
    ({ groups, follow } = groupsOver(b));
    await follow();
    const fetched = groups.fetchOffsets({ groupId: "g", memberId: null, memberEpoch: -1, topics: null, requireStable: false });
    expect(fetched.topics).toEqual([{ name: "orders", partitions: [{ partitionIndex: 1, committedOffset: 17n, committedLeaderEpoch: 0, metadata: "m", error: "NONE" }] }]);
    await groups.close();
  });
});
