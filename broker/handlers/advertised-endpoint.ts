// The host and port clients should use to reach this broker on the listener a request came in on.
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
