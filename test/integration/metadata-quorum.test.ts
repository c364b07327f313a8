// Three `millrace broker` processes forming a metadata quorum over their CONTROLLER listeners:
// they elect a leader, replicate the metadata log (a topic created on the leader shows up in
// every node's metadata), elect a new leader after the old one is killed, and a restarted node
// catches up, and a cleanly stopped leader hands over. Brokers register with their racks, are
// fenced when silent past broker.session.timeout.ms and unfenced again after a restart. DescribeQuorum is read with our own client, as kafka-metadata-quorum would.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { apiCall, KafkaConnection } from "../../broker/client/kafka-connection.js";
import { describeQuorumRequestMeta, writeDescribeQuorumRequest } from "../../broker/protocol/generated/describe-quorum-request.gen.js";
import { readDescribeQuorumResponse, type DescribeQuorumResponse } from "../../broker/protocol/generated/describe-quorum-response.gen.js";
import { defaultMetadataRequest, metadataRequestMeta, writeMetadataRequest } from "../../broker/protocol/generated/metadata-request.gen.js";
import { readMetadataResponse } from "../../broker/protocol/generated/metadata-response.gen.js";
import { createTopicsRequestMeta, writeCreateTopicsRequest } from "../../broker/protocol/generated/create-topics-request.gen.js";
import { readCreateTopicsResponse } from "../../broker/protocol/generated/create-topics-response.gen.js";
import { existsSync } from "node:fs";
import { freePort } from "../kafka/probe.js";
import { BROKER_MAIN, startBroker, type BrokerProcess } from "./broker-process.js";

const RACKS = ["a", "b", "c"];
const METADATA = apiCall(metadataRequestMeta, 12, writeMetadataRequest, readMetadataResponse);
const CREATE_TOPICS = apiCall(createTopicsRequestMeta, 7, writeCreateTopicsRequest, readCreateTopicsResponse);
const DESCRIBE_QUORUM = apiCall(describeQuorumRequestMeta, 2, writeDescribeQuorumRequest, readDescribeQuorumResponse);

interface Node {
  id: number;
  dataDir: string;
  port: number;
  controllerPort: number;
  process?: BrokerProcess;
}

async function describeQuorum(node: Node): Promise<DescribeQuorumResponse["topics"][number]["partitions"][number] | undefined> {
  let conn: KafkaConnection | undefined;
  try {
    conn = await KafkaConnection.connect("127.0.0.1", node.controllerPort, { clientId: "quorum-test", timeoutMs: 2000 });
    const res = await conn.send(DESCRIBE_QUORUM, { topics: [{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 0 }] }] }, 5000);
    return res.topics[0]?.partitions[0];
  } catch {
    return undefined; // down or not listening yet
  } finally {
    conn?.close();
  }
}

/** The node that answers DescribeQuorum as leader, once exactly one does. */
async function leaderOf(nodes: Node[]): Promise<{ node: Node; epoch: number; voters: number }> {
  return vi.waitFor(
    async () => {
      const answers = await Promise.all(nodes.filter((n) => n.process).map(async (n) => ({ n, d: await describeQuorum(n) })));
      const leaders = answers.filter((a) => a.d?.errorCode === 0 && a.d.leaderId === a.n.id);
      if (leaders.length !== 1) throw new Error(`no single leader yet: ${JSON.stringify(answers.map((a) => [a.n.id, a.d?.errorCode, a.d?.leaderId]))}`);
      const d = leaders[0]!.d!;
      return { node: leaders[0]!.n, epoch: d.leaderEpoch, voters: d.currentVoters.length };
    },
    { timeout: 30_000, interval: 100 },
  );
}

/** The brokers a node's Metadata (v12) lists: id and rack. */
async function brokersSeenBy(node: Node): Promise<[number, string | null][]> {
  const conn = await KafkaConnection.connect("127.0.0.1", node.port, { clientId: "quorum-test", timeoutMs: 2000 });
  try {
    const res = await conn.send(METADATA, { ...defaultMetadataRequest(), topics: [], allowAutoTopicCreation: false }, 5000);
    return res.brokers.map((b) => [b.nodeId, b.rack] as [number, string | null]).sort((a, b) => a[0] - b[0]);
  } finally {
    conn.close();
  }
}

/** CreateTopics sent to one particular node (which forwards it when it is not the controller). */
async function createTopicVia(node: Node, name: string, numPartitions: number, replicationFactor: number): Promise<number> {
  const conn = await KafkaConnection.connect("127.0.0.1", node.port, { clientId: "quorum-test", timeoutMs: 2000 });
  try {
    const res = await conn.send(
      CREATE_TOPICS,
      { topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false },
      30_000,
    );
    return res.topics[0]!.errorCode;
  } finally {
    conn.close();
  }
}

