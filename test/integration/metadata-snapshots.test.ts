// Metadata snapshots in a three-process cluster (KIP-630): with small thresholds every node
// snapshots its metadata image and the log loses its front; a node stopped meanwhile comes back
// behind the leader's log start and catches up through FetchSnapshot (its image then equals the
// others', as its own Metadata and DescribeConfigs answers show); a restarted node loads its own
// snapshot; and Kafka's kafka-dump-log reads our .checkpoint files. A broker-only node (a quorum
// observer) behind the log start catches up the same way.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { apiCall, KafkaConnection } from "../../broker/client/kafka-connection.js";
import { describeConfigsRequestMeta, writeDescribeConfigsRequest } from "../../broker/protocol/generated/describe-configs-request.gen.js";
import { readDescribeConfigsResponse } from "../../broker/protocol/generated/describe-configs-response.gen.js";
import { defaultMetadataRequest, metadataRequestMeta, writeMetadataRequest } from "../../broker/protocol/generated/metadata-request.gen.js";
import { readMetadataResponse } from "../../broker/protocol/generated/metadata-response.gen.js";
import { kafkaTool } from "./kafka-tool.js";
import { brokersSeenBy, createTopicVia, describeQuorum, LocalCluster, type ClusterNode } from "./local-cluster.js";

const METADATA = apiCall(metadataRequestMeta, 12, writeMetadataRequest, readMetadataResponse);
const DESCRIBE_CONFIGS = apiCall(describeConfigsRequestMeta, 4, writeDescribeConfigsRequest, readDescribeConfigsResponse);
/** Kafka's kafka-dump-log.sh main class (org.apache.kafka.tools since Kafka 4). */
const DUMP_LOG = "org.apache.kafka.tools.DumpLogSegments";

const OVERRIDES = [
  "broker.heartbeat.interval.ms=200",
  "broker.session.timeout.ms=2000",
  "metadata.log.max.record.bytes.between.snapshots=4096",
  "metadata.log.segment.bytes=4096",
  "metadata.max.retention.bytes=1024",
];

async function withConnection<T>(node: ClusterNode, use: (conn: KafkaConnection) => Promise<T>): Promise<T> {
  const conn = await KafkaConnection.connect("127.0.0.1", node.port, { clientId: "snapshot-test", timeoutMs: 5000 });
  try {
    return await use(conn);
  } finally {
    conn.close();
  }
}

/** Every topic a node's own Metadata lists, with its partitions (leader, replicas, ISR), by name. */
function topicsSeenBy(node: ClusterNode): Promise<Record<string, string>> {
  return withConnection(node, async (conn) => {
    const res = await conn.send(METADATA, { ...defaultMetadataRequest(), topics: null, allowAutoTopicCreation: false }, 5000);
    const out: Record<string, string> = {};
    for (const t of res.topics) {
      const parts = [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);
      out[t.name!] = `${t.topicId} ${parts.map((p) => `${p.partitionIndex}:${p.leaderId}:${p.replicaNodes.join(",")}:${p.isrNodes.join(",")}`).join(" ")}`;
    }
    return out;
  });
}

/** A topic config's value as a node's own DescribeConfigs answers it. */
function topicConfigSeenBy(node: ClusterNode, topic: string, key: string): Promise<string | null | undefined> {
  return withConnection(node, async (conn) => {
    const res = await conn.send(DESCRIBE_CONFIGS, { resources: [{ resourceType: 2, resourceName: topic, configurationKeys: [key] }], includeSynonyms: false, includeDocumentation: false }, 5000);
    const r = res.results[0]!;
    if (r.errorCode !== 0) throw new Error(`DescribeConfigs ${topic} from node ${node.id}: error ${r.errorCode}`);
    return r.configs.find((c) => c.name === key)?.value;
  });
}

function logsOf(node: ClusterNode, msg: string): Record<string, unknown>[] {
  return (node.process?.logs ?? []).filter((l) => l.msg === msg);
}

/**
 * Metadata churn sent to `via`: topics created and deleted, configs changed, until the quorum
 * leader's log starts past `end`. Returns the topics left.
 */
