// The broker the compat suite runs against, chosen by COMPAT_TARGET:
//   millrace (default) — our broker, node dist/broker/main.js (build first)
//   kafka              — Apache Kafka 4.x from test/kafka, the reference
// Both are started on a free loopback port with a temp data dir and are
// ready only when they answer ApiVersions + Metadata (test/kafka/probe.ts).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafka, tail, waitForExit } from '../kafka/kafka.js';
import { freePort, waitForKafkaReady } from '../kafka/probe.js';

export type Target = 'kafka' | 'millrace';

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
  if (t !== 'kafka' && t !== 'millrace') throw new Error(`COMPAT_TARGET must be kafka or millrace, not ${t}`);
  return t;
}

export interface StartOptions {
  /** Data directory to (re)use; the caller owns it and it is kept on stop. A new temp dir otherwise. */
  dir?: string;
  /** Port to listen on, so a restarted broker keeps its address; a free one otherwise. */
  port?: number;
}

export async function startBroker(target: Target = targetFromEnv(), opts: StartOptions = {}): Promise<BrokerUnderTest> {
  return target === 'kafka' ? startApacheKafka(opts) : startMillrace(opts);
}

async function startApacheKafka(opts: StartOptions): Promise<BrokerUnderTest> {
  const k = await startKafka(opts);
  return { target: 'kafka', bootstrap: k.bootstrap, logFile: k.logFile, stop: k.stop };
}

async function startMillrace(opts: StartOptions): Promise<BrokerUnderTest> {
  const main = join(repoRoot, 'dist/broker/main.js');
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
