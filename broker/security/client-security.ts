// How this node connects to another node's listener: the inter-broker listener for replication
// and forwarding, the controller listener for the quorum and the controller channel. Kafka takes
// it from the same keys that configure that listener on the server side: the listener's security
// protocol, its ssl.* keys (listener.name.<l>.ssl.* first) and the inter-broker / controller SASL
// mechanism with the credentials of the listener's JAAS config.
import type { ConnectionOptions } from "node:tls";
import type { BrokerConfig, SecurityProtocol } from "../config/index.js";
import { saslClientCredentials } from "./sasl/client-credentials.js";
import { clientTlsOptions } from "./tls/client-tls-options.js";

export interface SaslClientCredentials {
  readonly mechanism: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";
  readonly username: string;
  readonly password: string;
}

export interface ClientSecurity {
  readonly securityProtocol: SecurityProtocol;
  /** For SSL and SASL_SSL: node:tls options (CA, client certificate and key when mTLS, server name). */
  readonly tls?: ConnectionOptions;
  /** For SASL_PLAINTEXT and SASL_SSL. */
  readonly sasl?: SaslClientCredentials;
}

export const PLAINTEXT_CLIENT: ClientSecurity = { securityProtocol: "PLAINTEXT" };

/** The client side of `listenerName` on this node's configuration. */
export function clientSecurityFor(config: BrokerConfig, listenerName: string): ClientSecurity {
  const securityProtocol = config.listenerSecurityProtocolMap.get(listenerName) ?? "PLAINTEXT";
  if (securityProtocol === "PLAINTEXT") return PLAINTEXT_CLIENT;
  if (securityProtocol === "SASL_PLAINTEXT") return { securityProtocol, sasl: saslClientCredentials(config, listenerName) };
  if (securityProtocol === "SSL") return { securityProtocol, tls: clientTlsOptions(config, listenerName) };
  if (securityProtocol === "SASL_SSL") {
    return { securityProtocol, tls: clientTlsOptions(config, listenerName), sasl: saslClientCredentials(config, listenerName) };
  }
  throw new Error(`listener ${listenerName}: ${securityProtocol} is not supported for connections between nodes yet`);
}
