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
  | {
      readonly kind: "failed";
      readonly clientMessage: string;
      readonly reason: string;
      readonly username: string | null;
      /** Kafka's generic message (a SaslException), worded by the authenticator during re-authentication. */
      readonly generic?: boolean;
    };

export interface SaslServer {
  readonly mechanism: SaslMechanism;
  evaluate(token: Buffer): SaslStep;
}

/** Kafka's generic failure message, which names only the phase and the mechanism. */
export function genericFailureMessage(mechanism: string, reauthentication: boolean): string {
  const during = reauthentication ? "re-authentication" : "authentication";
  return `Authentication failed during ${during} due to invalid credentials with SASL mechanism ${mechanism}`;
}

/**
 * Kafka's answer to a failure its mechanisms raise as a plain SaslException (malformed messages,
 * wrong SCRAM proofs): the generic message; `reason` is for our log only.
 */
export function invalidExchange(mechanism: SaslMechanism, reason: string, username: string | null): SaslStep {
  return { kind: "failed", clientMessage: genericFailureMessage(mechanism, false), reason, username, generic: true };
}
