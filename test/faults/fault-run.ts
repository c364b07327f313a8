// One fault-injection run: a 3-node cluster, a topic with RF 3 and min.insync.replicas=2, an
// idempotent acks=all producer writing numbered records, and a seeded schedule that kill -9s
// nodes (restarting them), SIGSTOPs them (continuing them) and cuts them off the network
// (network-isolation.ts; healing them) — leaders, followers and the quorum leader alike, one
// faulty node at a time. Then everything heals and the checker reads
// every partition back from its leader: each acknowledged record must be there exactly once, in
// the order it was acknowledged; every partition must have a leader and a full ISR again.
import { Kafka, logLevel } from "kafkajs";
import { vi } from "vitest";
import { seededRandom } from "../../broker/metadata/raft/quorum-simulation.js";
import { NetworkIsolation } from "./network-isolation.js";
import { createTopicVia, LocalCluster, partitionsSeenBy, readPartition, type PartitionView } from "../integration/local-cluster.js";

export const TOPIC = "faults";
const PARTITIONS = 3;

export type FaultKind = "kill" | "stop" | "isolate";

export interface FaultEvent {
  atMs: number;
  kind: FaultKind;
  node: number;
  /** How long the node stays down (killed), stopped (SIGSTOP) or isolated before it is healed. */
  forMs: number;
}

export interface FaultReport {
  seed: number;
  schedule: FaultEvent[];
  acknowledged: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  failedSends: number;
  /** From the last heal to every partition led with a full ISR and a record acknowledged. */
  recoveryMs: number;
  problems: string[];
}

