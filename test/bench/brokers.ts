// The two brokers under benchmark, each started fresh (new data directory) on loopback:
// Apache Kafka 4.4.0 (KRaft, one combined node, test/kafka/kafka.sh's config) and Millrace
// (dist/millrace.js, the bundled CLI the image runs). Start-up is timed from the broker process starting to the first
// acknowledged write (acks=all) of a client that keeps trying from the moment of the spawn.
// Both start with their program files in the page cache (see warmMillrace).
// The 3-node variant of both (--cluster) is in cluster.ts.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { tail, waitForExit } from "../kafka/kafka.js";
import { freePort } from "../kafka/probe.js";
import { TOPOLOGY_SINGLE } from "./cluster-config.js";
import { BROKER_NODE_FLAGS } from "../../broker/cli/node-flags.js";

export type BrokerKind = "kafka" | "millrace";
export type Durability = "pagecache" | "fsync";

export const REPO = resolve(import.meta.dirname, "../../..");
export const KAFKA_SH = join(REPO, "test/kafka/kafka.sh");
export const MILLRACE_MAIN = join(REPO, "dist/millrace.js");
/** The same code unbundled: profiles then name our source files rather than one bundle. */
export const MILLRACE_UNBUNDLED_MAIN = join(REPO, "dist/broker/main.js");

/**
 * Runs `millrace --help` (node and every module the broker loads), untimed, before a measured
 * start. Kafka's measured start follows its `kafka-storage format` JVM, which has just read the JVM
 * and the jars into the page cache; without this Millrace started cold whenever the session
 * before it had dropped the cache for its backlog read (472 against 346 ms warm), so the two
 * start-ups were not measured alike.
 */
export function warmMillrace(main: string = MILLRACE_MAIN): void {
  execFileSync(process.execPath, [...BROKER_NODE_FLAGS, main, "--help"], { stdio: "ignore" });
}

/** Both brokers get the same flush setting: fsync before acknowledging (Kafka's flush.messages=1). */
export function durabilityOverrides(mode: Durability): Record<string, string> {
  return mode === "fsync" ? { "log.flush.interval.messages": "1" } : {};
}

export interface StartOptions {
  mode: Durability;
  /** Millrace only: node flags such as --cpu-prof. */
  nodeFlags?: string[];
  /** Millrace only: the script to run instead of the bundle (the profile uses the unbundled tree). */
  main?: string;
  /** Where the data directory is created (a fresh mkdtemp under it). */
  baseDir?: string;
  /** Keep the data directory after stop (for looking at logs). */
  keepDir?: boolean;
}

export interface BenchBroker {
  kind: BrokerKind;
  bootstrap: string;
  /** "1 node", or the cluster's shape (cluster-config.ts): stated in every table. */
  topology: string;
  /**
   * The broker processes whose memory and CPU are measured (summed): the one broker (for Kafka
   * the JVM: kafka.sh execs java), or a cluster's three nodes.
   */
  pids: number[];
  /** `pids` and any helper of ours (a cluster's supervisor): not counted as other load. */
  ownPids: number[];
  dir: string;
  logFile: string;
  /** Broker process start (a cluster: its first process) to first acknowledged produce, ms. */
  startupMs: number;
  /** Kafka only: `kafka-storage format` of the fresh directory (directories), before the start. */
  formatMs?: number;
  /** Replication factor of the topics the benchmark creates (1, or 3 on a cluster). */
  replicationFactor: number;
  /** Everything the broker was given beyond defaults. */
  overrides: Record<string, string>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kafka's Java client (and ours) must not wait long on a broker that is not up yet. */
function quietClient(bootstrap: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 10_000,
    retry: { retries: 0 },
  });
}

/**
 * Tries, every `everyMs`, to create a one-partition topic and produce one record with acks=all,
 * until one attempt is acknowledged; resolves with performance.now() at that acknowledgement.
 * Attempts overlap (a new one starts while an earlier one waits on a broker that accepted the
 * connection but does not serve yet), so the resolution is `everyMs` whatever the broker does.
 */
export async function firstAck(
  bootstrap: string, opts: { everyMs?: number; timeoutMs?: number; replicationFactor?: number; isAlive: () => boolean },
): Promise<number> {
  const everyMs = opts.everyMs ?? 20;
  const deadline = performance.now() + (opts.timeoutMs ?? 180_000);
  let done: number | undefined;
  let lastError: unknown;
  const attempt = async (): Promise<void> => {
    const kafka = quietClient(bootstrap, "bench-startup");
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    try {
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic: "bench-startup", numPartitions: 1, replicationFactor: opts.replicationFactor ?? 1 }], waitForLeaders: true,
      });
      await producer.connect();
      await producer.send({ topic: "bench-startup", acks: -1, messages: [{ value: "first" }] });
      done ??= performance.now();
    } catch (e) {
      lastError = e;
    } finally {
      await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
    }
  };
  const inFlight = new Set<Promise<void>>();
  while (done === undefined) {
    if (performance.now() > deadline) throw new Error(`no acknowledged write from ${bootstrap}: ${String(lastError)}`);
    if (!opts.isAlive()) throw new Error(`broker at ${bootstrap} exited before acknowledging a write: ${String(lastError)}`);
    if (inFlight.size < 16) {
      const p = attempt().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.race([sleep(everyMs), ...inFlight]);
  }
  await Promise.allSettled(inFlight);
  return done;
}

