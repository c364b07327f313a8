// A cluster of `millrace broker` processes on loopback for tests: every node combined
// (broker + controller voter), or dedicated controllers 1..M and brokers M+1..M+N
// (LocalCluster.startDedicated); formatted with one cluster id, brokers on racks a, b, c, …; and the small
// Kafka-protocol probes the tests use (DescribeQuorum, Metadata, CreateTopics, Fetch), spoken
// with our own client so the checks do not depend on another client's retries.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import { apiCall, KafkaConnection } from "../../broker/client/kafka-connection.js";
import { createTopicsRequestMeta, writeCreateTopicsRequest } from "../../broker/protocol/generated/create-topics-request.gen.js";
import { readCreateTopicsResponse } from "../../broker/protocol/generated/create-topics-response.gen.js";
import { describeQuorumRequestMeta, writeDescribeQuorumRequest } from "../../broker/protocol/generated/describe-quorum-request.gen.js";
import { readDescribeQuorumResponse, type DescribeQuorumResponse } from "../../broker/protocol/generated/describe-quorum-response.gen.js";
import { electLeadersRequestMeta, writeElectLeadersRequest } from "../../broker/protocol/generated/elect-leaders-request.gen.js";
import { readElectLeadersResponse } from "../../broker/protocol/generated/elect-leaders-response.gen.js";
import * as FetchReq from "../../broker/protocol/generated/fetch-request.gen.js";
import * as FetchRes from "../../broker/protocol/generated/fetch-response.gen.js";
import { defaultMetadataRequest, metadataRequestMeta, writeMetadataRequest } from "../../broker/protocol/generated/metadata-request.gen.js";
import { readMetadataResponse } from "../../broker/protocol/generated/metadata-response.gen.js";
import { randomUuid, ZERO_UUID } from "../../broker/protocol/primitives.js";
import { batchViews, decodeRecords, isRecordsError } from "../../broker/protocol/records.js";
import { stablePort } from "../../broker/cli/stable-port.js";
import { BROKER_MAIN, startBroker, type BrokerProcess } from "./broker-process.js";

const METADATA = apiCall(metadataRequestMeta, 12, writeMetadataRequest, readMetadataResponse);
const CREATE_TOPICS = apiCall(createTopicsRequestMeta, 7, writeCreateTopicsRequest, readCreateTopicsResponse);
const DESCRIBE_QUORUM = apiCall(describeQuorumRequestMeta, 2, writeDescribeQuorumRequest, readDescribeQuorumResponse);
const ELECT_LEADERS = apiCall(electLeadersRequestMeta, 2, writeElectLeadersRequest, readElectLeadersResponse);
const FETCH = apiCall(FetchReq.fetchRequestMeta, 12, FetchReq.writeFetchRequest, FetchRes.readFetchResponse);

export const RACKS = ["a", "b", "c", "d", "e"];

export type NodeRoles = "broker,controller" | "controller" | "broker";

export interface ClusterNode {
  readonly id: number;
  /** process.roles; combined when absent. */
  readonly roles?: NodeRoles;
  readonly dataDir: string;
  readonly port: number;
  readonly controllerPort: number;
  process?: BrokerProcess;
}

export interface PartitionView {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

/**
 * A dynamic quorum (KIP-853): nodes find the controllers through controller.quorum.bootstrap.servers;
 * the initial controllers are formatted with --initial-controllers (their directory ids here),
 * controllers added later with --no-initial-controllers.
 */
interface DynamicQuorum {
  readonly bootstrapServers: string;
  readonly initialControllers: string;
  readonly directoryIds: Map<number, string>;
}

export class LocalCluster {
  private clusterId = "";

  private constructor(
    readonly nodes: ClusterNode[],
    private readonly voters: string,
    private readonly overrides: string[],
    private readonly dynamic?: DynamicQuorum,
  ) {}

  /**
   * Formats and starts `size` combined nodes (all at once: a node starts once the quorum has a leader).
   * `formatFlags` go to every node's `storage format` (e.g. --add-scram).
   */
  static start(size: number, overrides: string[] = [], opts: { formatFlags?: string[] } = {}): Promise<LocalCluster> {
    return LocalCluster.startNodes(Array.from({ length: size }, () => "broker,controller"), overrides, undefined, opts.formatFlags);
  }

  /** Formats and starts dedicated controllers 1..`controllers` and brokers after them. */
  static startDedicated(opts: { controllers: number; brokers: number }, overrides: string[] = []): Promise<LocalCluster> {
    const roles: NodeRoles[] = [...Array.from({ length: opts.controllers }, () => "controller" as const), ...Array.from({ length: opts.brokers }, () => "broker" as const)];
    return LocalCluster.startNodes(roles, overrides);
  }

