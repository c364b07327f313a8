import { describe, expect, it } from "vitest";
import { principalToString } from "../principal.js";
import { SecuritySession } from "../session.js";
import { PlainServer } from "./plain-server.js";
import { SaslAuthenticator } from "./sasl-authenticator.js";

const PRODUCE = 0;
const METADATA = 3;
const HANDSHAKE = 17;
const API_VERSIONS = 18;
const AUTHENTICATE = 36;

function setup(reauthMs = 0) {
  let now = 1_000;
  const session = new SecuritySession();
  const users = new Map([["alice", "alice-secret"], ["bob", "bob-secret"]]);
  const authenticator = new SaslAuthenticator(session, {
    enabledMechanisms: ["PLAIN"],
    serverFor: () => new PlainServer(users),
    maxReauthMs: () => reauthMs,
    now: () => now,
  });
  return { session, authenticator, advance: (ms: number) => (now += ms) };
}

const plain = (user: string, password: string) => Buffer.from(`\u0000${user}\u0000${password}`);

describe("SaslAuthenticator", () => {
  it("lets only ApiVersions and SaslHandshake through before the handshake, only SaslAuthenticate after it", () => {
    const { authenticator } = setup();
    expect(authenticator.refusal(API_VERSIONS)).toBeNull();
    expect(authenticator.refusal(HANDSHAKE)).toBeNull();
    expect(authenticator.refusal(METADATA)).toMatch(/during SASL handshake/);
    expect(authenticator.refusal(AUTHENTICATE)).toMatch(/during SASL handshake/);
    expect(authenticator.handshake("PLAIN")).toEqual({ error: "NONE", mechanisms: ["PLAIN"], closeAfterResponse: false });
    expect(authenticator.refusal(AUTHENTICATE)).toBeNull();
    expect(authenticator.refusal(API_VERSIONS)).toMatch(/during SASL authentication/);
    expect(authenticator.refusal(PRODUCE)).toMatch(/during SASL authentication/);
  });

  it("authenticates: principal User:<name>, mechanism set, every request allowed", () => {
    const { session, authenticator } = setup();
    authenticator.handshake("PLAIN");
    const result = authenticator.authenticate(plain("alice", "alice-secret"));
    expect(result).toMatchObject({ error: "NONE", closeAfterResponse: false, sessionLifetimeMs: 0, event: { kind: "authenticated", principal: "User:alice", mechanism: "PLAIN" } });
    expect(principalToString(session.principal)).toBe("User:alice");
    expect(session.saslMechanism).toBe("PLAIN");
    expect(authenticator.refusal(PRODUCE)).toBeNull();
    expect(authenticator.mustClose).toBe(false);
    // A second SaslAuthenticate without a new handshake: ILLEGAL_SASL_STATE, connection kept.
    expect(authenticator.authenticate(plain("alice", "alice-secret"))).toMatchObject({ error: "ILLEGAL_SASL_STATE", closeAfterResponse: false });
  });

  it("refuses an unknown mechanism with the enabled list and closes after the answer", () => {
    const { authenticator } = setup();
    expect(authenticator.handshake("GSSAPI")).toEqual({ error: "UNSUPPORTED_SASL_MECHANISM", mechanisms: ["PLAIN"], closeAfterResponse: true });
    expect(authenticator.mustClose).toBe(true);
    expect(authenticator.refusal(API_VERSIONS)).not.toBeNull();
  });

  it("a failed authentication is SASL_AUTHENTICATION_FAILED with Kafka's message, then the connection closes", () => {
    const { session, authenticator } = setup();
    authenticator.handshake("PLAIN");
    expect(authenticator.authenticate(plain("alice", "wrong"))).toMatchObject({
      error: "SASL_AUTHENTICATION_FAILED",
      errorMessage: "Authentication failed: Invalid username or password",
      closeAfterResponse: true,
      event: { kind: "failed", username: "alice", reason: "wrong password" },
    });
    expect(authenticator.mustClose).toBe(true);
    expect(principalToString(session.principal)).toBe("User:ANONYMOUS");
  });

  it("a second handshake during authentication is ILLEGAL_SASL_STATE and closes", () => {
    const { authenticator } = setup();
    authenticator.handshake("PLAIN");
    expect(authenticator.handshake("PLAIN")).toMatchObject({ error: "ILLEGAL_SASL_STATE", closeAfterResponse: true });
  });

  describe("re-authentication (KIP-368), with an injected clock", () => {
    it("grants connections.max.reauth.ms, then refuses other requests once the session expired", () => {
      const { authenticator, advance } = setup(10_000);
      authenticator.handshake("PLAIN");
      expect(authenticator.authenticate(plain("alice", "alice-secret")).sessionLifetimeMs).toBe(10_000);
      advance(9_999);
      expect(authenticator.refusal(PRODUCE)).toBeNull();
      advance(1);
      expect(authenticator.refusal(PRODUCE)).toMatch(/session expired/);
      // The re-authentication exchange itself still passes.
      expect(authenticator.refusal(HANDSHAKE)).toBeNull();
      expect(authenticator.refusal(AUTHENTICATE)).toBeNull();
    });

    it("re-authenticating as the same principal renews the session", () => {
      const { authenticator, advance } = setup(10_000);
      authenticator.handshake("PLAIN");
      authenticator.authenticate(plain("alice", "alice-secret"));
      advance(9_000);
      expect(authenticator.handshake("PLAIN").error).toBe("NONE");
      // Requests between the re-authentication's steps are still served while the session lasts.
      expect(authenticator.refusal(PRODUCE)).toBeNull();
      expect(authenticator.authenticate(plain("alice", "alice-secret"))).toMatchObject({ error: "NONE", event: { reauthentication: true } });
      advance(9_000);
      expect(authenticator.refusal(PRODUCE)).toBeNull();
      expect(authenticator.expiresAtMs).toBe(1_000 + 9_000 + 10_000);
    });

    it("re-authenticating as someone else fails and closes", () => {
      const { session, authenticator } = setup(10_000);
      authenticator.handshake("PLAIN");
      authenticator.authenticate(plain("alice", "alice-secret"));
      authenticator.handshake("PLAIN");
      expect(authenticator.authenticate(plain("bob", "bob-secret"))).toMatchObject({
        error: "SASL_AUTHENTICATION_FAILED",
        errorMessage: "Cannot change principals during re-authentication from User:alice: User:bob",
        closeAfterResponse: true,
      });
      expect(principalToString(session.principal)).toBe("User:alice");
      expect(authenticator.mustClose).toBe(true);
    });

    it("a failed re-authentication closes the connection; Kafka's generic message then says re-authentication", () => {
      const { authenticator } = setup(10_000);
      authenticator.handshake("PLAIN");
      authenticator.authenticate(plain("alice", "alice-secret"));
      authenticator.handshake("PLAIN");
      expect(authenticator.authenticate(Buffer.from("alice"))).toMatchObject({
        error: "SASL_AUTHENTICATION_FAILED",
        errorMessage: "Authentication failed during re-authentication due to invalid credentials with SASL mechanism PLAIN",
        closeAfterResponse: true,
      });
      expect(authenticator.refusal(PRODUCE)).not.toBeNull();
    });
  });
});