async function churnPast(leader: ClusterNode, via: ClusterNode, end: bigint, replicationFactor: number): Promise<string[]> {
  const admin = new Kafka({ brokers: [`127.0.0.1:${via.port}`], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const alive: string[] = [];
  const logStart = () => Math.max(0, ...logsOf(leader, "metadata log start moved to a snapshot").map((l) => Number(l.logStartOffset)));
  try {
    for (let i = 0; i < 400 && logStart() <= Number(end); i++) {
      const name = `churn-${i}`;
      expect(await createTopicVia(via, name, 2, replicationFactor, { "retention.ms": String(60_000 + i) })).toBe(0);
      if (i % 3 === 2) {
        await admin.deleteTopics({ topics: [name] });
      } else {
        alive.push(name);
        if (i % 2 === 0) {
          await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name, configEntries: [{ name: "cleanup.policy", value: "compact" }] }] });
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
  expect(logStart()).toBeGreaterThan(Number(end));
  expect(logsOf(leader, "metadata snapshot written").length).toBeGreaterThan(0);
  return alive;
}

function checkpoints(node: ClusterNode): string[] {
  return readdirSync(join(node.dataDir, "__cluster_metadata-0")).filter((f) => f.endsWith(".checkpoint")).sort();
}

describe("metadata snapshots in a cluster", () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  it("a node stopped while the log's front was deleted catches up through FetchSnapshot; restarts load snapshots; Kafka's tools read them", async () => {
    cluster = await LocalCluster.start(3, OVERRIDES);
    const leader = (await cluster.quorumLeader()).node;
    const [lagging, other] = cluster.nodes.filter((n) => n.id !== leader.id) as [ClusterNode, ClusterNode];

    expect(await cluster.stop(lagging.id)).toBe(0);
    const laggingEnd = await vi.waitFor(
      async () => {
        const voter = (await describeQuorum(leader))?.currentVoters.find((v) => v.replicaId === lagging.id);
        if (!voter || voter.logEndOffset < 0n) throw new Error("the leader has no fetch offset for the stopped node yet");
        return voter.logEndOffset;
      },
      { timeout: 10_000, interval: 100 },
    );

    // Metadata churn through the leader until its log starts past everything the stopped node has.
    const alive = await churnPast(leader, leader, laggingEnd, 2);

    // Back, it is told of the leader's snapshot, fetches it and starts its log there.
    await cluster.restart(lagging.id);
    const fetched = logsOf(lagging, "metadata snapshot fetched from the leader; the log starts again at its end");
    expect(fetched.length).toBeGreaterThan(0);
    expect(Number(fetched[0]!.snapshotOffset)).toBeGreaterThan(Number(laggingEnd));
    expect(logsOf(lagging, "metadata image loaded from a snapshot").map((l) => l.source)).toContain("leader");
    expect(checkpoints(lagging).length).toBeGreaterThan(0);

    // Its image is the others': Metadata and DescribeConfigs answered by the node itself.
    const expected = await topicsSeenBy(leader);
    expect(Object.keys(expected).sort()).toEqual(expect.arrayContaining(alive));
    await vi.waitFor(async () => expect(await topicsSeenBy(lagging)).toEqual(await topicsSeenBy(leader)), { timeout: 15_000, interval: 200 });
    // (AlterConfigs replaces a topic's whole set: churn-0 has cleanup.policy alone, churn-1 its retention.ms.)
    expect(await topicConfigSeenBy(lagging, "churn-0", "cleanup.policy")).toBe("compact");
    expect(await topicConfigSeenBy(lagging, "churn-1", "retention.ms")).toBe("60001");
    for (const name of [alive[0]!, alive[1]!, alive.at(-2)!, alive.at(-1)!]) {
      for (const key of ["retention.ms", "cleanup.policy"]) {
        expect(await topicConfigSeenBy(lagging, name, key)).toBe(await topicConfigSeenBy(leader, name, key));
      }
    }
    // Metadata created after the catch-up reaches it through the log as usual.
    expect(await createTopicVia(leader, "after-catch-up", 1, 1)).toBe(0);
    await vi.waitFor(async () => expect(Object.keys(await topicsSeenBy(lagging))).toContain("after-catch-up"), { timeout: 15_000, interval: 200 });

    // A restarted node loads its own latest snapshot and replays the log from its end.
    expect(await cluster.stop(other.id)).toBe(0);
    const own = checkpoints(other).at(-1)!;
    await cluster.restart(other.id);
    const loaded = logsOf(other, "metadata image loaded from a snapshot");
    expect(loaded).toHaveLength(1);
    expect(loaded[0]).toMatchObject({ source: "start-up" });
    expect(`${String(loaded[0]!.snapshotOffset).padStart(20, "0")}-${String(loaded[0]!.snapshotEpoch).padStart(10, "0")}.checkpoint`).toBe(own);
    expect(Number(loaded[0]!.topics)).toBeGreaterThan(0);
    expect(Number(logsOf(other, "metadata log loaded")[0]!.startOffset)).toBeGreaterThan(0);
    await vi.waitFor(async () => expect(await topicsSeenBy(other)).toEqual(await topicsSeenBy(leader)), { timeout: 15_000, interval: 200 });

    // Kafka's own kafka-dump-log decodes our snapshot file: header, records, footer.
    const file = join(leader.dataDir, "__cluster_metadata-0", checkpoints(leader).at(-1)!);
    const dump = kafkaTool(DUMP_LOG, ["--cluster-metadata-decoder", "--files", file]);
    expect(dump.status, dump.stderr).toBe(0);
    expect(dump.stdout).toContain("SnapshotHeader");
    expect(dump.stdout).toContain("SnapshotFooter");
    expect(dump.stdout).toContain(`"type":"TOPIC_RECORD"`);
    expect(dump.stdout).toContain(`"name":"${alive[0]}"`);
    expect(dump.stdout).toContain(`"type":"REGISTER_BROKER_RECORD"`);
    expect(dump.stdout).not.toMatch(/isvalid: false|Exception/);
    // And the log segments left after the front deletion (LeaderChange control records included).
    const partitionDir = join(other.dataDir, "__cluster_metadata-0");
    const segments = readdirSync(partitionDir).filter((f) => f.endsWith(".log")).map((f) => join(partitionDir, f));
    const logDump = kafkaTool(DUMP_LOG, ["--cluster-metadata-decoder", "--files", segments.join(",")]);
    expect(logDump.status, logDump.stderr).toBe(0);
    expect(logDump.stdout).toContain("LeaderChange: {");
    expect(logDump.stdout).not.toMatch(/isvalid: false|Exception/);

    // No node had trouble with its metadata log or snapshots along the way.
    for (const n of cluster.running) {
      expect((n.process?.logs ?? []).filter((l) => (l.level as number) >= 50 && /metadata|snapshot/.test(String(l.msg)))).toEqual([]);
    }
  }, 240_000);

  it("a broker-only node (an observer) behind the log start catches up through FetchSnapshot", async () => {
    await cluster?.close();
    cluster = await LocalCluster.startDedicated({ controllers: 3, brokers: 2 }, OVERRIDES);
    const leader = (await cluster.quorumLeader()).node;
    const [via, observer] = cluster.brokers as [ClusterNode, ClusterNode];
    expect(await cluster.stop(observer.id)).toBe(0);
    const observerEnd = await vi.waitFor(
      async () => {
        const seen = (await describeQuorum(leader))?.observers.find((o) => o.replicaId === observer.id);
        if (!seen || seen.logEndOffset < 0n) throw new Error("the leader has no fetch offset for the stopped observer yet");
        return seen.logEndOffset;
      },
      { timeout: 10_000, interval: 100 },
    );
    // (KafkaJS would try the stopped broker while Metadata still lists it.)
    await vi.waitFor(async () => expect((await brokersSeenBy(via)).map(([id]) => id)).not.toContain(observer.id), { timeout: 15_000, interval: 200 });
    const alive = await churnPast(leader, via, observerEnd, 1);

    await cluster.restart(observer.id);
    expect(logsOf(observer, "metadata snapshot fetched from the leader; the log starts again at its end").length).toBeGreaterThan(0);
    expect(logsOf(observer, "metadata image loaded from a snapshot").map((l) => l.source)).toContain("leader");
    await vi.waitFor(async () => expect(await topicsSeenBy(observer)).toEqual(await topicsSeenBy(via)), { timeout: 15_000, interval: 200 });
    expect(Object.keys(await topicsSeenBy(observer))).toEqual(expect.arrayContaining(alive));
    expect(await topicConfigSeenBy(observer, alive.at(-1)!, "retention.ms")).toBe(await topicConfigSeenBy(via, alive.at(-1)!, "retention.ms"));
  }, 240_000);
});
