// A loopback TCP proxy in front of one Kafka broker that makes clients retry:
// it can swallow a Produce response after the broker has handled the request
// (then cut the connection), or hold it back past the client's request
// timeout. Either way the write is in the log but was never acknowledged, so
// an idempotent producer must retry and the broker must deduplicate.
//
// Clients learn broker addresses from Metadata, so the proxy rewrites every
// loopback broker's entry to point at a port of its own that forwards to that
// broker (opened when Metadata first names it): in a cluster, the Produce
// requests to every leader pass through. Everything else passes through byte
// for byte.
import net from 'node:net';
import { API_METADATA, API_PRODUCE, FrameSplitter, rewriteMetadataResponse, withSizePrefix } from '../kafka/wire.js';
import { parseHostPort } from '../kafka/probe.js';

export type ResponseFault = 'pass' | 'drop' | { delayMs: number };

export interface FaultProxyOptions {
  /** host:port of the broker; must be a loopback address. */
  upstream: string;
  /** Decides the fate of the n-th Produce response seen by the proxy (1-based, across connections and brokers). */
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
  /** host:port for clients to bootstrap from (in front of `upstream`). */
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
  const maxConnections = opts.maxConnections ?? 64;
  /** One listening port in front of each upstream broker, by the broker's host:port. */
  const fronts = new Map<string, Promise<{ server: net.Server; port: number }>>();

  const frontFor = (broker: { host: string; port: number }) => {
    const key = `${broker.host}:${broker.port}`;
    let front = fronts.get(key);
    if (!front) {
      front = listenInFrontOf(broker);
      fronts.set(key, front);
    }
    return front;
  };

  const listenInFrontOf = async (target: { host: string; port: number }) => {
    const server = net.createServer((client) => pipe(client, target));
    server.maxConnections = maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return { server, port: (server.address() as net.AddressInfo).port };
  };

  /** The Metadata response with every loopback broker pointing at its front port. */
  const rewriteBrokers = async (frame: Buffer, version: number): Promise<Buffer> => {
    const named: { host: string; port: number }[] = [];
    rewriteMetadataResponse(frame, version, (b) => {
      if (isLoopback(b.host)) named.push({ host: b.host, port: b.port });
      return b;
    });
    const frontPorts = new Map<string, number>();
    for (const b of named) frontPorts.set(`${b.host}:${b.port}`, (await frontFor(b)).port);
    return rewriteMetadataResponse(frame, version, (b) => {
      const port = frontPorts.get(`${b.host}:${b.port}`);
      return port === undefined ? b : { ...b, host: '127.0.0.1', port };
    });
  };

  const pipe = (client: net.Socket, target: { host: string; port: number }) => {
    if (sockets.size >= 2 * maxConnections * fronts.size) {
      client.destroy();
      return;
    }
    stats.connections++;
    const upstream = net.connect(target);
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
      for (const f of frames) chain = chain.then(() => deliver(f)).catch(closeBoth);
    });

    const deliver = async (frame: Buffer): Promise<void> => {
      if (closed) return;
      const corr = frame.readInt32BE(0);
      const req = inflight.get(corr);
      inflight.delete(corr);
      let out = frame;
      if (req?.apiKey === API_METADATA) {
        out = await rewriteBrokers(frame, req.version);
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
        }
      }
      if (closed) return;
      client.write(withSizePrefix(out));
    };
  };

  const bootstrap = await frontFor(up);

  return {
    address: `127.0.0.1:${bootstrap.port}`,
    stats,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const sock of sockets) sock.destroy();
      const servers = await Promise.all(fronts.values());
      await Promise.all(servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
