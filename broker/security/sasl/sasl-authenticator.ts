// The server side of SASL for one connection on a SASL_PLAINTEXT or SASL_SSL listener, as
// Kafka's SaslServerAuthenticator runs it:
//   handshake      ApiVersions and SaslHandshake only; an unknown mechanism is answered with
//                  UNSUPPORTED_SASL_MECHANISM and the enabled list, then the connection closes
//   authenticate   SaslAuthenticate only, until the mechanism completes or fails; a failure is
//                  answered with SASL_AUTHENTICATION_FAILED, then the connection closes
//   authenticated  any request; with connections.max.reauth.ms the session expires, and the
//                  client re-authenticates on the same connection (KIP-368: SaslHandshake +
//                  SaslAuthenticate, same mechanism and principal); once expired, any other
//                  request closes the connection
// Any other request in the wrong phase closes the connection without an answer.
import type { KafkaErrorName } from "../../protocol/errors.js";
import { principalToString, userPrincipal } from "../principal.js";
import type { SecuritySession } from "../session.js";
import { genericFailureMessage, type SaslServer } from "./sasl-server.js";

export const API_VERSIONS_KEY = 18;
export const SASL_HANDSHAKE_KEY = 17;
export const SASL_AUTHENTICATE_KEY = 36;

export interface SaslAuthenticatorOptions {
  /** The listener's sasl.enabled.mechanisms. */
  readonly enabledMechanisms: readonly string[];
  /** The server for an enabled mechanism (a fresh one per exchange). */
  readonly serverFor: (mechanism: string) => SaslServer;
  /** connections.max.reauth.ms for the mechanism; 0 disables expiry. */
  readonly maxReauthMs: (mechanism: string) => number;
  readonly now: () => number;
}

export interface HandshakeResult {
  readonly error: KafkaErrorName;
  readonly mechanisms: readonly string[];
  readonly closeAfterResponse: boolean;
}

export interface AuthenticateResult {
  readonly error: KafkaErrorName;
  readonly errorMessage: string | null;
  readonly authBytes: Buffer;
  readonly sessionLifetimeMs: number;
  readonly closeAfterResponse: boolean;
  /** What happened, for the handler's log line. */
  readonly event:
    | { kind: "challenge" }
    | { kind: "authenticated"; principal: string; mechanism: string; reauthentication: boolean }
    | { kind: "failed"; username: string | null; mechanism: string | null; reason: string };
}

type Phase = "handshake" | "authenticate" | "authenticated" | "failed";

export class SaslAuthenticator {
  private phase: Phase = "handshake";
  private server: SaslServer | null = null;
  private sessionExpiresAtMs: number | null = null;

  constructor(
    private readonly session: SecuritySession,
    private readonly opts: SaslAuthenticatorOptions,
  ) {}

  get authenticated(): boolean {
    return this.phase === "authenticated";
  }

  /** When the session must be renewed (ms since the epoch); null when it never expires. */
  get expiresAtMs(): number | null {
    return this.sessionExpiresAtMs;
  }

  /** Why a request with this API key must close the connection now; null when it may proceed. */
  refusal(apiKey: number): string | null {
    switch (this.phase) {
      case "handshake":
        return apiKey === API_VERSIONS_KEY || apiKey === SASL_HANDSHAKE_KEY ? null : `unexpected request (api key ${apiKey}) during SASL handshake`;
      case "authenticate":
        return apiKey === SASL_AUTHENTICATE_KEY ? null : `unexpected request (api key ${apiKey}) during SASL authentication`;
      case "failed":
        return "SASL authentication failed";
      case "authenticated":
        if (apiKey === SASL_HANDSHAKE_KEY || apiKey === SASL_AUTHENTICATE_KEY) return null;
        if (this.sessionExpiresAtMs !== null && this.opts.now() >= this.sessionExpiresAtMs) return "SASL session expired (connections.max.reauth.ms) without re-authentication";
        return null;
    }
  }

  handshake(mechanism: string): HandshakeResult {
    const mechanisms = this.opts.enabledMechanisms;
    const reauthenticating = this.phase === "authenticated";
    if (this.phase === "authenticate" || this.phase === "failed" || (reauthenticating && this.server !== null)) {
      this.phase = "failed";
      return { error: "ILLEGAL_SASL_STATE", mechanisms, closeAfterResponse: true };
    }
    const changesMechanism = reauthenticating && mechanism !== this.session.saslMechanism;
    if (!mechanisms.includes(mechanism) || changesMechanism) {
      this.phase = "failed";
      return { error: "UNSUPPORTED_SASL_MECHANISM", mechanisms, closeAfterResponse: true };
    }
    this.server = this.opts.serverFor(mechanism);
    if (!reauthenticating) this.phase = "authenticate";
    return { error: "NONE", mechanisms, closeAfterResponse: false };
  }

  authenticate(token: Buffer): AuthenticateResult {
    const server = this.server;
    if (server === null) {
      // Kafka's answer to SaslAuthenticate on an authenticated connection that did not start a re-authentication.
      return this.result("ILLEGAL_SASL_STATE", "SaslAuthenticate request received after successful authentication", false, {
        kind: "failed",
        username: null,
        mechanism: null,
        reason: "SaslAuthenticate without SaslHandshake",
      });
    }
    const reauthentication = this.phase === "authenticated";
    const step = server.evaluate(token);
    if (step.kind === "challenge") return { ...this.result("NONE", null, false, { kind: "challenge" }), authBytes: step.token };
    this.server = null;
    if (step.kind === "failed") {
      this.phase = "failed";
      const message = step.generic && reauthentication ? genericFailureMessage(server.mechanism, true) : step.clientMessage;
      return this.result("SASL_AUTHENTICATION_FAILED", message, true, { kind: "failed", username: step.username, mechanism: server.mechanism, reason: step.reason });
    }
    const principal = userPrincipal(step.username);
    if (reauthentication && principalToString(principal) !== principalToString(this.session.principal)) {
      this.phase = "failed";
      const message = `Cannot change principals during re-authentication from ${principalToString(this.session.principal)}: ${principalToString(principal)}`;
      return this.result("SASL_AUTHENTICATION_FAILED", message, true, { kind: "failed", username: step.username, mechanism: server.mechanism, reason: message });
    }
    this.phase = "authenticated";
    this.session.principal = principal;
    this.session.saslMechanism = server.mechanism;
    const lifetimeMs = this.opts.maxReauthMs(server.mechanism);
    this.sessionExpiresAtMs = lifetimeMs > 0 ? this.opts.now() + lifetimeMs : null;
    return {
      error: "NONE",
      errorMessage: null,
      authBytes: step.token,
      sessionLifetimeMs: lifetimeMs,
      closeAfterResponse: false,
      event: { kind: "authenticated", principal: principalToString(principal), mechanism: server.mechanism, reauthentication },
    };
  }

  /** Whether the connection must close once the current response is written. */
  get mustClose(): boolean {
    return this.phase === "failed";
  }

  private result(error: KafkaErrorName, errorMessage: string | null, closeAfterResponse: boolean, event: AuthenticateResult["event"]): AuthenticateResult {
    return { error, errorMessage, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0, closeAfterResponse, event };
  }
}
