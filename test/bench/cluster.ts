// The two brokers as 3-node clusters on loopback (`npm run bench -- --cluster`), each fresh:
// Apache Kafka 4.4.0 as three combined KRaft nodes (test/kafka/kafka.sh, one cluster id, static
// voters over the three controller ports) and Millrace as `millrace cluster up`. Both get the
// settings of cluster-config.ts. Start-up is timed from the first process of the cluster to the
// first acknowledged acks=all write to an RF 3 topic (which needs every broker registered and two
// in sync); memory and CPU are summed over the three node processes (proc.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { randomUuid } from "../../broker/protocol/primitives.js";
import { tail, waitForExit } from "../kafka/kafka.js";
import { freePort } from "../kafka/probe.js";
import {
  execOf, firstAck, KAFKA_SH, MILLRACE_MAIN, stopChild, durabilityOverrides, removeDataDir, warmMillrace,
  type BenchBroker, type BrokerKind, type StartOptions,
} from "./brokers.js";
import {
  CLUSTER_NODES, CLUSTER_REPLICATION_FACTOR, clusterOverrides, kafkaNodeArgs, millraceClusterArgs,
  parseBootstrapLine, parseNodePidLine, parsePlaintextPort, TOPOLOGY_CLUSTER, type KafkaNodePorts,
} from "./cluster-config.js";
import { run } from "./tools.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `cluster up` stops its nodes one at a time, each within 30 s. */
const MILLRACE_STOP_TIMEOUT_MS = 150_000;
const START_TIMEOUT_MS = 180_000;

export async function startBenchCluster(kind: BrokerKind, opts: StartOptions): Promise<BenchBroker> {
  if (opts.nodeFlags?.length || process.env.BENCH_MILLRACE_NODE_FLAGS) {
    throw new Error("node flags (--profile, BENCH_MILLRACE_NODE_FLAGS) apply to one Millrace process, not to a cluster");
  }
  const dir = mkdtempSync(join(opts.baseDir ?? tmpdir(), `millrace-bench-${kind}-cluster-`));
  const overrides = clusterOverrides(durabilityOverrides(opts.mode));
  try {
    return kind === "kafka" ? await startKafkaCluster(dir, overrides, opts) : await startMillraceCluster(dir, overrides, opts);
  } catch (e) {
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Distinct free loopback ports (the kernel may hand the same one out twice in a row). */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** A Kafka Uuid as `kafka-storage random-uuid` prints it (never starting with "-", which `format -t` would read as an option). */
function kafkaClusterId(): string {
  return randomUuid();
}

async function startKafkaCluster(dir: string, overrides: Record<string, string>, opts: StartOptions): Promise<BenchBroker> {
  const ports = await freePorts(2 * CLUSTER_NODES);
  const nodes: KafkaNodePorts[] = [];
  for (let id = 1; id <= CLUSTER_NODES; id++) nodes.push({ id, port: ports[2 * id - 2]!, controllerPort: ports[2 * id - 1]! });
  const clusterId = kafkaClusterId();
  const nodeDir = (n: KafkaNodePorts) => join(dir, `node-${n.id}`);
  const argsOf = (n: KafkaNodePorts) => kafkaNodeArgs(n, nodes, nodeDir(n), clusterId, overrides);

  // Formatting is a JVM per directory; like the single node's, it is timed apart (formatMs), before the start.
  const formatFrom = performance.now();
  const formats = await Promise.all(nodes.map((n) => {
    mkdirSync(nodeDir(n), { recursive: true });
    return run("bash", [KAFKA_SH, "format", ...argsOf(n)], { timeoutMs: 180_000 });
  }));
  const formatMs = performance.now() - formatFrom;
  formats.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`kafka.sh format of node ${i + 1} exited with ${r.code}\n${r.stderr.slice(-3000)}`);
  });

  // All three at once; `run` finds the formatted directory and execs the broker JVM in the same pid.
  const children: ChildProcess[] = nodes.map((n) => {
    const out = openSync(join(nodeDir(n), "stdout.log"), "a");
    const child = spawn("bash", [KAFKA_SH, "run", ...argsOf(n)], { stdio: ["ignore", out, out] });
    closeSync(out);
    return child;
  });
  const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
  const allAlive = () => children.every(alive);
  const killOnExit = () => children.forEach((c) => c.kill("SIGKILL"));
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    // Together: each broker's controlled shutdown then still finds a controller quorum (stopped
    // one by one, the last node would wait for a quorum that is gone).
    await Promise.all(children.map(stopChild));
    if (!opts.keepDir) removeDataDir(dir);
  };
  const logs = () => nodes.map((n) => `--- node ${n.id}: ${join(nodeDir(n), "logs", "server.log")}\n${tail(join(nodeDir(n), "logs", "server.log"), 20)}\n${tail(join(nodeDir(n), "stdout.log"), 10)}`).join("\n");
  try {
    const execs = await Promise.all(children.map((c) => execOf(c.pid!, "kafka.Kafka", () => alive(c))));
    const startedAt = Math.min(...execs);
    const bootstrap = `127.0.0.1:${nodes[0]!.port}`;
    const ackAt = await firstAck(bootstrap, { isAlive: allAlive, replicationFactor: CLUSTER_REPLICATION_FACTOR, timeoutMs: START_TIMEOUT_MS });
    const pids = children.map((c) => c.pid!);
    return {
      kind: "kafka",
      bootstrap,
      topology: TOPOLOGY_CLUSTER,
      pids,
      ownPids: pids,
      dir,
      logFile: join(nodeDir(nodes[0]!), "logs", "server.log"),
      startupMs: ackAt - startedAt,
      formatMs,
      replicationFactor: CLUSTER_REPLICATION_FACTOR,
      overrides: { ...overrides, "broker.rack": "a/b/c" },
      stop,
    };
  } catch (e) {
    const text = logs();
    await stop();
    throw new Error(`kafka cluster did not start: ${String(e)}\n${text}`);
  }
}

