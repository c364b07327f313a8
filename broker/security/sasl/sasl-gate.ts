// What the connection asks before it handles a request, and after it writes a response, on a
// SASL listener: until authenticated only ApiVersions, SaslHandshake and SaslAuthenticate pass
// (anything else closes the connection unanswered, as Kafka does); a failed handshake or
// authentication closes it once its answer is written; an expired session (KIP-368) closes it
// on the next request that is not a re-authentication.
import type { BrokerServices } from "../../broker-services.js";
import type { ConnectionInfo } from "../../handlers/handler.js";
import { saslAuthenticatorOf } from "./connection-authenticator.js";

/** Why this request must close the connection; null when it may be handled. */
export function saslGateRefusal(connection: ConnectionInfo, broker: BrokerServices, apiKey: number): string | null {
  return saslAuthenticatorOf(connection, broker)?.refusal(apiKey) ?? null;
}

/** True when the response just written ends the connection (a failed SASL exchange). */
export function saslClosesAfterResponse(connection: ConnectionInfo): boolean {
  return connection.session.saslAuthenticator?.mustClose ?? false;
}
