// The client side of a TLS listener, for connections between nodes (replication, forwarding, the
// quorum): the listener's trust store verifies the other node, its key store is our client
// certificate (mTLS), and ssl.endpoint.identification.algorithm=https (the default) checks the
// other node's certificate against the host we dial; empty turns that check off (the chain is
// still verified).
import { checkServerIdentity, type ConnectionOptions } from "node:tls";
import type { BrokerConfig } from "../../config/index.js";
import { opensslCipherList } from "./cipher-suites.js";
import { loadKeyMaterial } from "./key-material.js";
import { tlsSettingsFor } from "./tls-settings.js";

/** node:tls connect options for dialling `listenerName` of another node; throws TlsConfigError. */
export function clientTlsOptions(config: BrokerConfig, listenerName: string): ConnectionOptions {
  const settings = tlsSettingsFor(config, listenerName);
  const material = loadKeyMaterial(settings);
  return {
    ...material.options,
    minVersion: settings.minVersion,
    maxVersion: settings.maxVersion,
    ciphers: opensslCipherList(settings.cipherSuites, listenerName),
    rejectUnauthorized: true,
    checkServerIdentity: settings.verifyHostname ? checkServerIdentity : () => undefined,
  };
}