async function startMillraceCluster(dir: string, overrides: Record<string, string>, opts: StartOptions): Promise<BenchBroker> {
  const dataDir = join(dir, "cluster");
  const logFile = join(dir, "cluster.log");
  warmMillrace();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [MILLRACE_MAIN, ...millraceClusterArgs(dataDir, overrides)], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const nodePids: number[] = [];
  let bootstrapLine: string | undefined;
  createInterface({ input: child.stdout! }).on("line", (line) => {
    appendFileSync(logFile, `${line}\n`);
    bootstrapLine ??= parseBootstrapLine(line);
  });
  createInterface({ input: child.stderr! }).on("line", (line) => {
    appendFileSync(logFile, `${line}\n`);
    const node = parseNodePidLine(line);
    if (node) nodePids.push(node.pid);
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const killNodes = () => {
    for (const pid of nodePids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  const killOnExit = () => {
    child.kill("SIGKILL");
    killNodes();
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (alive()) {
      child.kill("SIGTERM"); // cluster up stops its nodes, brokers first, one at a time
      if (!(await waitForExit(child, MILLRACE_STOP_TIMEOUT_MS))) {
        child.kill("SIGKILL");
        await waitForExit(child, 10_000);
      }
    }
    killNodes(); // whatever cluster up did not stop
    if (!opts.keepDir) removeDataDir(dir);
  };
  const deadline = performance.now() + START_TIMEOUT_MS;
  /** Polls `value` every 10 ms until it is defined; throws when cluster up exits or time runs out. */
  const waitFor = async <T>(what: string, value: () => T | undefined): Promise<T> => {
    for (;;) {
      const v = value();
      if (v !== undefined) return v;
      if (!alive()) throw new Error(`millrace cluster up exited (code ${child.exitCode}, signal ${child.signalCode}) before ${what}`);
      if (performance.now() > deadline) throw new Error(`millrace cluster up: no ${what} within ${START_TIMEOUT_MS} ms`);
      await sleep(10);
    }
  };
  try {
    // cluster up writes every node's server.properties before it spawns them: knock on the first
    // node from then on, as the single-node client knocks from the spawn.
    const firstProps = join(dataDir, "node-1", "server.properties");
    const port = await waitFor("node 1's server.properties", () => (existsSync(firstProps) ? parsePlaintextPort(readFileSync(firstProps, "utf8")) : undefined));
    const knocked = `127.0.0.1:${port}`;
    const ackAt = await firstAck(knocked, { isAlive: alive, replicationFactor: CLUSTER_REPLICATION_FACTOR, timeoutMs: START_TIMEOUT_MS });
    // Then every node must have reported started (the workload needs all three).
    const bootstrap = await waitFor("bootstrap= line (every node started)", () => bootstrapLine);
    if (bootstrap !== knocked) throw new Error(`cluster up's bootstrap ${bootstrap} is not node 1's listener ${knocked}`);
    if (nodePids.length !== CLUSTER_NODES) throw new Error(`cluster up reported ${nodePids.length} node pids, expected ${CLUSTER_NODES}`);
    return {
      kind: "millrace",
      bootstrap,
      topology: TOPOLOGY_CLUSTER,
      pids: [...nodePids],
      ownPids: [...nodePids, child.pid!],
      dir,
      logFile,
      startupMs: ackAt - spawnedAt,
      replicationFactor: CLUSTER_REPLICATION_FACTOR,
      overrides: { ...overrides, "broker.rack": "a/b/c" },
      stop,
    };
  } catch (e) {
    const text = `--- ${logFile}\n${tail(logFile)}\n` +
      [1, 2, 3].map((id) => `--- node ${id}: ${join(dataDir, `node-${id}`, "broker.log")}\n${tail(join(dataDir, `node-${id}`, "broker.log"), 15)}`).join("\n");
    await stop();
    throw new Error(`millrace cluster did not start: ${String(e)}\n${text}`);
  }
}
