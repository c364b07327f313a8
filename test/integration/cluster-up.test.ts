// `millrace cluster up`: a 4-node cluster (3 combined controller+broker nodes, 1 broker-only)
// over racks a, b, c; one `bootstrap=` line when ready; a replicated topic works end to end
// (idempotent acks=all producer, consumer); SIGTERM stops every node and exits 0. With
// --dedicated-controllers: a controller-only node 1, brokers 2 and 3, bootstrap= naming a broker.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it, vi } from "vitest";
import { BROKER_MAIN } from "./broker-process.js";
import { brokersSeenBy, createTopicVia, partitionsSeenBy, readPartition, type ClusterNode } from "./local-cluster.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The address `cluster up` prints once every node has started; rejects if it exits first or takes 120 s. */
function bootstrapLine(child: ChildProcess, exited: Promise<number | null>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no bootstrap line within 120 s")), 120_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("bootstrap=")) {
        clearTimeout(timer);
        resolve(line.slice("bootstrap=".length));
      }
    });
    void exited.then((code) => reject(new Error(`cluster up exited with ${code} before it was ready`)));
  });
}

describe("millrace cluster up", () => {
  it("runs a racked cluster of broker processes until SIGTERM", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "millrace-cluster-up-"));
    const child = spawn(process.execPath, [BROKER_MAIN, "cluster", "up", "--brokers", "4", "--controllers", "3", "--racks", "a,b,c", "--data-dir", dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const pids: number[] = [];
    createInterface({ input: child.stderr! }).on("line", (line) => {
      const m = /^node \d+ pid=(\d+)/.exec(line);
      if (m) pids.push(Number(m[1]));
    });
    try {
      const bootstrap = await bootstrapLine(child, exited);
      expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(pids).toHaveLength(4);
      const entry: ClusterNode = { id: 0, dataDir, port: Number(bootstrap.split(":")[1]), controllerPort: 0 };
      await vi.waitFor(async () => expect(await brokersSeenBy(entry)).toEqual([[1, "a"], [2, "b"], [3, "c"], [4, "a"]]), { timeout: 10_000, interval: 100 });

      expect(await createTopicVia(entry, "up", 2, 3, { "min.insync.replicas": "2" })).toBe(0);
      await vi.waitFor(async () => expect((await partitionsSeenBy(entry, "up")).every((p) => p.isr.length === 3)).toBe(true), { timeout: 15_000, interval: 100 });
      const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({ topic: "up", acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ partition: i % 2, value: `v${i}` })) });
      await producer.disconnect();
      const parts = await partitionsSeenBy(entry, "up");
      const stored: string[] = [];
      for (const p of parts) {
        const leaderPort = (await brokerPorts(entry)).get(p.leader)!;
        stored.push(...(await readPartition({ ...entry, port: leaderPort }, "up", p.partition)).map((r) => r.value));
      }
      expect(stored.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`).sort());
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  }, 240_000);

  it("with --dedicated-controllers runs controller-only nodes first and names a broker as bootstrap", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "millrace-cluster-up-dedicated-"));
    const child = spawn(process.execPath, [BROKER_MAIN, "cluster", "up", "--brokers", "2", "--controllers", "1", "--dedicated-controllers", "--racks", "a,b", "--data-dir", dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const nodes: { id: number; pid: number; roles: string }[] = [];
    createInterface({ input: child.stderr! }).on("line", (line) => {
      const m = /^node (\d+) pid=(\d+) dir=\S+ (\S+)$/.exec(line);
      if (m) nodes.push({ id: Number(m[1]), pid: Number(m[2]), roles: m[3]! });
    });
    try {
      const bootstrap = await bootstrapLine(child, exited);
      expect(nodes.map((n) => [n.id, n.roles])).toEqual([[1, "controller"], [2, "broker"], [3, "broker"]]);
      const controllerProperties = readFileSync(join(dataDir, "node-1", "server.properties"), "utf8");
      expect(controllerProperties).toContain("process.roles=controller\n");
      expect(controllerProperties).toMatch(/^listeners=CONTROLLER:\/\/127\.0\.0\.1:\d+$/m);
      expect(controllerProperties).not.toContain("broker.rack");
      expect(readFileSync(join(dataDir, "node-2", "server.properties"), "utf8")).toContain(`listeners=PLAINTEXT://${bootstrap}\n`);
      const entry: ClusterNode = { id: 0, dataDir, port: Number(bootstrap.split(":")[1]), controllerPort: 0 };
      await vi.waitFor(async () => expect(await brokersSeenBy(entry)).toEqual([[2, "a"], [3, "b"]]), { timeout: 10_000, interval: 100 });
      expect(await createTopicVia(entry, "dedicated", 2, 2)).toBe(0);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(nodes.map((n) => n.pid).filter(alive)).toEqual([]);
  }, 240_000);
});

/** Broker id → port, from Metadata (KafkaJS would do the same). */
async function brokerPorts(entry: ClusterNode): Promise<Map<number, number>> {
  const kafka = new Kafka({ brokers: [`127.0.0.1:${entry.port}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    return new Map(brokers.map((b) => [b.nodeId, b.port]));
  } finally {
    await admin.disconnect();
  }
}
