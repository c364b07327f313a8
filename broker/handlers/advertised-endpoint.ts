// The host and port clients should use to reach this broker on the listener a request came in on.
import type { RequestContext } from "./handler.js";

export function advertisedEndpoint(ctx: RequestContext): { host: string; port: number } {
  const { config } = ctx.broker;
  const listener =
    config.advertisedListeners.find((l) => l.name === ctx.connection.listenerName) ?? config.advertisedListeners[0];
  if (!listener) throw new Error("no advertised listener configured");
  return { host: listener.host, port: ctx.broker.boundPorts.get(listener.name) ?? listener.port };
}
