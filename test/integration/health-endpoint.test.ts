// The health endpoint (millrace.health.port) on real processes: three dedicated controllers started
// one by one — the first alone has no quorum and answers /readyz 503 saying so, all three answer 200
// once they have elected a leader; then a broker whose heartbeats come less often than the
// controllers' session timeout is fenced between heartbeats, and its /readyz says 503 "fenced"
// while /healthz stays 200. A stopped node's endpoint is closed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { stablePort } from "../../broker/cli/stable-port.js";
import { BROKER_MAIN, startBroker, type BrokerProcess } from "./broker-process.js";

interface Node {
  id: number;
  roles: "controller" | "broker";
  dataDir: string;
  listenerPort: number;
  healthPort: number;
  process?: BrokerProcess;
}

async function newNode(id: number, roles: Node["roles"]): Promise<Node> {
  return { id, roles, dataDir: mkdtempSync(join(tmpdir(), `millrace-health-${id}-`)), listenerPort: await stablePort(), healthPort: await stablePort() };
}

async function probe(node: Node, path: "/healthz" | "/readyz"): Promise<{ status: number; body: { reasons?: string[] } }> {
  const res = await fetch(`http://127.0.0.1:${node.healthPort}${path}`, { signal: AbortSignal.timeout(2_000) });
  return { status: res.status, body: (await res.json()) as { reasons?: string[] } };
}

describe("health endpoint", () => {
  const nodes: Node[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.process?.kill()));
    for (const n of nodes) rmSync(n.dataDir, { recursive: true, force: true });
  });

  it("/readyz follows quorum formation and broker fencing", async () => {
    for (const id of [1, 2, 3]) nodes.push(await newNode(id, "controller"));
    nodes.push(await newNode(4, "broker"));
    const voters = nodes.filter((n) => n.roles === "controller").map((n) => `${n.id}@127.0.0.1:${n.listenerPort}`).join(",");
    const overrides = (n: Node): string[] => [
      `process.roles=${n.roles}`,
      `node.id=${n.id}`,
      `log.dirs=${n.dataDir}`,
      `listeners=${n.roles === "controller" ? "CONTROLLER" : "PLAINTEXT"}://127.0.0.1:${n.listenerPort}`,
      "controller.listener.names=CONTROLLER",
      `controller.quorum.voters=${voters}`,
      `millrace.health.port=${n.healthPort}`,
      // The controllers fence a broker 1 s after its last heartbeat; the broker heartbeats every 4 s
      // once unfenced, so it spends most of each interval fenced (and is unfenced by the next one).
      "broker.session.timeout.ms=1000",
      `broker.heartbeat.interval.ms=${n.roles === "broker" ? 4000 : 200}`,
    ];
    const clusterId = spawnSync(process.execPath, [BROKER_MAIN, "storage", "random-uuid"], { encoding: "utf8" }).stdout.trim();
    for (const n of nodes) {
      const format = spawnSync(process.execPath, [BROKER_MAIN, "storage", "format", "--cluster-id", clusterId, ...overrides(n).flatMap((o) => ["--override", o])], {
        encoding: "utf8",
      });
      expect(format.status, format.stderr).toBe(0);
    }
    const start = (n: Node) =>
      startBroker({ dataDir: n.dataDir, overrides: overrides(n), startedMessage: "health endpoint listening", startTimeoutMs: 30_000 }).then((p) => (n.process = p));

    // One voter of three: alive, but no quorum.
    const [c1, c2, c3, b4] = nodes as [Node, Node, Node, Node];
    await start(c1);
    expect((await probe(c1, "/healthz")).status).toBe(200);
    const alone = await probe(c1, "/readyz");
    expect(alone.status).toBe(503);
    expect(alone.body.reasons).toEqual(["the metadata quorum has no leader"]);

    // All three: a leader is elected and every controller catches up with it.
    await Promise.all([start(c2), start(c3)]);
    for (const c of [c1, c2, c3]) {
      await vi.waitFor(async () => expect(await probe(c, "/readyz")).toEqual({ status: 200, body: { ready: true, reasons: [] } }), { timeout: 30_000, interval: 100 });
    }

    // The broker: ready once unfenced, then fenced while its heartbeats lapse.
    await start(b4);
    await vi.waitFor(async () => expect((await probe(b4, "/readyz")).status).toBe(200), { timeout: 30_000, interval: 50 });
    await vi.waitFor(async () => expect(await probe(b4, "/readyz")).toEqual({ status: 503, body: { ready: false, reasons: ["broker 4 is fenced"] } }), {
      timeout: 15_000,
      interval: 50,
    });
    expect((await probe(b4, "/healthz")).status).toBe(200);

    // A clean stop closes the endpoint with the node.
    expect(await b4.process!.stop()).toBe(0);
    await expect(probe(b4, "/healthz")).rejects.toThrow();
    b4.process = undefined;
  });
});