  /**
   * Dedicated controllers 1..M and brokers after them with a dynamic quorum (KIP-853): every node
   * knows only controller.quorum.bootstrap.servers; the controllers are formatted with
   * --initial-controllers naming all of them.
   */
  static startDynamic(opts: { controllers: number; brokers: number; standalone?: boolean }, overrides: string[] = []): Promise<LocalCluster> {
    if (opts.standalone && opts.controllers !== 1) throw new Error("a standalone quorum starts with one controller");
    const roles: NodeRoles[] = [...Array.from({ length: opts.controllers }, () => "controller" as const), ...Array.from({ length: opts.brokers }, () => "broker" as const)];
    return LocalCluster.startNodes(roles, overrides, opts.standalone ? "standalone" : "initial-controllers");
  }

  private static async startNodes(
    roles: NodeRoles[],
    overrides: string[],
    dynamicQuorum?: "initial-controllers" | "standalone",
    formatFlags: string[] = [],
  ): Promise<LocalCluster> {
    const nodes: ClusterNode[] = [];
    for (const [i, role] of roles.entries()) nodes.push(await newNode(i + 1, role));
    const controllers = nodes.filter(hasController);
    const voters = controllers.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(",");
    let dynamic: DynamicQuorum | undefined;
    if (dynamicQuorum) {
      // Kafka's rules (randomUuid): an id starting with "-" would read as an option to kafka-metadata-quorum.
      const directoryIds = new Map(controllers.map((n) => [n.id, randomUuid()]));
      dynamic = {
        bootstrapServers: controllers.map((n) => `127.0.0.1:${n.controllerPort}`).join(","),
        initialControllers: controllers.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}:${directoryIds.get(n.id)}`).join(","),
        directoryIds,
      };
    }
    const cluster = new LocalCluster(nodes, voters, overrides, dynamic);
    cluster.clusterId = spawnSync(process.execPath, [BROKER_MAIN, "storage", "random-uuid"], { encoding: "utf8" }).stdout.trim();
    const initialFlags = dynamicQuorum === "standalone" ? ["--standalone"] : ["--initial-controllers", dynamic?.initialControllers ?? ""];
    for (const n of nodes) cluster.format(n, [...(dynamic && hasController(n) ? initialFlags : []), ...formatFlags]);
    const started = await Promise.all(nodes.map((n) => cluster.spawn(n)));
    started.forEach((p, i) => (nodes[i]!.process = p));
    return cluster;
  }

  private format(n: ClusterNode, flags: string[]): void {
    const format = spawnSync(process.execPath, [BROKER_MAIN, "storage", "format", "--cluster-id", this.clusterId, ...this.nodeArgs(n), ...flags], { encoding: "utf8" });
    if (format.status !== 0) throw new Error(`storage format of node ${n.id} failed: ${format.stderr}`);
  }

  /**
   * A dynamic quorum's new controller (the next node id), formatted with --no-initial-controllers
   * and started: it joins as an observer, to be added as a voter (kafka-metadata-quorum add-controller).
   */
  async addController(): Promise<ClusterNode> {
    if (!this.dynamic) throw new Error("addController needs a dynamic quorum (LocalCluster.startDynamic)");
    const n = await newNode(Math.max(...this.nodes.map((x) => x.id)) + 1, "controller");
    this.nodes.push(n);
    this.format(n, ["--no-initial-controllers"]);
    n.process = await this.spawn(n);
    return n;
  }

  /** The server.properties of a node, as Kafka's tools read it (kafka-metadata-quorum --command-config). */
  serverProperties(id: number): string {
    const args = this.nodeArgs(this.node(id));
    return args.filter((_, i) => args[i - 1] === "--override").join("\n") + "\n";
  }

  /** A node's metadata directory id, as its meta.properties says (what a dynamic quorum's voter set names). */
  directoryIdOf(id: number): string | undefined {
    return readFileSync(join(this.node(id).dataDir, "meta.properties"), "utf8").match(/^directory\.id=(.+)$/m)?.[1];
  }

  node(id: number): ClusterNode {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  get running(): ClusterNode[] {
    return this.nodes.filter((n) => n.process);
  }

  /** The nodes with the broker role (the ones clients talk to). */
  get brokers(): ClusterNode[] {
    return this.nodes.filter(hasBroker);
  }

  /** The nodes with the controller role (the quorum's voters). */
  get controllers(): ClusterNode[] {
    return this.nodes.filter(hasController);
  }

  async kill(id: number): Promise<void> {
    const n = this.node(id);
    await n.process?.kill();
    n.process = undefined;
  }

  async stop(id: number): Promise<number | null> {
    const n = this.node(id);
    const code = (await n.process?.stop()) ?? null;
    n.process = undefined;
    return code;
  }

  async restart(id: number): Promise<void> {
    const n = this.node(id);
    n.process = await this.spawn(n);
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.process?.kill()));
  }

  private nodeArgs(n: ClusterNode): string[] {
    const listeners = [hasBroker(n) ? `PLAINTEXT://127.0.0.1:${n.port}` : null, hasController(n) ? `CONTROLLER://127.0.0.1:${n.controllerPort}` : null];
    return [
      `process.roles=${n.roles ?? "broker,controller"}`,
      `node.id=${n.id}`,
      `log.dirs=${n.dataDir}`,
      `listeners=${listeners.filter((l) => l !== null).join(",")}`,
      "controller.listener.names=CONTROLLER",
      this.dynamic ? `controller.quorum.bootstrap.servers=${this.dynamic.bootstrapServers}` : `controller.quorum.voters=${this.voters}`,
      // Racks go round the brokers in id order: a, b, c, …
      ...(hasBroker(n) ? [`broker.rack=${RACKS[this.brokers.indexOf(n)]}`] : []),
      ...this.overrides,
    ].flatMap((o) => ["--override", o]);
  }

  private spawn(n: ClusterNode): Promise<BrokerProcess> {
    const args = this.nodeArgs(n).filter((_, i, all) => all[i - 1] === "--override");
    // (A start that never reported "broker started" was once retried here: the controller's
    // commit queue could stall on a lost high-watermark wakeup, fixed in the quorum machine.)
    return startBroker({ dataDir: n.dataDir, startTimeoutMs: 45_000, overrides: args, startedMessage: hasBroker(n) ? "broker started" : "controller started" });
  }

  // ── Probes ──────────────────────────────────────────────────────────────────────────────────

  /** The node answering DescribeQuorum as leader, once exactly one running node does. */
  async quorumLeader(timeoutMs = 30_000): Promise<{ node: ClusterNode; epoch: number; voters: number }> {
    return vi.waitFor(
      async () => {
        const answers = await Promise.all(this.running.filter(hasController).map(async (n) => ({ n, d: await describeQuorum(n) })));
        const leaders = answers.filter((a) => a.d?.errorCode === 0 && a.d.leaderId === a.n.id);
        if (leaders.length !== 1) throw new Error(`no single leader yet: ${JSON.stringify(answers.map((a) => [a.n.id, a.d?.errorCode, a.d?.leaderId]))}`);
        const d = leaders[0]!.d!;
        return { node: leaders[0]!.n, epoch: d.leaderEpoch, voters: d.currentVoters.length };
      },
      { timeout: timeoutMs, interval: 100 },
    );
  }
}

async function newNode(id: number, roles: NodeRoles): Promise<ClusterNode> {
  return { id, roles, dataDir: mkdtempSync(join(tmpdir(), `millrace-cluster-${id}-`)), port: await stablePort(), controllerPort: await stablePort() };
}

export function hasBroker(n: ClusterNode): boolean {
  return (n.roles ?? "broker,controller").includes("broker");
}

export function hasController(n: ClusterNode): boolean {
  return (n.roles ?? "broker,controller").includes("controller");
}

async function withConnection<T>(port: number, use: (conn: KafkaConnection) => Promise<T>): Promise<T> {
  const conn = await KafkaConnection.connect("127.0.0.1", port, { clientId: "cluster-test", timeoutMs: 2000 });
  try {
    return await use(conn);
  } finally {
    conn.close();
  }
}

export async function describeQuorum(node: ClusterNode): Promise<DescribeQuorumResponse["topics"][number]["partitions"][number] | undefined> {
  try {
    return await withConnection(node.controllerPort, async (conn) => {
      const res = await conn.send(DESCRIBE_QUORUM, { topics: [{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 0 }] }] }, 5000);
      return res.topics[0]?.partitions[0];
    });
  } catch {
    return undefined; // down or not listening yet
  }
}

