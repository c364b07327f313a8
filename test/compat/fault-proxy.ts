// A loopback TCP proxy in front of one Kafka broker that makes clients retry:
// it can swallow a Produce response after the broker has handled the request
// (then cut the connection), or hold it back past the client's request
// timeout. Either way the write is in the log but was never acknowledged, so
// an idempotent producer must retry and the broker must deduplicate.
//
// Clients learn broker addresses from Metadata, so the proxy rewrites the
// upstream broker's entry to point at itself; everything else passes through
// byte for byte. One upstream broker: other brokers in a cluster stay direct.
import net from 'node:net';
import { API_METADATA, API_PRODUCE, FrameSplitter, rewriteMetadataResponse, withSizePrefix } from '../kafka/wire.js';
import { parseHostPort } from '../kafka/probe.js';

export type ResponseFault = 'pass' | 'drop' | { delayMs: number };

export interface FaultProxyOptions {
  /** host:port of the broker; must be a loopback address. */
  upstream: string;
  /** Decides the fate of the n-th Produce response seen by the proxy (1-based, across connections). */
  produceResponse?: (n: number) => ResponseFault;
  /** Upper bound on concurrent client connections (default 64). */
  maxConnections?: number;
}

export interface FaultProxyStats {
  connections: number;
  produceResponses: number;
  dropped: number;
  delayed: number;
  metadataRewrites: number;
}

export interface FaultProxy {
  /** host:port for clients to bootstrap from. */
  address: string;
  stats: FaultProxyStats;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const up = parseHostPort(opts.upstream);
  if (!isLoopback(up.host)) throw new Error(`fault proxy only forwards to loopback, not ${opts.upstream}`);
  const stats: FaultProxyStats = { connections: 0, produceResponses: 0, dropped: 0, delayed: 0, metadataRewrites: 0 };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const decide = opts.produceResponse ?? (() => 'pass' as const);
  let self = { host: '127.0.0.1', port: 0 };

  const server = net.createServer((client) => {
    if (sockets.size >= 2 * (opts.maxConnections ?? 64)) {
      client.destroy();
      return;
    }
    stats.connections++;
    const upstream = net.connect(up);
    sockets.add(client).add(upstream);
    const inflight = new Map<number, { apiKey: number; version: number }>();
    const fromClient = new FrameSplitter();
    const fromUpstream = new FrameSplitter();
    let closed = false;
    const closeBoth = () => {
      if (closed) return;
      closed = true;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);

    client.on('data', (chunk) => {
      let frames: Buffer[];
      try {
        frames = fromClient.push(chunk);
      } catch {
        return closeBoth();
      }
      for (const f of frames) {
        // Request header: api_key int16, api_version int16, correlation_id int32.
        inflight.set(f.readInt32BE(4), { apiKey: f.readInt16BE(0), version: f.readInt16BE(2) });
        upstream.write(withSizePrefix(f));
      }
    });

    // Responses leave in the order they came, even when one is held back.
    let chain = Promise.resolve();
    upstream.on('data', (chunk) => {
      let frames: Buffer[];
      try {
        frames = fromUpstream.push(chunk);
      } catch {
        return closeBoth();
      }
      for (const f of frames) chain = chain.then(() => deliver(f));
    });

    const deliver = async (frame: Buffer): Promise<void> => {
      if (closed) return;
      const corr = frame.readInt32BE(0);
      const req = inflight.get(corr);
      inflight.delete(corr);
      let out = frame;
      if (req?.apiKey === API_METADATA) {
        out = rewriteMetadataResponse(frame, req.version, (b) =>
          b.port === up.port && isLoopback(b.host) ? { ...b, host: self.host, port: self.port } : b,
        );
        if (out !== frame) stats.metadataRewrites++;
      } else if (req?.apiKey === API_PRODUCE) {
        const fault = decide(++stats.produceResponses);
        if (fault === 'drop') {
          stats.dropped++;
          return closeBoth();
        }
        if (typeof fault === 'object') {
          stats.delayed++;
          await new Promise<void>((r) => {
            const t = setTimeout(() => {
              timers.delete(t);
              r();
            }, fault.delayMs);
            timers.add(t);
          });
          if (closed) return;
        }
      }
      client.write(withSizePrefix(out));
    };
  });
  server.maxConnections = opts.maxConnections ?? 64;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  self = { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };

  return {
    address: `${self.host}:${self.port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
