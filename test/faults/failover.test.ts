// Quorum leader killed under load: in a 3-node cluster with an idempotent acks=all producer
// writing to a partition led by the active controller, the controller's process is killed with
// SIGKILL; we time how long until another node reports itself quorum leader (DescribeQuorum, polled
// every 20 ms) and until the producer's next acknowledgement. The node is restarted and the
// cluster healed before the next run. On demand: `npm run failover` runs 20 and prints
// p50/p99 (FAILOVER_RUNS=n). Each run's figures are one JSON line (FAILOVER_REPORT_FILE).
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createTopicVia, describeQuorum, electPreferredLeaders, LocalCluster, partitionsSeenBy } from "../integration/local-cluster.js";

const runs = Number(process.env.FAILOVER_RUNS ?? 3);
const reportFile = process.env.FAILOVER_REPORT_FILE;
const TOPIC = "failover";

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe("quorum leader failover under load", () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  it(`${runs} kills of the active controller: a new leader and producers resuming`, async () => {
    if (reportFile) {
      mkdirSync(dirname(reportFile), { recursive: true });
      writeFileSync(reportFile, "");
    }
    cluster = await LocalCluster.start(3, ["broker.heartbeat.interval.ms=200", "broker.session.timeout.ms=2000", "replica.lag.time.max.ms=3000"]);
    const c = cluster;
    await c.quorumLeader();
    expect(await createTopicVia(c.nodes[0]!, TOPIC, 3, 3, { "min.insync.replicas": "2" })).toBe(0);
    const kafka = new Kafka({
      brokers: c.nodes.map((n) => `127.0.0.1:${n.port}`),
      logLevel: logLevel.NOTHING,
      requestTimeout: 5000,
      retry: { retries: 50, initialRetryTime: 20, maxRetryTime: 500 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const electedMs: number[] = [];
    const resumedMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      // Healthy: full ISRs and leaders on their preferred replicas, so the controller leads a partition too.
      await vi.waitFor(async () => {
        const parts = await partitionsSeenBy(c.running[0]!, TOPIC);
        if (parts.some((p) => p.isr.length !== 3)) throw new Error("ISR not full yet");
      }, { timeout: 60_000, interval: 100 });
      await electPreferredLeaders(c.running[0]!, TOPIC, [0, 1, 2]);
      const leader = await c.quorumLeader();
      const led = (await partitionsSeenBy(leader.node, TOPIC)).find((p) => p.leader === leader.node.id);
      const partition = led?.partition ?? 0;
      let lastAck = 0;
      let producing = true;
      const load = (async () => {
        while (producing) {
          try {
            await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition, value: `run${run}` }] });
            lastAck = Date.now();
          } catch {
            // retried by the client; a give-up just means the next send tries again
          }
        }
      })();
      await vi.waitFor(() => expect(lastAck).toBeGreaterThan(0), { timeout: 30_000, interval: 20 });
      const killedAt = Date.now();
      await c.kill(leader.node.id);
      const survivors = c.running;
      const electedAt = await vi.waitFor(async () => {
        for (const n of survivors) {
          const d = await describeQuorum(n);
          if (d && d.errorCode === 0 && d.leaderId === n.id && d.leaderEpoch > leader.epoch) return Date.now();
        }
        throw new Error("no new quorum leader yet");
      }, { timeout: 30_000, interval: 20 });
      await vi.waitFor(() => expect(lastAck).toBeGreaterThan(killedAt), { timeout: 60_000, interval: 10 });
      const resumedAt = lastAck;
      producing = false;
      await load;
      electedMs.push(electedAt - killedAt);
      resumedMs.push(resumedAt - killedAt);
      const line = { run, killed: leader.node.id, partition, newLeaderMs: electedAt - killedAt, producerResumedMs: resumedAt - killedAt };
      console.log(`FAILOVER ${JSON.stringify(line)}`);
      if (reportFile) appendFileSync(reportFile, `${JSON.stringify(line)}\n`);
      await c.restart(leader.node.id);
    }
    await producer.disconnect();
    const summary = {
      runs,
      newLeaderMs: { p50: percentile(electedMs, 50), p99: percentile(electedMs, 99), max: Math.max(...electedMs) },
      producerResumedMs: { p50: percentile(resumedMs, 50), p99: percentile(resumedMs, 99), max: Math.max(...resumedMs) },
    };
    console.log(`FAILOVER-SUMMARY ${JSON.stringify(summary)}`);
    if (reportFile) appendFileSync(reportFile, `${JSON.stringify({ summary })}\n`);
  }, 60_000 + runs * 60_000);
});
