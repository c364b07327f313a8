// Starts `millrace broker` for the fuzzer. Unlike test/integration/broker-process.ts, its log goes
// straight to a file, not through this process: under fuzzing the broker writes a warn line per
// bad frame, and parsing hundreds of thousands of them here would steal the CPU the sender needs.
// The file is read once at the end (log-summary.ts); the port is found by polling it.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BROKER_MAIN } from "./paths.js";

export interface BrokerUnderFuzz {
  readonly child: ChildProcess;
  readonly port: number;
  readonly bootstrap: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** Set once the process has exited (code, or signal name). */
  readonly exit: { code: number | null; signal: string | null } | undefined;
  /** Resident set size in bytes, from /proc; undefined once exited. */
  rssBytes(): number | undefined;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  dataDir?: string;
  overrides?: string[];
  startTimeoutMs?: number;
}

export async function startBrokerUnderFuzz(opts: StartOptions = {}): Promise<BrokerUnderFuzz> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "millrace-fuzz-"));
  const logFile = join(dataDir, `broker-${Date.now()}.log`);
  const fd = openSync(logFile, "a");
  const args = [
    BROKER_MAIN,
    "broker",
    "--override", "listeners=PLAINTEXT://127.0.0.1:0",
    "--override", `log.dirs=${join(dataDir, "logs")}`,
    ...(opts.overrides ?? []).flatMap((o) => ["--override", o]),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  let exit: BrokerUnderFuzz["exit"];
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(code);
    }),
  );
  const port = await waitForPort(logFile, () => exit, opts.startTimeoutMs ?? 30_000);
  return {
    child,
    port,
    bootstrap: `127.0.0.1:${port}`,
    dataDir,
    logFile,
    get exit() {
      return exit;
    },
    rssBytes() {
      if (exit) return undefined;
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
        return kb === undefined ? undefined : Number(kb) * 1024;
      } catch {
        return undefined;
      }
    },
    async stop() {
      if (!exit) child.kill("SIGTERM");
      return exited;
    },
  };
}

async function waitForPort(logFile: string, exited: () => unknown, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = readFileSync(logFile, "utf8");
    if (exited()) throw new Error(`broker exited before starting:\n${text.slice(-4000)}`);
    if (text.includes('"msg":"broker started"')) {
      const listening = text.split("\n").find((l) => l.includes('"msg":"listening"'));
      const port = listening ? (JSON.parse(listening) as { port?: number }).port : undefined;
      if (port) return port;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`broker did not start within ${timeoutMs} ms; log: ${logFile}`);
}
