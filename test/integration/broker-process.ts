// Starts `millrace broker` as a child process on a free port (listeners port 0; the bound port is
// read from the broker's "listening" log line) with a temporary data directory.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

export const BROKER_MAIN = resolve(import.meta.dirname, "../../dist/broker/main.js");

export interface BrokerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly bootstrap: string;
  readonly dataDir: string;
  /** Every log line so far (parsed pino JSON). */
  readonly logs: Record<string, unknown>[];
  /** SIGTERM and wait (bounded) for exit; resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL (kill -9) and wait for exit. */
  kill(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  overrides?: string[];
  startTimeoutMs?: number;
  /** The log message that says the node is up: "broker started" unless it has no broker role ("controller started"). */
  startedMessage?: string;
}

/** State and CPU seconds of a process, from /proc: tells a busy loop from a wait. */
function processState(pid: number | undefined): string {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    const cpuSec = (Number(fields[11]) + Number(fields[12])) / 100;
    return `pid ${pid} state ${fields[0]}, ${cpuSec.toFixed(1)} CPU-s`;
  } catch {
    return `pid ${pid} gone`;
  }
}

export async function startBroker(opts: StartOptions = {}): Promise<BrokerProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "millrace-it-"));
  const args = [
    BROKER_MAIN,
    "broker",
    "--override", "listeners=PLAINTEXT://127.0.0.1:0",
    "--override", `log.dirs=${dataDir}`,
    ...(opts.overrides ?? []).flatMap((o) => ["--override", o]),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const logs: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      const last = logs.slice(-15).map((l) => JSON.stringify(l).slice(0, 400)).join("\n");
      const state = processState(child.pid);
      // Do not leave a stuck broker behind (it would hold its ports and data dir).
      child.kill("SIGKILL");
      reject(new Error(`broker did not start in time (${state}); stderr: ${stderr}; last log lines:\n${last}`));
    }, opts.startTimeoutMs ?? 30_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === (opts.startedMessage ?? "broker started")) {
        clearTimeout(timer);
        const listening = logs.find((l) => l.msg === "listening");
        resolvePort(Number(listening?.port));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before starting; stderr: ${stderr}`));
    });
  });
  return {
    child,
    port,
    bootstrap: `127.0.0.1:${port}`,
    dataDir,
    logs,
    async stop(timeoutMs = 30_000) {
      child.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const last = logs.slice(-15).map((l) => JSON.stringify(l)).join("\n");
          reject(new Error(`broker did not stop within ${timeoutMs} ms after SIGTERM; last log lines:\n${last}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exited, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
