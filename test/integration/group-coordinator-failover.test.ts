// Group coordination across three `millrace broker` processes, as Kafka does it: __consumer_offsets
// (RF 3) is created through the controller on the first FindCoordinator; every node names the
// same coordinator — the leader of the group's partition; a KafkaJS consumer group consumes an
// RF 3 topic and commits; the coordinator's node is killed (kill -9); the partition's new leader
// loads the group and a new consumer resumes at the committed offsets: nothing committed is read
// again, the only records read twice are those read after the last commit.
import { Kafka, logLevel, type Consumer } from "kafkajs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { apiCall, KafkaConnection } from "../../broker/client/kafka-connection.js";
import { findCoordinatorRequestMeta, writeFindCoordinatorRequest } from "../../broker/protocol/generated/find-coordinator-request.gen.js";
import { readFindCoordinatorResponse } from "../../broker/protocol/generated/find-coordinator-response.gen.js";
import { createTopicVia, LocalCluster, partitionsSeenBy, type ClusterNode } from "./local-cluster.js";

const TOPIC = "orders";
const GROUP = "failover-group";
const PARTITIONS = 3;
const RECORDS = 600;
/** Consumer A commits after this many records, then reads this many more without committing. */
const COMMIT_AFTER = 300;
const READ_AFTER_COMMIT = 60;

const FIND_COORDINATOR = apiCall(findCoordinatorRequestMeta, 3, writeFindCoordinatorRequest, readFindCoordinatorResponse);

/** FindCoordinator for the group, asked of one node: the coordinator's node id, or the error code. */
async function coordinatorSeenBy(node: ClusterNode): Promise<{ nodeId: number; port: number } | { error: number }> {
  const conn = await KafkaConnection.connect("127.0.0.1", node.port, { clientId: "coordinator-test", timeoutMs: 5000 });
  try {
    const r = await conn.send(FIND_COORDINATOR, { key: GROUP, keyType: 0, coordinatorKeys: [] }, 10_000);
    return r.errorCode === 0 ? { nodeId: r.nodeId, port: r.port } : { error: r.errorCode };
  } finally {
    conn.close();
  }
}

/** The coordinator every running node names, once they all name the same live one. */
function agreedCoordinator(cluster: LocalCluster, timeoutMs = 60_000): Promise<ClusterNode> {
  return vi.waitFor(
    async () => {
      const answers = await Promise.all(cluster.running.map(async (n) => ({ asked: n.id, answer: await coordinatorSeenBy(n) })));
      const ids = new Set(answers.map((a) => ("nodeId" in a.answer ? a.answer.nodeId : -1)));
      const [id] = [...ids];
      if (ids.size !== 1 || id === undefined || !cluster.running.some((n) => n.id === id)) throw new Error(`no agreement yet: ${JSON.stringify(answers)}`);
      const coordinator = cluster.node(id);
      for (const a of answers) expect(a.answer).toEqual({ nodeId: id, port: coordinator.port });
      return coordinator;
    },
    { timeout: timeoutMs, interval: 250 },
  );
}

type Seen = Map<number, bigint[]>;

function record(seen: Seen, partition: number, offset: string): void {
  if (!seen.has(partition)) seen.set(partition, []);
  seen.get(partition)!.push(BigInt(offset));
}

