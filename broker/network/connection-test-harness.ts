// For connection tests: a Listener on a free loopback port over a test broker's real services,
// its log lines captured, and raw-socket helpers to send hand-made frames and see what comes back.
// Not a test itself: tests import it.
import { connect, type Socket } from "node:net";
import { Writable } from "node:stream";
import { pino, type Level, type Logger } from "pino";
import type { ApiHandler } from "../handlers/handler.js";
import { startTestBroker, type TestBroker } from "../handlers/test-fixtures.js";
import { Listener } from "./listener.js";

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ConnectionHarness {
  readonly broker: TestBroker;
  readonly port: number;
  readonly logs: LogLine[];
  /** Opens a connection, writes `bytes`, and collects what arrives until the broker closes it or `waitMs` pass. */
  exchange(bytes: Buffer, waitMs?: number): Promise<{ received: Buffer; closedByBroker: boolean }>;
  close(): Promise<void>;
}

/** A pino logger whose JSON lines are parsed into `lines` (pushed into `into` when given), for tests that assert on logs. */
export function capturingLogger(level: Level = "debug", into: LogLine[] = []): { log: Logger; lines: LogLine[] } {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n")) if (line) into.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { log: pino({ level }, sink), lines: into };
}

export async function startConnectionHarness(handlers: readonly ApiHandler<any, any>[], config: Record<string, string> = {}): Promise<ConnectionHarness> {
  const { log, lines: logs } = capturingLogger();
  const broker = await startTestBroker({ handlers, log, config });
  const listener = new Listener({ name: "PLAINTEXT", host: "127.0.0.1", port: 0, securityProtocol: "PLAINTEXT" }, broker.services, log);
  const port = await listener.listen();
  return {
    broker,
    port,
    logs,
    exchange: (bytes, waitMs = 500) => exchange(port, bytes, waitMs),
    async close() {
      await listener.close();
      await broker.close();
    },
  };
}

function exchange(port: number, bytes: Buffer, waitMs: number): Promise<{ received: Buffer; closedByBroker: boolean }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => {});
    socket.once("connect", () => {
      socket.write(bytes);
      timer = setTimeout(() => {
        socket.removeAllListeners("close");
        socket.destroy();
        resolve({ received: Buffer.concat(chunks), closedByBroker: false });
      }, waitMs);
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ received: Buffer.concat(chunks), closedByBroker: true });
    });
    socket.once("error", reject);
  });
}
