// The broker the compat suite runs against, chosen by COMPAT_TARGET:
//   millrace (default) — our broker, node dist/millrace.js, the bundled CLI the image runs (build first)
//   millrace-cluster   — three of ours (`millrace cluster up`: combined broker+controller nodes,
//                        racks a,b,c, RF 3 for topics and __consumer_offsets, min.insync.replicas 2)
//   kafka              — Apache Kafka 4.x from test/kafka, the reference
// Each is started on loopback with a temp data dir and is ready only when it
// answers ApiVersions + Metadata (test/kafka/probe.ts).
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafka, tail, waitForExit } from '../kafka/kafka.js';
import { freePort, waitForKafkaReady } from '../kafka/probe.js';

export type Target = 'kafka' | 'millrace' | 'millrace-cluster';

const TARGETS: readonly Target[] = ['kafka', 'millrace', 'millrace-cluster'];

export interface BrokerUnderTest {
  target: Target;
  bootstrap: string;
  /** Where its log goes, for failure messages. */
  logFile: string;
  stop(): Promise<void>;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function targetFromEnv(): Target {
  const t = process.env.COMPAT_TARGET ?? 'millrace';
  if (!TARGETS.includes(t as Target)) throw new Error(`COMPAT_TARGET must be one of ${TARGETS.join(', ')}, not ${t}`);
  return t as Target;
}

export interface StartOptions {
  /** Data directory to (re)use; the caller owns it and it is kept on stop. A new temp dir otherwise. */
  dir?: string;
  /**
   * Port to listen on, so a restarted broker keeps its address; a free one otherwise. The cluster
   * picks its own ports (`cluster up` has no option for them): its bootstrap may change on a restart.
   */
  port?: number;
}

export async function startBroker(target: Target = targetFromEnv(), opts: StartOptions = {}): Promise<BrokerUnderTest> {
  switch (target) {
    case 'kafka':
      return startApacheKafka(opts);
    case 'millrace':
      return startMillrace(opts);
    case 'millrace-cluster':
      return startMillraceCluster(opts);
  }
}

async function startApacheKafka(opts: StartOptions): Promise<BrokerUnderTest> {
  const k = await startKafka(opts);
  return { target: 'kafka', bootstrap: k.bootstrap, logFile: k.logFile, stop: k.stop };
}

async function startMillrace(opts: StartOptions): Promise<BrokerUnderTest> {
  const main = join(repoRoot, 'dist/millrace.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (or COMPAT_TARGET=kafka)`);
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'millrace-compat-'));
  mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const logFile = join(dir, 'broker.log');
  const out = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [main, 'broker', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${join(dir, 'data')}`],
    { cwd: repoRoot, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 30_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 10_000);
      }
    }
    if (ownDir && !process.env.KEEP_BROKER_DIR) rmSync(dir, { recursive: true, force: true });
  };
  const bootstrap = `127.0.0.1:${port}`;
  try {
    await waitForKafkaReady(bootstrap, {
      timeoutMs: 60_000,
      isAlive: () => child.exitCode === null && child.signalCode === null,
      describe: () => `--- ${logFile}\n${tail(logFile)}`,
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { target: 'millrace', bootstrap, logFile, stop };
}

/**
 * Overrides every node of the cluster target gets: Kafka's production-like replication settings.
 * COMPAT_CLUSTER_OVERRIDES (space-separated key=value) replaces them, for runs that isolate one
 * setting. (The drivers create topics with the broker's default replication factor.)
 */
function clusterOverrides(): string[] {
  const env = process.env.COMPAT_CLUSTER_OVERRIDES;
  if (env === undefined) return ['default.replication.factor=3', 'offsets.topic.replication.factor=3', 'min.insync.replicas=2'];
  return env.split(/\s+/).filter(Boolean);
}
/** `cluster up` stops its nodes one at a time, each within 30 s. */
const CLUSTER_STOP_TIMEOUT_MS = 120_000;
const CLUSTER_START_TIMEOUT_MS = 180_000;

/**
 * `millrace cluster up --brokers 3 --controllers 3 --racks a,b,c` in the foreground: ready when it
 * prints `bootstrap=127.0.0.1:PORT` (every node started) and that node answers. SIGTERM stops every
 * node; should that hang, the node processes it reported (`node N pid=P`) are killed directly.
 */
async function startMillraceCluster(opts: StartOptions): Promise<BrokerUnderTest> {
  const main = join(repoRoot, 'dist/millrace.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (or COMPAT_TARGET=kafka)`);
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'millrace-compat-cluster-'));
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'cluster.log');
  const args = [main, 'cluster', 'up', '--brokers', '3', '--controllers', '3', '--racks', 'a,b,c', '--data-dir', join(dir, 'cluster')];
  for (const o of clusterOverrides()) args.push('--override', o);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const nodePids: number[] = [];
  let bootstrapLine: ((bootstrap: string) => void) | undefined;
  const bootstrapped = new Promise<string>((resolve) => (bootstrapLine = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    appendFileSync(logFile, `${line}\n`);
    const m = /^bootstrap=(\S+)$/.exec(line);
    if (m) bootstrapLine?.(m[1]!);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    appendFileSync(logFile, `${line}\n`);
    const m = /^node \d+ pid=(\d+)/.exec(line);
    if (m) nodePids.push(Number(m[1]));
  });
  const killNodes = () => {
    for (const pid of nodePids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const killOnExit = () => {
    child.kill('SIGKILL');
    killNodes();
  };
  process.once('exit', killOnExit);
  const describe = () => `--- ${logFile}\n${tail(logFile)}\n(node logs: ${join(dir, 'cluster', 'node-N', 'broker.log')})`;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, CLUSTER_STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL');
        await waitForExit(child, 10_000);
      }
    }
    // Whatever `cluster up` did not stop (it was killed, or a node hung) goes now.
    killNodes();
    if (ownDir && !process.env.KEEP_BROKER_DIR) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => reject(new Error(`millrace cluster up exited (code ${code}, signal ${signal}) before it was ready\n${describe()}`))),
    );
    exited.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`millrace cluster up not ready within ${CLUSTER_START_TIMEOUT_MS} ms\n${describe()}`)), CLUSTER_START_TIMEOUT_MS);
    });
    const bootstrap = await Promise.race([bootstrapped, exited, timedOut]).finally(() => clearTimeout(timer));
    await waitForKafkaReady(bootstrap, {
      timeoutMs: 60_000,
      isAlive: () => child.exitCode === null && child.signalCode === null,
      describe,
    });
    return { target: 'millrace-cluster', bootstrap, logFile, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