/** Each partition's replicas as a node's Metadata shows them. */
async function replicasSeenBy(node: Node, topic: string): Promise<number[][]> {
  const conn = await KafkaConnection.connect("127.0.0.1", node.port, { clientId: "quorum-test", timeoutMs: 2000 });
  try {
    const res = await conn.send(METADATA, { ...defaultMetadataRequest(), topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA" as never, name: topic }], allowAutoTopicCreation: false }, 5000);
    const t = res.topics[0]!;
    if (t.errorCode !== 0) throw new Error(`metadata for ${topic}: error ${t.errorCode}`);
    return [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => p.replicaNodes);
  } finally {
    conn.close();
  }
}

async function topicNames(node: Node): Promise<string[]> {
  const admin = new Kafka({ brokers: [`127.0.0.1:${node.port}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).sort();
  } finally {
    await admin.disconnect();
  }
}

describe("metadata quorum of three processes", () => {
  const nodes: Node[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.process?.kill()));
  });

  function start(node: Node, voters: string): Promise<BrokerProcess> {
    return startBroker({
      dataDir: node.dataDir,
      startTimeoutMs: 60_000,
      overrides: [
        `node.id=${node.id}`,
        `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
        "controller.listener.names=CONTROLLER",
        `controller.quorum.voters=${voters}`,
        `broker.rack=${RACKS[node.id - 1]}`,
        // Short sessions so a killed broker is fenced within the test's patience.
        "broker.heartbeat.interval.ms=200",
        "broker.session.timeout.ms=2000",
      ],
    });
  }

  it("elects one leader, replicates metadata, survives the leader's kill -9 and lets a restarted node catch up", async () => {
    for (const id of [1, 2, 3]) {
      nodes.push({ id, dataDir: mkdtempSync(join(tmpdir(), `millrace-quorum-${id}-`)), port: await freePort(), controllerPort: await freePort() });
    }
    const voters = nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(",");
    const clusterId = spawnSync(process.execPath, [BROKER_MAIN, "storage", "random-uuid"], { encoding: "utf8" }).stdout.trim();
    for (const n of nodes) {
      const format = spawnSync(
        process.execPath,
        [BROKER_MAIN, "storage", "format", "--cluster-id", clusterId, "--override", `node.id=${n.id}`, "--override", `log.dirs=${n.dataDir}`,
          "--override", `listeners=PLAINTEXT://127.0.0.1:${n.port},CONTROLLER://127.0.0.1:${n.controllerPort}`,
          "--override", "controller.listener.names=CONTROLLER", "--override", `controller.quorum.voters=${voters}`],
        { encoding: "utf8" },
      );
      expect(format.status, format.stderr).toBe(0);
    }
    // A node only reports "started" once the quorum has a leader, so all three start together.
    const started = await Promise.all(nodes.map((n) => start(n, voters)));
    started.forEach((p, i) => (nodes[i]!.process = p));

    const first = await leaderOf(nodes);
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
    const placed = await vi.waitFor(() => replicasSeenBy(follower, "spread"), { timeout: 10_000, interval: 100 });
    expect(placed).toHaveLength(6);
    for (const replicas of placed) expect(new Set(replicas).size).toBe(3); // one per rack a, b, c
    const leaders = placed.map((r) => r[0]!).sort();
    expect(leaders).toEqual([1, 1, 2, 2, 3, 3]);
    // Every node holds a log for each of its replicas (here: all six partitions).
    for (const n of nodes) {
      await vi.waitFor(() => expect([0, 1, 2, 3, 4, 5].every((p) => existsSync(join(n.dataDir, `spread-${p}`)))).toBe(true), { timeout: 10_000, interval: 100 });
    }
    const admin = new Kafka({ brokers: [`127.0.0.1:${first.node.port}`], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    // waitForLeaders off: KafkaJS gives up if the broker it asks has not yet replicated the new topic.
    await admin.createTopics({ topics: [{ topic: "before-kill", numPartitions: 2 }], waitForLeaders: false });
    await admin.disconnect();
    for (const n of nodes) await vi.waitFor(async () => expect(await topicNames(n)).toContain("before-kill"), { timeout: 10_000, interval: 100 });

    await first.node.process!.kill();
    first.node.process = undefined;
    const second = await leaderOf(nodes);
    // The killed broker's session lapses: it is fenced and leaves the metadata.
    const survivor = nodes.find((n) => n.process)!;
    await vi.waitFor(async () => expect((await brokersSeenBy(survivor)).map(([id]) => id)).not.toContain(first.node.id), { timeout: 15_000, interval: 200 });
    expect(second.node.id).not.toBe(first.node.id);
    expect(second.epoch).toBeGreaterThan(first.epoch);
    const admin2 = new Kafka({ brokers: [`127.0.0.1:${second.node.port}`], logLevel: logLevel.NOTHING }).admin();
    await admin2.connect();
    await admin2.createTopics({ topics: [{ topic: "after-kill", numPartitions: 1 }], waitForLeaders: false });
    await admin2.disconnect();

    first.node.process = await start(first.node, voters);
    // Restarted, it registers again (a new incarnation) and is unfenced once caught up.
    await vi.waitFor(async () => expect((await brokersSeenBy(survivor)).map(([id]) => id)).toEqual([1, 2, 3]), { timeout: 15_000, interval: 200 });
    await vi.waitFor(async () => expect(await topicNames(first.node)).toEqual(expect.arrayContaining(["after-kill", "before-kill"])), {
      timeout: 15_000,
      interval: 100,
    });
    const after = await leaderOf(nodes);
    expect(after.voters).toBe(3);

    // A clean stop of the leader hands over (EndQuorumEpoch) and exits 0.
    expect(await after.node.process!.stop()).toBe(0);
    after.node.process = undefined;
    const handedOver = await leaderOf(nodes);
    expect(handedOver.epoch).toBeGreaterThan(after.epoch);
  }, 180_000);
});
