// Three `millrace broker` processes forming a metadata quorum over their CONTROLLER listeners:
// they elect one leader and replicate the metadata log (a topic created through any node shows up
// in every node's metadata, placed over the racks), elect a new leader after the old one is
// killed, a restarted node catches up, and a cleanly stopped leader hands over. Brokers register
// with their racks, are fenced when silent past broker.session.timeout.ms and unfenced again after
// a restart. DescribeQuorum is read with our own client, as kafka-metadata-quorum would.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { autoCreateVia, brokersSeenBy, createTopicVia, LocalCluster, partitionsSeenBy, type ClusterNode } from "./local-cluster.js";

async function topicNames(node: ClusterNode): Promise<string[]> {
  const admin = new Kafka({ brokers: [`127.0.0.1:${node.port}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).sort();
  } finally {
    await admin.disconnect();
  }
}

describe("metadata quorum of three processes", () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  it("elects one leader, replicates metadata, survives the leader's kill -9 and lets a restarted node catch up", async () => {
    // Short sessions so a killed broker is fenced within the test's patience.
    cluster = await LocalCluster.start(3, ["broker.heartbeat.interval.ms=200", "broker.session.timeout.ms=2000"]);
    const nodes = cluster.nodes;
    const first = await cluster.quorumLeader();
    expect(first.voters).toBe(3);
    // Every broker registered with its rack and was unfenced; every node's metadata lists all three.
    // (Each node learns of the others' unfencing as it replicates the metadata log: shortly.)
    for (const n of nodes) {
      await vi.waitFor(async () => expect(await brokersSeenBy(n)).toEqual([[1, "a"], [2, "b"], [3, "c"]]), { timeout: 10_000, interval: 100 });
    }
    // A topic created through a node that is not the controller: forwarded, placed over the racks.
    const follower = nodes.find((n) => n.id !== first.node.id)!;
    expect(await createTopicVia(follower, "spread", 6, 3)).toBe(0);
    expect(await createTopicVia(follower, "too-wide", 1, 4)).toBe(38); // INVALID_REPLICATION_FACTOR
    // (The follower learns of the topic as it replicates the metadata log: shortly.)
    const placed = await vi.waitFor(() => partitionsSeenBy(follower, "spread"), { timeout: 10_000, interval: 100 });
    expect(placed).toHaveLength(6);
    for (const p of placed) expect(new Set(p.replicas).size).toBe(3); // one per rack a, b, c
    expect(placed.map((p) => p.leader).sort()).toEqual([1, 1, 2, 2, 3, 3]);
    // Every node holds a log for each of its replicas (here: all six partitions).
    for (const n of nodes) {
      await vi.waitFor(() => expect([0, 1, 2, 3, 4, 5].every((p) => existsSync(join(n.dataDir, `spread-${p}`)))).toBe(true), { timeout: 10_000, interval: 100 });
    }
    // Auto-creation through Metadata on a node that is not the controller: forwarded too. The
    // answer is the topic, or LEADER_NOT_AVAILABLE (5) while this node has not replicated it yet.
    expect([0, 5]).toContain(await autoCreateVia(follower, "auto-made"));
    for (const n of nodes) await vi.waitFor(() => partitionsSeenBy(n, "auto-made"), { timeout: 10_000, interval: 100 });
    const admin = new Kafka({ brokers: [`127.0.0.1:${first.node.port}`], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    // waitForLeaders off: KafkaJS gives up if the broker it asks has not yet replicated the new topic.
    await admin.createTopics({ topics: [{ topic: "before-kill", numPartitions: 2 }], waitForLeaders: false });
    await admin.disconnect();
    for (const n of nodes) await vi.waitFor(async () => expect(await topicNames(n)).toContain("before-kill"), { timeout: 10_000, interval: 100 });

    await cluster.kill(first.node.id);
    const second = await cluster.quorumLeader();
    // The killed broker's session lapses: it is fenced and leaves the metadata.
    const survivor = cluster.running[0]!;
    await vi.waitFor(async () => expect((await brokersSeenBy(survivor)).map(([id]) => id)).not.toContain(first.node.id), { timeout: 15_000, interval: 200 });
    expect(second.node.id).not.toBe(first.node.id);
    expect(second.epoch).toBeGreaterThan(first.epoch);
    const admin2 = new Kafka({ brokers: [`127.0.0.1:${second.node.port}`], logLevel: logLevel.NOTHING }).admin();
    await admin2.connect();
    await admin2.createTopics({ topics: [{ topic: "after-kill", numPartitions: 1 }], waitForLeaders: false });
    await admin2.disconnect();

    await cluster.restart(first.node.id);
    // Restarted, it registers again (a new incarnation) and is unfenced once caught up.
    await vi.waitFor(async () => expect((await brokersSeenBy(survivor)).map(([id]) => id)).toEqual([1, 2, 3]), { timeout: 15_000, interval: 200 });
    await vi.waitFor(async () => expect(await topicNames(first.node)).toEqual(expect.arrayContaining(["after-kill", "before-kill"])), {
      timeout: 15_000,
      interval: 100,
    });
    const after = await cluster.quorumLeader();
    expect(after.voters).toBe(3);

    // A clean stop of the leader hands over (EndQuorumEpoch) and exits 0.
    expect(await cluster.stop(after.node.id)).toBe(0);
    const handedOver = await cluster.quorumLeader();
    expect(handedOver.epoch).toBeGreaterThan(after.epoch);
  }, 240_000);
});
