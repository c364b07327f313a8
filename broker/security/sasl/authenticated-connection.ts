// A node-to-node connection to a SASL listener: authenticated before anyone uses it, and
// re-authenticated on the same connection before the session the server granted runs out
// (KIP-368), so long-lived connections (replica fetchers, the controller channel) are not cut.
import type { KafkaConnection } from "../../client/kafka-connection.js";
import type { SaslClientCredentials } from "../client-security.js";
import { saslAuthenticate } from "./sasl-client.js";

/** Re-authenticate when this share of the session lifetime has passed (Kafka's clients pick 85–95 %). */
const REAUTH_AT_SHARE = 0.85;

export async function authenticated(conn: KafkaConnection, credentials: SaslClientCredentials, timeoutMs: number): Promise<KafkaConnection> {
  try {
    keepAuthenticated(conn, credentials, timeoutMs, await saslAuthenticate(conn, credentials, timeoutMs));
    return conn;
  } catch (err) {
    conn.close();
    throw err;
  }
}

function keepAuthenticated(conn: KafkaConnection, credentials: SaslClientCredentials, timeoutMs: number, lifetimeMs: number): void {
  if (lifetimeMs <= 0 || conn.closed) return;
  const timer = setTimeout(() => {
    saslAuthenticate(conn, credentials, timeoutMs).then(
      (next) => keepAuthenticated(conn, credentials, timeoutMs, next),
      // The server will close the connection once the session expires; its users reconnect.
      () => conn.close(),
    );
  }, Math.max(1, Math.floor(lifetimeMs * REAUTH_AT_SHARE)));
  timer.unref();
  conn.onClose(() => clearTimeout(timer));
}
