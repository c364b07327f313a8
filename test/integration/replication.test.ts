// Partition replication across three `millrace broker` processes: a topic with RF 3 and
// min.insync.replicas=2; KafkaJS produces numbered records with acks=all; the leader of a
// partition is killed with SIGKILL (idempotent producer, so retries never duplicate); the controller elects a new leader from the ISR; every
// acknowledged record is then read back exactly once, in order, from the new leaders; the killed
// broker comes back, catches up and rejoins the ISR; below min.insync.replicas acks=all is refused.
import { Kafka, logLevel, type Producer } from "kafkajs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { brokersSeenBy, createTopicVia, electPreferredLeaders, LocalCluster, partitionsSeenBy, readPartition, type ClusterNode } from "./local-cluster.js";

const TOPIC = "replicated";
const STRICT = "strict";
const PARTITIONS = 3;

async function produceNumbered(producer: Producer, from: number, count: number): Promise<Map<number, string[]>> {
  const acked = new Map<number, string[]>();
  for (let i = from; i < from + count; i += 30) {
    const messages = Array.from({ length: Math.min(30, from + count - i) }, (_, k) => ({ partition: (i + k) % PARTITIONS, value: `n-${i + k}` }));
    await producer.send({ topic: TOPIC, acks: -1, messages });
    for (const m of messages) {
      if (!acked.has(m.partition)) acked.set(m.partition, []);
      acked.get(m.partition)!.push(m.value);
    }
  }
  return acked;
}

/** Waits until `node` sees every partition led, with the given ISR size. */
function isrOf(cluster: LocalCluster, node: ClusterNode, size: number, topic = TOPIC) {
  return vi.waitFor(
    async () => {
      const parts = await partitionsSeenBy(node, topic);
      for (const p of parts) {
        if (p.leader < 0 || !cluster.running.some((n) => n.id === p.leader) || p.isr.length !== size) throw new Error(`not yet: ${JSON.stringify(parts)}`);
      }
      return parts;
    },
    { timeout: 30_000, interval: 200 },
  );
}

describe("replication over three processes", () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  it("keeps every acks=all record through a leader's kill -9, re-elects from the ISR and lets the broker rejoin", async () => {
    cluster = await LocalCluster.start(3, ["broker.heartbeat.interval.ms=200", "broker.session.timeout.ms=2000", "replica.lag.time.max.ms=3000"]);
    await cluster.quorumLeader();
    const [n1] = cluster.nodes;
    await vi.waitFor(async () => expect(await createTopicVia(n1!, TOPIC, PARTITIONS, 3, { "min.insync.replicas": "2" })).toBe(0), { timeout: 20_000, interval: 200 });
    const before = await isrOf(cluster, n1!, 3);

    const kafka = new Kafka({ brokers: cluster.nodes.map((n) => `127.0.0.1:${n.port}`), logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100 } });
    // Idempotent: retries after a lost answer or a leader change must not write a record twice.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    const acked = await produceNumbered(producer, 0, 300);

    // Kill the leader of partition 0; the others' ISR loses it and partition 0 gets a new leader.
    const victim = before[0]!.leader;
    await cluster.kill(victim);
    const survivor = cluster.running[0]!;
    const during = await isrOf(cluster, survivor, 2);
    expect(during[0]!.leader).not.toBe(victim);
    for (const p of during) expect(p.isr).not.toContain(victim);

    for (const [p, values] of await produceNumbered(producer, 300, 300)) acked.get(p)!.push(...values);
    await producer.disconnect();

    // Every acknowledged record, exactly once and in order, from the current leaders.
    for (let p = 0; p < PARTITIONS; p++) {
      const leader = cluster.node(during[p]!.leader);
      const stored = (await readPartition(leader, TOPIC, p)).map((r) => r.value);
      expect(new Set(stored).size).toBe(stored.length);
      const wanted = acked.get(p)!;
      const positions = wanted.map((v) => stored.indexOf(v));
      expect(positions.filter((i) => i < 0)).toEqual([]);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }

    // Back again: it catches up from the leaders and rejoins every ISR.
    await cluster.restart(victim);
    const rejoined = await isrOf(cluster, survivor, 3);
    // kafka-leader-election --election-type preferred: partition 0 goes back to its first replica.
    expect(rejoined[0]!.leader).not.toBe(rejoined[0]!.replicas[0]);
    const elected = await electPreferredLeaders(survivor, TOPIC, [0, 1, 2]).catch((err) => {
      for (const n of cluster!.running) console.log(n.id, n.process!.logs.slice(-12).map((l) => JSON.stringify(l).slice(0, 300)).join("\n"));
      throw err;
    });
    expect(elected.get(0)).toBe(0); // NONE
    expect([...elected.values()].filter((e) => e !== 0 && e !== 84)).toEqual([]); // others: NONE or ELECTION_NOT_NEEDED
    await vi.waitFor(async () => expect((await partitionsSeenBy(survivor, TOPIC))[0]!.leader).toBe(rejoined[0]!.replicas[0]), { timeout: 10_000, interval: 100 });

    // A topic asking for three in-sync copies refuses acks=all once a broker is gone. (Only one:
    // with two of three combined nodes down the metadata quorum itself would have no majority.)
    expect(await createTopicVia(survivor, STRICT, 1, 3, { "min.insync.replicas": "3" })).toBe(0);
    await isrOf(cluster, survivor, 3, STRICT);
    const gone = cluster.running.find((n) => n.id !== survivor.id)!.id;
    await cluster.kill(gone);
    await isrOf(cluster, survivor, 2, STRICT);
    // The client must not be sent to the dead broker (its refused connection would be the error).
    await vi.waitFor(async () => expect((await brokersSeenBy(survivor)).map(([id]) => id)).not.toContain(gone), { timeout: 30_000, interval: 100 });
    // (Retries, so a metadata refresh may follow the leader; NOT_ENOUGH_REPLICAS stays the reason.)
    const strict = new Kafka({ brokers: [`127.0.0.1:${survivor.port}`], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } }).producer({
      idempotent: false,
    });
    await strict.connect();
    const refused = await strict.send({ topic: STRICT, acks: -1, messages: [{ value: "too few replicas" }] }).then(
      () => "accepted",
      (err: Error & { type?: string; originalError?: { type?: string } }) => err.originalError?.type ?? err.type ?? err.message,
    );
    await strict.disconnect();
    // KafkaJS reports NOT_ENOUGH_REPLICAS by its message.
    expect(String(refused)).toMatch(/NOT_ENOUGH_REPLICAS|fewer in-sync replicas than required/);
  }, 240_000);
});
