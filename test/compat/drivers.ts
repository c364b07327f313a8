// Runs the per-client scenario drivers (test/compat/drivers/<client>) as
// child processes and reads their JSON-lines output. Every run is bounded:
// a driver still running at its deadline is killed and the run fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Client = 'java' | 'python' | 'kafkajs' | 'franz';
export const CLIENTS: Client[] = ['java', 'python', 'kafkajs', 'franz'];
export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

export interface Capabilities {
  /** Group protocols the client's consumer speaks (KIP-848 is "consumer"). */
  groupProtocols: Array<'classic' | 'consumer'>;
  /** Has a revoke hook in which the driver commits before giving partitions away. */
  commitsOnRevoke: boolean;
  /** IncrementalAlterConfigs (KafkaJS has only the legacy whole-set AlterConfigs). */
  incrementalAlterConfigs: boolean;
  /** Reports the record timestamp found by ListOffsets-by-time. */
  listOffsetsTimestamp: boolean;
}

export const CAPS: Record<Client, Capabilities> = {
  java: { groupProtocols: ['classic', 'consumer'], commitsOnRevoke: true, incrementalAlterConfigs: true, listOffsetsTimestamp: true },
  python: { groupProtocols: ['classic', 'consumer'], commitsOnRevoke: true, incrementalAlterConfigs: true, listOffsetsTimestamp: true },
  kafkajs: { groupProtocols: ['classic'], commitsOnRevoke: false, incrementalAlterConfigs: false, listOffsetsTimestamp: false },
  franz: { groupProtocols: ['classic', 'consumer'], commitsOnRevoke: true, incrementalAlterConfigs: true, listOffsetsTimestamp: true },
};

/** KEY=path lines printed by test/tools/install.sh. */
export type Tools = Record<string, string>;

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');

export function driverCommand(client: Client, tools: Tools): { cmd: string; args: string[]; env: Record<string, string> } {
  const need = (k: string) => {
    const v = tools[k];
    if (!v) throw new Error(`${k} missing from test/tools/install.sh output`);
    return v;
  };
  switch (client) {
    case 'java':
      return {
        cmd: 'java',
        args: [
          '-XX:+UseSerialGC', '-Xshare:auto',
          '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-Dorg.slf4j.simpleLogger.logFile=System.err',
          '-cp', need('JAVA_DRIVER_CP'), 'dev.millrace.compat.Driver',
        ],
        env: {},
      };
    case 'python':
      return { cmd: need('CONFLUENT_KAFKA_PYTHON'), args: ['-u', join(here, 'drivers/python/driver.py')], env: {} };
    case 'kafkajs':
      return {
        cmd: process.execPath,
        // KafkaJS 2.2.4 passes negative delays to setTimeout on Node >= 23; harmless noise.
        args: ['--disable-warning=TimeoutNegativeWarning', join(here, 'drivers/kafkajs/driver.ts')],
        env: { KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      };
    case 'franz':
      return { cmd: need('FRANZ_DRIVER'), args: [], env: {} };
  }
}

export type ArgValue = string | number | boolean | undefined | Array<string | number>;

export function toArgv(args: Record<string, ArgValue>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(args)) {
    if (v === undefined || v === false) continue;
    if (v === true) out.push(`--${k}`);
    else if (Array.isArray(v)) for (const x of v) out.push(`--${k}`, String(x));
    else out.push(`--${k}`, String(v));
  }
  return out;
}

export type Line = Record<string, any>;

export interface DriverRun {
  client: Client;
  command: string;
  argv: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Line[];
  /** The final {"type":"result"} line, if the driver printed one. */
  result: Line | undefined;
  error: string | undefined;
  stderr: string;
  elapsedMs: number;
}

export function describeRun(r: DriverRun): string {
  return [
    `${r.client} ${r.command} exited ${r.code ?? r.signal} after ${r.elapsedMs} ms`,
    `argv: ${r.argv.join(' ')}`,
    r.error ? `error: ${r.error}` : '',
    `stderr (tail):\n${r.stderr.split('\n').slice(-25).join('\n')}`,
  ].filter(Boolean).join('\n');
}

export class RunningDriver {
  readonly lines: Line[] = [];
  readonly done: Promise<DriverRun>;
  private child: ChildProcess;
  private listeners = new Set<() => void>();
  private stderr = '';
  private exited = false;

  constructor(
    readonly client: Client,
    readonly command: string,
    readonly argv: string[],
    tools: Tools,
    timeoutMs: number,
  ) {
    const c = driverCommand(client, tools);
    const start = Date.now();
    this.child = spawn(c.cmd, [...c.args, command, ...argv], {
      cwd: repoRoot,
      env: { ...process.env, ...c.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const text = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        if (!text.trim()) continue;
        try {
          this.lines.push(JSON.parse(text) as Line);
        } catch {
          this.lines.push({ type: 'noise', text });
        }
        this.notify();
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      // Keep the tail only: a chatty client must not grow the test's memory.
      this.stderr = (this.stderr + chunk).slice(-64 * 1024);
    });
    const timer = setTimeout(() => {
      this.stderr += `\n[compat] killed: still running after ${timeoutMs} ms`;
      this.child.kill('SIGKILL');
    }, timeoutMs);
    const killOnExit = () => this.child.kill('SIGKILL');
    process.once('exit', killOnExit);
    this.done = new Promise((resolveDone, rejectDone) => {
      this.child.once('error', (e) => {
        clearTimeout(timer);
        rejectDone(e);
      });
      this.child.once('close', (code, signal) => {
        clearTimeout(timer);
        process.removeListener('exit', killOnExit);
        this.exited = true;
        this.notify();
        const result = [...this.lines].reverse().find((l) => l.type === 'result');
        const error = this.lines.find((l) => l.type === 'error')?.error as string | undefined;
        resolveDone({ client, command, argv, code, signal, lines: this.lines, result, error, stderr: this.stderr, elapsedMs: Date.now() - start });
      });
    });
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves once pred holds over the lines so far; rejects on deadline or exit. */
  waitFor(what: string, pred: (lines: Line[]) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((res, rej) => {
      const check = () => {
        if (pred(this.lines)) {
          cleanup();
          res();
        } else if (this.exited) {
          cleanup();
          rej(new Error(`${this.client} ${this.command} exited while waiting for ${what}\n${this.stderr.split('\n').slice(-20).join('\n')}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        rej(new Error(`${this.client} ${this.command}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  get hasExited(): boolean {
    return this.exited;
  }

  /** The last lines of stderr so far, for failure messages. */
  stderrTail(lines = 15): string {
    return this.stderr.split('\n').slice(-lines).join('\n');
  }

  signal(sig: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.exited) this.child.kill(sig);
  }
}

export function startDriver(client: Client, command: string, args: Record<string, ArgValue>, tools: Tools, timeoutMs = 120_000): RunningDriver {
  return new RunningDriver(client, command, toArgv(args), tools, timeoutMs);
}

/** Runs a driver to completion; throws (with its stderr) unless it exits 0 with a result line. */
export async function runDriver(client: Client, command: string, args: Record<string, ArgValue>, tools: Tools, timeoutMs = 120_000): Promise<DriverRun> {
  const r = await startDriver(client, command, args, tools, timeoutMs).done;
  if (process.env.COMPAT_TIMINGS) process.stderr.write(`[compat] ${client} ${command} ${r.elapsedMs} ms\n`);
  if (r.code !== 0 || !r.result) throw new Error(describeRun(r));
  return r;
}
