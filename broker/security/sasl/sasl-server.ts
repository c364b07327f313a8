// One mechanism's server side of a SASL exchange: it is given each token the client sends and
// answers with a challenge, success, or failure. Failures carry the message the client sees
// (Kafka's wording) and, separately, the reason for our log; the two differ on purpose: the
// client learns nothing about which part of its credentials was wrong.
import type { SaslMechanism } from "./mechanisms.js";

export type SaslStep =
  /** Send `token` and wait for the client's next one. */
  | { readonly kind: "challenge"; readonly token: Buffer }
  /** Authenticated as `username`; `token` is the last server message (empty for PLAIN). */
  | { readonly kind: "complete"; readonly token: Buffer; readonly username: string }
  | { readonly kind: "failed"; readonly clientMessage: string; readonly reason: string; readonly username: string | null };

export interface SaslServer {
  readonly mechanism: SaslMechanism;
  evaluate(token: Buffer): SaslStep;
}

/**
 * Kafka's answer to a malformed exchange (a SaslException that is not an authentication
 * failure): the generic message naming the mechanism.
 */
export function invalidExchange(mechanism: SaslMechanism, reason: string, username: string | null, reauthenticating = false): SaslStep {
  const during = reauthenticating ? "re-authentication" : "authentication";
  return { kind: "failed", clientMessage: `Authentication failed during ${during} due to invalid credentials with SASL mechanism ${mechanism}`, reason, username };
}
