// Apache Kafka 4.x (KRaft, one combined broker+controller) as a child
// process of the caller: the reference broker for compat runs and benchmarks.
// kafka.sh holds the config and the format step; this runs it in the
// foreground, waits until it serves, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForKafkaReady } from './probe.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface KafkaOptions {
  /** Data and log directory; a new temp dir (removed on stop) when absent. */
  dir?: string;
  port?: number;
  /** Extra server.properties lines, key=value. */
  overrides?: Record<string, string | number | boolean>;
  heap?: string;
  readyTimeoutMs?: number;
}

export interface KafkaProcess {
  bootstrap: string;
  dir: string;
  logFile: string;
  pid: number;
  stop(): Promise<void>;
}

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export async function startKafka(opts: KafkaOptions = {}): Promise<KafkaProcess> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'millrace-kafka-'));
  mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const controllerPort = await freePort();
  const args = [join(here, 'kafka.sh'), 'run', '--dir', dir, '--port', String(port), '--controller-port', String(controllerPort)];
  if (opts.heap) args.push('--heap', opts.heap);
  for (const [k, v] of Object.entries(opts.overrides ?? {})) args.push('--set', `${k}=${v}`);
  const out = openSync(join(dir, 'stdout.log'), 'a');
  const child = spawn('bash', args, { stdio: ['ignore', out, out] });
  closeSync(out);
  const logFile = join(dir, 'logs', 'server.log');
  const bootstrap = `127.0.0.1:${port}`;
  const describe = () => `--- ${dir}/stdout.log\n${tail(join(dir, 'stdout.log'))}\n--- ${logFile}\n${tail(logFile)}`;
  // A test runner that dies must not leave a JVM behind.
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
    if (ownDir && !process.env.KEEP_KAFKA_DIR) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForKafkaReady(bootstrap, {
      timeoutMs: opts.readyTimeoutMs ?? 120_000,
      isAlive: () => child.exitCode === null && child.signalCode === null,
      describe,
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { bootstrap, dir, logFile, pid: child.pid!, stop };
}