/** Polls /proc/<pid>/cmdline until it mentions `needle` (an exec happened); resolves with its time. */
export async function execOf(pid: number, needle: string, isAlive: () => boolean): Promise<number> {
  for (;;) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(needle)) return performance.now();
    } catch {
      /* not there yet or gone */
    }
    if (!isAlive()) throw new Error(`process ${pid} exited before exec of ${needle}`);
    await sleep(2);
  }
}

/**
 * Removes a stopped broker's data directory, then syncs: the file system's work for deleting
 * gigabytes (journal commits) is done before the next broker starts, not during its timed
 * start-up, whose first writes are fsynced.
 */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  execFileSync("sync");
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  if (!(await waitForExit(child, 60_000))) {
    child.kill("SIGKILL");
    await waitForExit(child, 10_000);
  }
}

export async function startBenchBroker(kind: BrokerKind, opts: StartOptions): Promise<BenchBroker> {
  const dir = mkdtempSync(join(opts.baseDir ?? tmpdir(), `millrace-bench-${kind}-`));
  const port = await freePort();
  const bootstrap = `127.0.0.1:${port}`;
  const overrides: Record<string, string> = { ...durabilityOverrides(opts.mode) };
  let child: ChildProcess;
  let logFile: string;
  const out = openSync(join(dir, "stdout.log"), "a");
  if (kind === "millrace") warmMillrace(opts.main);
  const spawnedAt = performance.now();
  if (kind === "kafka") {
    const controllerPort = await freePort();
    const args = [KAFKA_SH, "run", "--dir", dir, "--port", String(port), "--controller-port", String(controllerPort)];
    for (const [k, v] of Object.entries(overrides)) args.push("--set", `${k}=${v}`);
    child = spawn("bash", args, { stdio: ["ignore", out, out] });
    logFile = join(dir, "logs", "server.log");
  } else {
    // Kafka's test config (kafka.sh) sets group.initial.rebalance.delay.ms=0; so do we.
    const all = { "group.initial.rebalance.delay.ms": "0", ...overrides };
    Object.assign(overrides, all);
    // BENCH_MILLRACE_NODE_FLAGS: extra node flags for experiments (e.g. --trace-gc), named so the
    // broker does not read it as config (it reads every MILLRACE_* variable); stated in the report.
    const extra = (process.env.BENCH_MILLRACE_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
    const args = [
      ...BROKER_NODE_FLAGS,
      ...(opts.nodeFlags ?? []),
      ...extra,
      opts.main ?? MILLRACE_MAIN,
      "broker",
      "--override", `listeners=PLAINTEXT://127.0.0.1:${port}`,
      "--override", `log.dirs=${join(dir, "data")}`,
      ...Object.entries(all).flatMap(([k, v]) => ["--override", `${k}=${v}`]),
    ];
    child = spawn(process.execPath, args, { stdio: ["ignore", out, out], cwd: dir });
    logFile = join(dir, "stdout.log");
  }
  closeSync(out);
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const isAlive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    await stopChild(child);
    if (!opts.keepDir) removeDataDir(dir);
  };
  try {
    // Kafka: kafka.sh formats the directory (a JVM of its own), then execs the broker JVM in
    // the same pid; the broker's start is that exec. Millrace needs no format step.
    const startedAt = kind === "kafka" ? await execOf(child.pid!, "kafka.Kafka", isAlive) : spawnedAt;
    const ackAt = await firstAck(bootstrap, { isAlive });
    return {
      kind,
      bootstrap,
      topology: TOPOLOGY_SINGLE,
      pids: [child.pid!],
      ownPids: [child.pid!],
      dir,
      logFile,
      startupMs: ackAt - startedAt,
      ...(kind === "kafka" ? { formatMs: startedAt - spawnedAt } : {}),
      replicationFactor: 1,
      overrides,
      stop,
    };
  } catch (e) {
    const logs = `--- ${join(dir, "stdout.log")}\n${tail(join(dir, "stdout.log"))}\n--- ${logFile}\n${tail(logFile)}`;
    await stop();
    throw new Error(`${kind} did not start: ${String(e)}\n${logs}`);
  }
}

/** Creates topics through the broker's CreateTopics (KafkaJS admin), waiting for leaders. */
export async function createTopics(bootstrap: string, replicationFactor: number, topics: { topic: string; partitions: number }[]): Promise<void> {
  const kafka = new Kafka({ clientId: "bench-admin", brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor })),
      waitForLeaders: true,
      timeout: 60_000,
    });
  } finally {
    await admin.disconnect();
  }
}

/** Records the topic holds (sum of its partitions' end offsets): what a full read will see. */
export async function storedRecords(bootstrap: string, topic: string): Promise<number> {
  const kafka = new Kafka({ clientId: "bench-admin", brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The null broker (null-broker.ts) in a process of its own, started with the broker's Node flags. */
export async function startNullBrokerProcess(partitions: number): Promise<{ bootstrap: string; stop: () => Promise<void> }> {
  const main = join(REPO, "dist/test/bench/null-broker-main.js");
  const child = spawn(process.execPath, [...BROKER_NODE_FLAGS, main, String(partitions)], { stdio: ["ignore", "pipe", "inherit"] });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    await stopChild(child);
  };
  try {
    const bootstrap = await new Promise<string>((resolveLine, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error("the null broker printed no bootstrap= line within 30 s")), 30_000);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /bootstrap=(\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveLine(m[1]!);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the null broker exited with ${code} before listening`));
      });
    });
    return { bootstrap, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
