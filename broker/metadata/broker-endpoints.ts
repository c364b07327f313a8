// The endpoints a broker registers with the controller: its advertised (non-controller)
// listeners as clients should reach them — this machine's name for an empty host, and the port
// actually bound where port 0 was asked for.
import { hostname } from "node:os";
import type { BrokerConfig } from "../config/index.js";
import { SECURITY_PROTOCOL_IDS } from "./controller/security-protocol-ids.js";
import type { BrokerEndpoint } from "./metadata-image.js";

export function registeredEndpoints(config: BrokerConfig, boundPorts: ReadonlyMap<string, number>): BrokerEndpoint[] {
  return config.advertisedListeners.map((l) => ({
    name: l.name,
    host: l.host === "" ? hostname() : l.host,
    port: l.port === 0 ? (boundPorts.get(l.name) ?? 0) : l.port,
    securityProtocol: SECURITY_PROTOCOL_IDS[l.securityProtocol],
  }));
}
