// Readiness of a Kafka-protocol broker, asked in its own protocol: it is ready
// when it answers ApiVersions and lists at least one broker in Metadata. An
// open port alone is not enough (Kafka accepts connections before it serves).
import net from 'node:net';
import {
  API_API_VERSIONS, API_METADATA, FrameSplitter, Reader, metadataFlexible, metadataRequestBody,
  readMetadataBrokers, requestFrame, type BrokerEntry,
} from './wire.js';

export function parseHostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`not host:port: ${addr}`);
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(addr.slice(i + 1)) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Sends request frames one at a time over a socket and returns each response frame. */
class Conn {
  private sock: net.Socket;
  private splitter = new FrameSplitter();
  private waiting: ((f: Buffer) => void) | undefined;
  private failed: Error | undefined;
  private onFail: ((e: Error) => void) | undefined;
  constructor(sock: net.Socket) {
    this.sock = sock;
    sock.on('data', (chunk) => {
      for (const f of this.splitter.push(chunk)) this.waiting?.(f);
    });
    const fail = (e: Error) => {
      this.failed ??= e;
      this.onFail?.(e);
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }
  request(frame: Buffer): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.onFail = reject;
      this.sock.write(frame);
    });
  }
}

export interface ProbeResult {
  brokers: BrokerEntry[];
  metadataVersion: number;
}

export async function probeOnce(bootstrap: string, timeoutMs = 5000): Promise<ProbeResult> {
  const { host, port } = parseHostPort(bootstrap);
  const sock = net.connect({ host, port });
  sock.setTimeout(timeoutMs, () => sock.destroy(new Error(`no answer from ${bootstrap} in ${timeoutMs} ms`)));
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const conn = new Conn(sock);
    const av = new Reader(await conn.request(requestFrame(API_API_VERSIONS, 0, 1, 'millrace-probe', false, Buffer.alloc(0))));
    av.int32();
    const err = av.int16();
    let range: [number, number] | undefined;
    const n = av.int32();
    for (let i = 0; i < n; i++) {
      const key = av.int16();
      const min = av.int16();
      const max = av.int16();
      if (key === API_METADATA) range = [min, max];
    }
    if (err !== 0) throw new Error(`ApiVersions error ${err}`);
    if (!range) throw new Error('broker does not offer Metadata');
    const version = Math.min(range[1], 12);
    if (version < Math.max(range[0], 1)) throw new Error(`no Metadata version the probe can speak in ${range.join('-')}`);
    const flex = metadataFlexible(version);
    const md = new Reader(await conn.request(requestFrame(API_METADATA, version, 2, 'millrace-probe', flex, metadataRequestBody(version))));
    md.int32();
    if (flex) md.skipTaggedFields();
    return { brokers: readMetadataBrokers(md, version), metadataVersion: version };
  } finally {
    sock.destroy();
  }
}

/**
 * Polls until the broker is ready or the deadline passes. isAlive lets the
 * caller stop early when the broker process has already died.
 */
export async function waitForKafkaReady(
  bootstrap: string,
  opts: { timeoutMs: number; isAlive?: () => boolean; describe?: () => string },
): Promise<ProbeResult> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  let delay = 50;
  while (Date.now() < deadline) {
    if (opts.isAlive && !opts.isAlive()) {
      throw new Error(`broker exited before it was ready${opts.describe ? `\n${opts.describe()}` : ''}`);
    }
    try {
      const r = await probeOnce(bootstrap, Math.min(5000, Math.max(100, deadline - Date.now())));
      if (r.brokers.length > 0) return r;
      last = new Error('Metadata lists no brokers yet');
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
  throw new Error(`broker at ${bootstrap} not ready within ${opts.timeoutMs} ms: ${String(last)}${opts.describe ? `\n${opts.describe()}` : ''}`);
}