describe("group coordinator failover over three processes", () => {
  let cluster: LocalCluster | undefined;
  const consumers: Consumer[] = [];
  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await cluster?.close();
  });

  it("moves a group to the new leader of its __consumer_offsets partition, which resumes at the committed offsets", async () => {
    cluster = await LocalCluster.start(3, [
      "broker.heartbeat.interval.ms=200",
      "broker.session.timeout.ms=2000",
      "replica.lag.time.max.ms=3000",
      "offsets.topic.replication.factor=3",
      "offsets.topic.num.partitions=6",
      "min.insync.replicas=2",
      "group.initial.rebalance.delay.ms=0",
    ]);
    await cluster.quorumLeader();
    const [n1] = cluster.nodes;
    await vi.waitFor(async () => expect(await createTopicVia(n1!, TOPIC, PARTITIONS, 3)).toBe(0), { timeout: 30_000, interval: 250 });
    await vi.waitFor(
      async () => {
        for (const p of await partitionsSeenBy(n1!, TOPIC)) if (p.isr.length !== 3) throw new Error("ISR not full yet");
      },
      { timeout: 30_000, interval: 250 },
    );

    const brokers = () => cluster!.running.map((n) => `127.0.0.1:${n.port}`);
    const client = () => new Kafka({ clientId: "failover-test", brokers: brokers(), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 } });
    const producer = client().producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    for (let i = 0; i < RECORDS; i += 50) {
      await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: 50 }, (_, k) => ({ partition: (i + k) % PARTITIONS, value: `r-${i + k}` })) });
    }
    await producer.disconnect();
    const perPartition = RECORDS / PARTITIONS;

    // The first lookup creates __consumer_offsets (RF 3); then every node names the same coordinator.
    const coordinator = await agreedCoordinator(cluster);
    const offsetsPartitions = await partitionsSeenBy(n1!, "__consumer_offsets");
    expect(offsetsPartitions).toHaveLength(6);
    for (const p of offsetsPartitions) expect(p.replicas).toHaveLength(3);

    // Consumer A reads, commits exactly what it has processed, reads a little more and leaves.
    const seenA: Seen = new Map();
    const committed = new Map<number, bigint>();
    let readByA = 0;
    let committing: Promise<void> | undefined;
    let enough!: () => void;
    const readEnough = new Promise<void>((resolve) => (enough = resolve));
    const a = client().consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    consumers.push(a);
    await a.connect();
    await a.subscribe({ topic: TOPIC, fromBeginning: true });
    await a.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        record(seenA, partition, message.offset);
        readByA++;
        if (readByA === COMMIT_AFTER) {
          const offsets = [...seenA].map(([p, offsets]) => ({ topic: TOPIC, partition: p, offset: String(offsets[offsets.length - 1]! + 1n) }));
          committing = a.commitOffsets(offsets);
          await committing;
          for (const o of offsets) committed.set(o.partition, BigInt(o.offset));
        }
        if (readByA === COMMIT_AFTER + READ_AFTER_COMMIT) enough();
      },
    });
    await readEnough;
    await a.disconnect();
    expect(committed.size).toBeGreaterThan(0);

    // What the coordinator holds is what A committed.
    const admin = client().admin();
    await admin.connect();
    const fetched = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    await admin.disconnect();
    const committedNow = new Map(fetched[0]!.partitions.filter((p) => p.offset !== "-1").map((p) => [p.partition, BigInt(p.offset)]));
    expect(committedNow).toEqual(committed);

    // kill -9 the coordinator: the partition's new leader (from the ISR) coordinates the group.
    await cluster.kill(coordinator.id);
    const successor = await agreedCoordinator(cluster, 90_000);
    expect(successor.id).not.toBe(coordinator.id);

    // Consumer B, in the same group, starts at the committed offsets and reads to the end.
    const seenB: Seen = new Map();
    let readByB = 0;
    const expectedByB = [...Array(PARTITIONS).keys()].reduce((sum, p) => sum + perPartition - Number(committed.get(p) ?? 0n), 0);
    let done!: () => void;
    const readAll = new Promise<void>((resolve) => (done = resolve));
    const b = client().consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    consumers.push(b);
    await b.connect();
    await b.subscribe({ topic: TOPIC, fromBeginning: true });
    await b.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        record(seenB, partition, message.offset);
        if (++readByB >= expectedByB) done();
      },
    });
    await vi.waitFor(() => expect(readByB).toBeGreaterThanOrEqual(expectedByB), { timeout: 120_000, interval: 250 });
    await readAll;
    await b.disconnect();

    for (let p = 0; p < PARTITIONS; p++) {
      const start = committed.get(p) ?? 0n;
      const offsetsB = seenB.get(p) ?? [];
      // Nothing committed is read again: B starts at the committed offset and reads every later one once.
      expect(offsetsB).toEqual(Array.from({ length: perPartition - Number(start) }, (_, i) => start + BigInt(i)));
      // Records read twice (by A and B) are exactly those A read after its commit.
      const again = (seenA.get(p) ?? []).filter((o) => o >= start);
      expect(offsetsB.filter((o) => (seenA.get(p) ?? []).includes(o))).toEqual(again);
    }
    const duplicates = [...seenB].reduce((n, [p, offsets]) => n + offsets.filter((o) => (seenA.get(p) ?? []).includes(o)).length, 0);
    expect(duplicates).toBe(readByA - COMMIT_AFTER);
  });
});
