// Dedicated controllers (process.roles=controller), KRaft's production layout: three controller-only
// nodes (1, 2, 3: the quorum's voters, listening only on their controller listeners) and three
// broker-only nodes (4, 5, 6 on racks a, b, c). Brokers forward metadata changes to the active
// controller's controller listener. Checked with Kafka's own tools and KafkaJS: kafka-topics
// --create/--describe through a broker (replicas on brokers only), acks=all produce and a consumer
// group; kafka-metadata-quorum through a controller (--bootstrap-controller) and through a broker
// (forwarded DescribeQuorum) both show 3 voters and the brokers as observers; after kill -9 of the
// active controller a new one is elected, topics can be created through a broker again and
// producers carry on; a clean stop of every node (brokers, then controllers) exits promptly.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { kafkaTool } from "./kafka-tool.js";
import { quorumStatus } from "./metadata-quorum-tool.js";
import { brokersSeenBy, createTopicVia, LocalCluster, partitionsSeenBy } from "./local-cluster.js";

const TOPICS = "org.apache.kafka.tools.TopicCommand";
const BROKER_IDS = [4, 5, 6];

describe("dedicated controllers: 3 controller-only nodes and 3 brokers", () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  it("serve clients through the brokers, survive losing the active controller and stop cleanly", async () => {
    cluster = await LocalCluster.startDedicated({ controllers: 3, brokers: 3 }, [
      "broker.heartbeat.interval.ms=200",
      "broker.session.timeout.ms=2000",
      "replica.lag.time.max.ms=3000",
      "offsets.topic.replication.factor=3",
      "offsets.topic.num.partitions=3",
      "min.insync.replicas=2",
      "group.initial.rebalance.delay.ms=0",
    ]);
    expect(cluster.controllers.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(cluster.brokers.map((n) => n.id)).toEqual(BROKER_IDS);
    const firstLeader = await cluster.quorumLeader();
    expect(firstLeader.voters).toBe(3);
    const [b4] = cluster.brokers;
    // Only brokers register: the controllers are in no broker's list.
    for (const n of cluster.brokers) {
      await vi.waitFor(async () => expect(await brokersSeenBy(n)).toEqual([[4, "a"], [5, "b"], [6, "c"]]), { timeout: 30_000, interval: 100 });
    }
    const bootstrap = cluster.brokers.map((n) => `127.0.0.1:${n.port}`).join(",");
    const client = () =>
      new Kafka({ clientId: "dedicated-test", brokers: cluster!.brokers.filter((n) => n.process).map((n) => `127.0.0.1:${n.port}`), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 } });

    // Clients are told a broker as controller: the active controller has no broker listener.
    const admin = client().admin();
    await admin.connect();
    const described = await admin.describeCluster();
    await admin.disconnect();
    expect(BROKER_IDS).toContain(described.controller);
    expect(described.brokers.map((b) => b.nodeId).sort()).toEqual(BROKER_IDS);

    // kafka-topics through a broker: the broker forwards CreateTopics to the active controller.
    const created = kafkaTool(TOPICS, ["--bootstrap-server", bootstrap, "--create", "--topic", "events", "--partitions", "3", "--replication-factor", "3"]);
    expect(created.status, created.stderr).toBe(0);
    for (const n of cluster.brokers) await vi.waitFor(() => partitionsSeenBy(n, "events"), { timeout: 30_000, interval: 100 });
    const describedTopic = kafkaTool(TOPICS, ["--bootstrap-server", bootstrap, "--describe", "--topic", "events"]);
    expect(describedTopic.status, describedTopic.stderr).toBe(0);
    const rows = describedTopic.stdout.split("\n").filter((l) => /Partition:\s*\d/.test(l));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(/Replicas:\s*([\d,]+)/.exec(row)![1]!.split(",").map(Number).sort()).toEqual(BROKER_IDS);
    await vi.waitFor(async () => expect((await partitionsSeenBy(b4!, "events")).every((p) => p.isr.length === 3)).toBe(true), { timeout: 30_000, interval: 100 });

    // The other metadata changes a broker forwards, decided on a controller-only node (whose
    // controller listener has no broker services to reach for).
    const tools = client().admin();
    await tools.connect();
    try {
      expect(await tools.createTopics({ topics: [{ topic: "scratch", numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true })).toBe(true);
      await tools.createPartitions({ topicPartitions: [{ topic: "scratch", count: 2 }] });
      await vi.waitFor(async () => expect(await partitionsSeenBy(b4!, "scratch")).toHaveLength(2), { timeout: 30_000, interval: 100 });
      await tools.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: "scratch", configEntries: [{ name: "retention.ms", value: "3600000" }] }] });
      await vi.waitFor(
        async () => {
          const configs = await tools.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: "scratch", configNames: ["retention.ms"] }] });
          expect(configs.resources[0]!.configEntries[0]!.configValue).toBe("3600000");
        },
        { timeout: 30_000, interval: 200 },
      );
      await tools.deleteTopics({ topics: ["scratch"] });
      await vi.waitFor(async () => expect(await tools.listTopics()).not.toContain("scratch"), { timeout: 30_000, interval: 200 });
    } finally {
      await tools.disconnect();
    }
    const election = kafkaTool("org.apache.kafka.tools.LeaderElectionCommand", ["--bootstrap-server", bootstrap, "--election-type", "PREFERRED", "--topic", "events", "--partition", "0"]);
    expect(election.status, `${election.stdout}\n${election.stderr}`).toBe(0);
    const reassignments = kafkaTool("org.apache.kafka.tools.reassign.ReassignPartitionsCommand", ["--bootstrap-server", bootstrap, "--list"]);
    expect(reassignments.status, reassignments.stderr).toBe(0);
    expect(reassignments.stdout).toContain("No partition reassignments found.");

    // acks=all produce, then a consumer group (its __consumer_offsets is created through the controller too).
    const producer = client().producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    const batch = (from: number) => Array.from({ length: 30 }, (_, i) => ({ partition: (from + i) % 3, value: `v${from + i}` }));
    await producer.send({ topic: "events", acks: -1, messages: batch(0) });
    const consumer = client().consumer({ groupId: "dedicated-group", sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    const consumed = new Set<string>();
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: "events", fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void consumed.add(message.value!.toString()) });
      await vi.waitFor(() => expect(consumed.size).toBe(30), { timeout: 60_000, interval: 200 });
    } finally {
      await consumer.disconnect();
    }
    expect([...consumed].sort()).toEqual(batch(0).map((m) => m.value).sort());

    // The quorum, asked of a controller and of a broker (which forwards DescribeQuorum to the leader).
    for (const status of [
      quorumStatus("--bootstrap-controller", `127.0.0.1:${cluster.node(1).controllerPort}`),
      quorumStatus("--bootstrap-server", bootstrap),
    ]) {
      expect(status.leader).toBe(firstLeader.node.id);
      expect(status.voters.map((v) => v.id)).toEqual([1, 2, 3]);
      expect(status.observers.map((o) => o.id)).toEqual(BROKER_IDS);
    }

    // kill -9 the active controller: another is elected, topic creation through a broker works
    // again and the producer carries on.
    await cluster.kill(firstLeader.node.id);
    const secondLeader = await cluster.quorumLeader();
    expect(secondLeader.node.id).not.toBe(firstLeader.node.id);
    expect(secondLeader.epoch).toBeGreaterThan(firstLeader.epoch);
    // A retry after an answer lost on the way may find the topic made by the earlier attempt.
    await vi.waitFor(async () => expect([0, 36]).toContain(await createTopicVia(b4!, "after-failover", 2, 3)), { timeout: 30_000, interval: 250 });
    const afterFailover = await vi.waitFor(() => partitionsSeenBy(b4!, "after-failover"), { timeout: 30_000, interval: 100 });
    expect(afterFailover).toHaveLength(2);
    for (const p of afterFailover) expect([...p.replicas].sort()).toEqual(BROKER_IDS);
    await producer.send({ topic: "events", acks: -1, messages: batch(30) });
    await producer.disconnect();
    const survivor = cluster.controllers.find((n) => n.process)!;
    const afterKill = quorumStatus("--bootstrap-controller", `127.0.0.1:${survivor.controllerPort}`);
    expect(afterKill.leader).toBe(secondLeader.node.id);

    // A clean stop of the whole cluster, brokers first, then the controllers left: each exits 0, promptly.
    const started = Date.now();
    for (const n of [...cluster.brokers].reverse()) expect(await cluster.stop(n.id)).toBe(0);
    for (const n of [...cluster.controllers].reverse().filter((c) => c.process)) expect(await cluster.stop(n.id)).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 300_000);
});
