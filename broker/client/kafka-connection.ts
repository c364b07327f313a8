// One client connection to a Kafka-protocol server: requests encoded with the generated codecs,
// pipelined, matched to responses by correlation id, each with its own timeout. The connection
// closes on any protocol error or timeout, failing everything in flight; callers reconnect.
// It is the base of our client (broker/client) and of node-to-node traffic (quorum, replication).
import { connect, isIP, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { BufferPool } from "../buffer-pool.js";
import { FrameDecoder } from "../network/frame-decoder.js";
import { requestHeaderVersion, responseHeaderVersion } from "../network/request-header.js";
import { writeRequestHeader } from "../protocol/generated/request-header.gen.js";
import { readResponseHeader } from "../protocol/generated/response-header.gen.js";
import { Reader, Writer } from "../protocol/primitives.js";
import type { ClientSecurity } from "../security/client-security.js";
import { authenticated } from "../security/sasl/authenticated-connection.js";

/** The largest response we accept (Kafka's clients have no limit; this guards against garbage). */
const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

/** An API at one version: how to write its request and read its response. */
export interface ApiCall<Req, Res> {
  readonly apiKey: number;
  readonly version: number;
  readonly flexibleMinVersion: number;
  readonly write: (w: Writer, version: number, request: Req) => void;
  readonly read: (r: Reader, version: number) => Res;
}

interface Meta {
  readonly apiKey: number;
  readonly flexibleMinVersion: number;
}

export function apiCall<Req, Res>(
  meta: Meta,
  version: number,
  write: (w: Writer, version: number, request: Req) => void,
  read: (r: Reader, version: number) => Res,
): ApiCall<Req, Res> {
  return { apiKey: meta.apiKey, version, flexibleMinVersion: meta.flexibleMinVersion, write, read };
}

export class ConnectionError extends Error {}

interface Pending {
  readonly apiKey: number;
  readonly version: number;
  readonly flexibleMinVersion: number;
  readonly read: (r: Reader, version: number) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class KafkaConnection {
  private nextCorrelationId = 1;
  private readonly pending = new Map<number, Pending>();
  // Responses are kept (record batches are sliced out of them), so they never come from the shared pool.
  private readonly decoder = new FrameDecoder(MAX_RESPONSE_BYTES, new BufferPool(0));
  private closedWith: Error | undefined;
  private readonly closeListeners: ((err: Error) => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
    private readonly clientId: string,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.close(new ConnectionError(`${address}: ${err.message}`)));
    socket.on("close", () => this.close(new ConnectionError(`${address}: connection closed`)));
  }

  static connect(host: string, port: number, opts: { clientId: string; timeoutMs: number; security?: ClientSecurity }): Promise<KafkaConnection> {
    const sasl = opts.security?.sasl;
    const connected = KafkaConnection.connectSocket(host, port, opts);
    return sasl ? connected.then((conn) => authenticated(conn, sasl, opts.timeoutMs)) : connected;
  }

  private static connectSocket(host: string, port: number, opts: { clientId: string; timeoutMs: number; security?: ClientSecurity }): Promise<KafkaConnection> {
    const tls = opts.security?.tls;
    return new Promise((resolve, reject) => {
      // TLS (SSL, SASL_SSL): ready once the handshake is done; the server name (SNI) must not be an IP address.
      const socket = tls ? tlsConnect({ ...tls, host, port, servername: isIP(host) ? undefined : host }) : connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError(`${host}:${port}: connect timed out after ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      socket.once(tls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new KafkaConnection(socket, `${host}:${port}`, opts.clientId));
      });
      socket.once("error", (err) => {
        clearTimeout(timer);
        reject(new ConnectionError(`${host}:${port}: ${err.message}`));
      });
    });
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  onClose(listener: (err: Error) => void): void {
    if (this.closedWith) listener(this.closedWith);
    else this.closeListeners.push(listener);
  }

  send<Req, Res>(call: ApiCall<Req, Res>, request: Req, timeoutMs: number): Promise<Res> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId % 0x7fffffff) + 1;
    const w = new Writer(256);
    w.int32(0); // size, patched below
    writeRequestHeader(w, requestHeaderVersion(call.version, call.flexibleMinVersion), {
      requestApiKey: call.apiKey,
      requestApiVersion: call.version,
      correlationId,
      clientId: this.clientId,
    });
    call.write(w, call.version, request);
    const frame = w.finish();
    frame.writeInt32BE(frame.length - 4, 0);
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.close(new ConnectionError(`${this.address}: api ${call.apiKey} v${call.version} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(correlationId, {
        apiKey: call.apiKey,
        version: call.version,
        flexibleMinVersion: call.flexibleMinVersion,
        read: call.read,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      });
      this.socket.write(frame);
    });
  }

  close(err: Error = new ConnectionError(`${this.address}: closed by us`)): void {
    if (this.closedWith) return;
    this.closedWith = err;
    this.socket.destroy();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    for (const listener of this.closeListeners.splice(0)) listener(err);
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.close(new ConnectionError(`${this.address}: ${(err as Error).message}`));
      return;
    }
    for (const frame of frames) {
      if (this.closedWith) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1;
    const p = this.pending.get(correlationId);
    if (!p) {
      this.close(new ConnectionError(`${this.address}: response with unknown correlation id ${correlationId}`));
      return;
    }
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    try {
      const r = new Reader(frame);
      readResponseHeader(r, responseHeaderVersion(p.apiKey, p.version, p.flexibleMinVersion));
      p.resolve(p.read(r, p.version));
    } catch (err) {
      const error = new ConnectionError(`${this.address}: undecodable response to api ${p.apiKey} v${p.version}: ${(err as Error).message}`);
      p.reject(error);
      this.close(error);
    }
  }
}
