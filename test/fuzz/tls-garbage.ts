// What the fuzzer sends a TLS listener: bytes that are not (or not quite) TLS. Each case is one
// connection: plaintext Kafka request frames from the corpus (a client with the wrong
// security.protocol), random bytes, a real ClientHello cut short or with bytes flipped, a TLS
// record header claiming a huge record, and garbage written on the raw socket after a completed
// handshake. The broker must close what it cannot read and keep serving.
import { connect as netConnect, createServer, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { Prng } from "./prng.js";

export type TlsGarbageKind = "plaintext-request" | "random-bytes" | "truncated-hello" | "mutated-hello" | "huge-record" | "garbage-after-handshake";

export interface TlsGarbageCase {
  readonly kind: TlsGarbageKind;
  readonly bytes: Buffer;
}

export interface TlsGarbageStats {
  readonly sent: number;
  /** Connections the broker closed. */
  readonly closedByBroker: number;
  /** Connections still open when the case's patience ran out (the broker waits for more bytes). */
  readonly leftOpen: number;
  /** Per kind: [sent, closed by the broker]. */
  readonly byKind: Record<TlsGarbageKind, [number, number]>;
}

const KINDS: readonly TlsGarbageKind[] = ["plaintext-request", "random-bytes", "truncated-hello", "mutated-hello", "huge-record", "garbage-after-handshake"];

/** A real ClientHello as Node's TLS client sends it (captured from a listener that only records). */
export async function captureClientHello(): Promise<Buffer> {
  let socketOnServer: Socket | undefined;
  const hello = await new Promise<Buffer>((resolve, reject) => {
    const server = createServer((s) => {
      socketOnServer = s;
      s.once("data", (chunk: Buffer) => {
        server.close();
        resolve(chunk);
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      const client = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", rejectUnauthorized: false });
      client.on("error", () => {});
      setTimeout(() => client.destroy(), 1000).unref();
    });
    server.on("error", reject);
  });
  socketOnServer?.destroy();
  return hello;
}

export function tlsGarbageCases(prng: Prng, count: number, plaintextFrames: readonly Buffer[], clientHello: Buffer): TlsGarbageCase[] {
  const cases: TlsGarbageCase[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length]!;
    cases.push({ kind, bytes: caseBytes(kind, prng, plaintextFrames, clientHello) });
  }
  return cases;
}

function caseBytes(kind: TlsGarbageKind, prng: Prng, plaintextFrames: readonly Buffer[], clientHello: Buffer): Buffer {
  switch (kind) {
    case "plaintext-request":
      return prng.pick(plaintextFrames);
    case "random-bytes":
      return prng.bytes(prng.between(1, 2048));
    case "truncated-hello":
      return clientHello.subarray(0, prng.between(1, clientHello.length - 1));
    case "mutated-hello": {
      const hello = Buffer.from(clientHello);
      for (let flips = prng.between(1, 4); flips > 0; flips--) hello[prng.below(hello.length)]! ^= 1 << prng.below(8);
      return hello;
    }
    case "huge-record":
      // A handshake record header saying 65,535 bytes follow, then a few.
      return Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0xff, 0xff]), prng.bytes(prng.between(0, 64))]);
    case "garbage-after-handshake":
      return prng.bytes(prng.between(1, 512));
  }
}

/**
 * Sends every case on its own connection, `parallel` at a time, and waits up to `patienceMs` for
 * the broker to close each. For garbage-after-handshake the TLS handshake is completed first (the
 * listener must serve this client: `ca` trusts it) and the bytes go on the raw socket under it.
 */
export async function sendTlsGarbage(port: number, cases: readonly TlsGarbageCase[], opts: { ca: string; parallel?: number; patienceMs?: number }): Promise<TlsGarbageStats> {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, [0, 0]])) as Record<TlsGarbageKind, [number, number]>;
  let closedByBroker = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const closed = await sendOne(port, c, opts.ca, opts.patienceMs ?? 1000);
      byKind[c.kind][0]++;
      if (closed) {
        byKind[c.kind][1]++;
        closedByBroker++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.parallel ?? 16 }, worker));
  return { sent: cases.length, closedByBroker, leftOpen: cases.length - closedByBroker, byKind };
}

function sendOne(port: number, c: TlsGarbageCase, ca: string, patienceMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const raw = netConnect({ host: "127.0.0.1", port });
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      raw.destroy();
      resolve(closed);
    };
    const timer = setTimeout(() => finish(false), patienceMs);
    raw.on("error", () => {});
    raw.once("close", () => finish(true));
    raw.once("connect", () => {
      if (c.kind !== "garbage-after-handshake") {
        raw.on("data", () => {}); // alerts the broker sends back
        raw.write(c.bytes);
        return;
      }
      const secure = tlsConnect({ socket: raw, ca, servername: "localhost" });
      secure.on("error", () => {});
      secure.once("secureConnect", () => {
        // Bytes outside any TLS record, straight onto the connection under the TLS layer.
        raw.write(c.bytes);
      });
    });
  });
}
