// The host and port clients should use to reach this broker (and the others) on the listener a request came in on.
import { hostname } from "node:os";
import type { RequestContext } from "./handler.js";

export function advertisedEndpoint(ctx: RequestContext): { host: string; port: number } {
  const { config } = ctx.broker;
  const listener =
    config.advertisedListeners.find((l) => l.name === ctx.connection.listenerName) ?? config.advertisedListeners[0];
  if (!listener) throw new Error("no advertised listener configured");
  // Only a port of 0 ("any free port", used by tests) is replaced by the port actually bound;
  // an explicitly advertised port (a load balancer's, say) is what clients must use.
  const port = listener.port === 0 ? (ctx.broker.boundPorts.get(listener.name) ?? 0) : listener.port;
  // An empty host ("PLAINTEXT://:9092") means every interface; like Kafka, advertise this machine's name.
  return { host: listener.host === "" ? hostname() : listener.host, port };
}

export interface AliveBroker {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

/**
 * The registered, unfenced brokers reachable on the listener this request came in on, by id
 * (what Metadata and DescribeCluster list, as Kafka's KRaft brokers do).
 */
export function aliveBrokers(ctx: RequestContext): AliveBroker[] {
  const out: AliveBroker[] = [];
  for (const b of ctx.broker.metadata.image.brokers.values()) {
    if (b.fenced) continue;
    const endpoint = b.endpoints.find((e) => e.name === ctx.connection.listenerName);
    if (endpoint) out.push({ id: b.id, host: endpoint.host, port: endpoint.port, rack: b.rack });
  }
  return out.sort((a, b) => a.id - b.id);
}