/** The seeded schedule: a fault every 2–4 s for `durationMs`, at most one faulty node at a time. */
export function faultSchedule(seed: number, durationMs: number, nodes: number, kinds: readonly FaultKind[]): FaultEvent[] {
  const random = seededRandom(seed);
  const between = (a: number, b: number) => a + Math.floor(random() * (b - a + 1));
  const events: FaultEvent[] = [];
  for (let at = between(1000, 2000); at < durationMs; ) {
    const forMs = between(1000, 4000);
    events.push({ atMs: at, kind: kinds[Math.floor(random() * kinds.length)]!, node: between(1, nodes), forMs });
    at += forMs + between(1000, 2500);
  }
  return events;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The faults this machine can inject: isolation needs root, iptables and cgroup v2. */
export function availableFaultKinds(): FaultKind[] {
  return NetworkIsolation.available() ? ["kill", "stop", "isolate"] : ["kill", "stop"];
}

export async function runFaults(seed: number, durationMs: number, kinds: readonly FaultKind[] = availableFaultKinds()): Promise<FaultReport> {
  const schedule = faultSchedule(seed, durationMs, 3, kinds);
  const problems: string[] = [];
  const cluster = await LocalCluster.start(3, [
    "broker.heartbeat.interval.ms=200",
    "broker.session.timeout.ms=2000",
    "replica.lag.time.max.ms=3000",
  ]);
  const isolation = kinds.includes("isolate") ? NetworkIsolation.open() : undefined;
  try {
    await cluster.quorumLeader();
    const entry = cluster.nodes[0]!;
    await vi.waitFor(async () => {
      const code = await createTopicVia(entry, TOPIC, PARTITIONS, 3, { "min.insync.replicas": "2" });
      if (code !== 0 && code !== 36) throw new Error(`create topic: error ${code}`); // 36: already exists (a retried create)
    }, { timeout: 30_000, interval: 200 });
    await fullIsr(cluster, 30_000);

    const kafka = new Kafka({
      brokers: cluster.nodes.map((n) => `127.0.0.1:${n.port}`),
      logLevel: logLevel.NOTHING,
      requestTimeout: 5000,
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    const acked = new Map<number, string[]>();
    let failedSends = 0;
    let next = 0;
    let producing = true;
    let lastAckAt = 0;
    let lastSendError = "none";
    const produceLoop = (async () => {
      while (producing) {
        const partition = next % PARTITIONS;
        const values = Array.from({ length: 5 }, () => `s${seed}-${next++}`);
        try {
          await producer.send({ topic: TOPIC, acks: -1, timeout: 5000, messages: values.map((value) => ({ partition, value })) });
          if (!acked.has(partition)) acked.set(partition, []);
          acked.get(partition)!.push(...values);
          lastAckAt = Date.now();
        } catch (err) {
          failedSends++; // not acknowledged: allowed to be absent (or present once)
          lastSendError = `${(err as Error).name}: ${(err as Error).message}`;
          await sleep(100);
        }
      }
    })();

    // The schedule, in real time.
    const started = Date.now();
    for (const e of schedule) {
      await sleep(Math.max(0, started + e.atMs - Date.now()));
      const node = cluster.node(e.node);
      if (!node.process) continue;
      if (e.kind === "kill") {
        await cluster.kill(e.node);
        await sleep(e.forMs);
        await cluster.restart(e.node);
      } else if (e.kind === "stop") {
        node.process.child.kill("SIGSTOP");
        await sleep(e.forMs);
        node.process.child.kill("SIGCONT");
      } else {
        isolation!.isolate(e.node, node.process.child.pid!, [node.port, node.controllerPort]);
        await sleep(e.forMs);
        isolation!.heal();
      }
    }
    const healedAt = Date.now();
    await fullIsr(cluster, 60_000);
    const ackBefore = lastAckAt;
    await vi.waitFor(() => {
      if (lastAckAt <= Math.max(ackBefore, healedAt)) throw new Error(`no record acknowledged since healing (${failedSends} sends failed; the last: ${lastSendError})`);
    }, { timeout: 60_000, interval: 100 });
    const recoveryMs = Date.now() - healedAt;
    producing = false;
    await produceLoop;
    await producer.disconnect();

    // The checker.
    const view = await fullIsr(cluster, 30_000);
    let acknowledged = 0;
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    for (const p of view) {
      const leader = cluster.node(p.leader);
      const stored = (await readPartition(leader, TOPIC, p.partition)).map((r) => r.value);
      const counts = new Map<string, number>();
      for (const v of stored) counts.set(v, (counts.get(v) ?? 0) + 1);
      duplicated += [...counts.values()].filter((c) => c > 1).length;
      const wanted = acked.get(p.partition) ?? [];
      acknowledged += wanted.length;
      let lastIndex = -1;
      for (const v of wanted) {
        const i = stored.indexOf(v);
        if (i < 0) lost++;
        else if (i < lastIndex) outOfOrder++;
        else lastIndex = i;
      }
    }
    if (lost > 0) problems.push(`${lost} acknowledged record(s) lost`);
    if (duplicated > 0) problems.push(`${duplicated} record(s) stored more than once`);
    if (outOfOrder > 0) problems.push(`${outOfOrder} record(s) out of acknowledgement order`);
    return { seed, schedule, acknowledged, lost, duplicated, outOfOrder, failedSends, recoveryMs, problems };
  } finally {
    isolation?.close();
    for (const n of cluster.nodes) n.process?.child.kill("SIGCONT");
    await cluster.close();
  }
}

/** Waits until every partition has a running leader and all three replicas in its ISR (as node 1… sees it). */
async function fullIsr(cluster: LocalCluster, timeoutMs: number): Promise<PartitionView[]> {
  return vi.waitFor(
    async () => {
      const node = cluster.running[0]!;
      const parts = await partitionsSeenBy(node, TOPIC);
      for (const p of parts) {
        if (!cluster.running.some((n) => n.id === p.leader) || p.isr.length !== 3) throw new Error(`not healed: ${JSON.stringify(parts)}`);
      }
      return parts;
    },
    { timeout: timeoutMs, interval: 200 },
  );
}