/** The brokers a node's Metadata (v12) lists: id and rack. */
export function brokersSeenBy(node: ClusterNode): Promise<[number, string | null][]> {
  return withConnection(node.port, async (conn) => {
    const res = await conn.send(METADATA, { ...defaultMetadataRequest(), topics: [], allowAutoTopicCreation: false }, 5000);
    return res.brokers.map((b) => [b.nodeId, b.rack] as [number, string | null]).sort((a, b) => a[0] - b[0]);
  });
}

/** A topic's partitions as a node's Metadata shows them (throws while the node does not know it). */
export function partitionsSeenBy(node: ClusterNode, topic: string): Promise<PartitionView[]> {
  return withConnection(node.port, async (conn) => {
    const res = await conn.send(METADATA, { ...defaultMetadataRequest(), topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false }, 5000);
    const t = res.topics[0]!;
    if (t.errorCode !== 0) throw new Error(`metadata for ${topic} from node ${node.id}: error ${t.errorCode}`);
    return [...t.partitions]
      .sort((a, b) => a.partitionIndex - b.partitionIndex)
      .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes }));
  });
}

/** Metadata naming `topic` with auto-creation allowed, sent to one node; the topic's error code. */
export function autoCreateVia(node: ClusterNode, topic: string): Promise<number> {
  return withConnection(node.port, async (conn) => {
    const res = await conn.send(METADATA, { ...defaultMetadataRequest(), topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: true }, 5000);
    return res.topics[0]!.errorCode;
  });
}

/** CreateTopics sent to one node (which forwards it when it is not the controller); the error code. */
export function createTopicVia(node: ClusterNode, name: string, numPartitions: number, replicationFactor: number, configs: Record<string, string> = {}): Promise<number> {
  return withConnection(node.port, async (conn) => {
    const res = await conn.send(
      CREATE_TOPICS,
      {
        topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
        timeoutMs: 30_000,
        validateOnly: false,
      },
      30_000,
    );
    return res.topics[0]!.errorCode;
  });
}

/** ElectLeaders (preferred) for a topic's partitions, sent to `node`: error code per partition. */
export function electPreferredLeaders(node: ClusterNode, topic: string, partitions: number[]): Promise<Map<number, number>> {
  return withConnection(node.port, async (conn) => {
    const res = await conn.send(ELECT_LEADERS, { electionType: 0, topicPartitions: [{ topic, partitions }], timeoutMs: 30_000 }, 30_000);
    if (res.errorCode !== 0) throw new Error(`ElectLeaders: error ${res.errorCode}`);
    return new Map(res.replicaElectionResults.flatMap((t) => t.partitionResult.map((p) => [p.partitionId, p.errorCode] as [number, number])));
  });
}

/** A consumer's Fetch of one partition at `fetchOffset`, answered at once. */
function consumerFetch(topic: string, partition: number, fetchOffset: bigint, rackId: string): FetchReq.FetchRequest {
  return {
    ...FetchReq.defaultFetchRequest(),
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 8 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, topicId: ZERO_UUID, partitions: [{ ...FetchReq.defaultFetchPartition(), partition, fetchOffset, partitionMaxBytes: 8 << 20 }] }],
    forgottenTopicsData: [],
    rackId,
  };
}

/** The records of a Fetch answer's record batches, with their offsets. */
function recordsOf(records: Buffer | null): { offset: bigint; value: string }[] {
  const out: { offset: bigint; value: string }[] = [];
  for (const view of batchViews(records ?? Buffer.alloc(0))) {
    const decoded = decodeRecords(view);
    if (isRecordsError(decoded)) throw new Error(decoded.message);
    for (const r of decoded.records) out.push({ offset: r.offset, value: r.value?.toString() ?? "" });
  }
  return out;
}

/** Every record value of a partition, read from `node` (its leader) from offset 0 up to the high watermark. */
export function readPartition(node: ClusterNode, topic: string, partition: number): Promise<{ offset: bigint; value: string }[]> {
  return withConnection(node.port, async (conn) => {
    const out: { offset: bigint; value: string }[] = [];
    for (let offset = 0n; ; ) {
      const res = await conn.send(FETCH, consumerFetch(topic, partition, offset, ""), 10_000);
      const p = res.responses[0]!.partitions[0]!;
      if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition} at ${offset} from node ${node.id}: error ${p.errorCode}`);
      let advanced = false;
      for (const r of recordsOf(p.records)) {
        if (r.offset < offset) continue;
        out.push(r);
        offset = r.offset + 1n;
        advanced = true;
      }
      if (!advanced || offset >= p.highWatermark) return out;
    }
  });
}

/** One consumer Fetch of a partition from offset 0 at `version`, naming `rackId`: what the node answers. */
export function fetchOnce(
  node: ClusterNode,
  topic: string,
  partition: number,
  opts: { version: number; rackId: string },
): Promise<{ errorCode: number; highWatermark: bigint; preferredReadReplica: number; values: string[] }> {
  const fetch = apiCall(FetchReq.fetchRequestMeta, opts.version, FetchReq.writeFetchRequest, FetchRes.readFetchResponse);
  return withConnection(node.port, async (conn) => {
    const res = await conn.send(fetch, consumerFetch(topic, partition, 0n, opts.rackId), 10_000);
    const p = res.responses[0]!.partitions[0]!;
    return {
      errorCode: p.errorCode,
      highWatermark: p.highWatermark,
      preferredReadReplica: p.preferredReadReplica,
      values: recordsOf(p.records).map((r) => r.value),
    };
  });
}
