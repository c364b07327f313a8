import { describe, expect, it } from "vitest";
import type { ScramCredential } from "../../metadata/metadata-image.js";
import { scramMechanismByName } from "./mechanisms.js";
import { credentialFromPassword } from "./scram-crypto.js";
import { ScramClient } from "./scram-client.js";
import { ScramServer } from "./scram-server.js";

const SHA256 = scramMechanismByName("SCRAM-SHA-256")!;
const SHA512 = scramMechanismByName("SCRAM-SHA-512")!;

// RFC 7677 section 3: user "user", password "pencil".
const RFC7677 = {
  clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
  serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
  serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  clientFinal: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

function rfcServer(credentials: Map<string, ScramCredential>): ScramServer {
  return new ScramServer({ mechanism: SHA256, credential: (u) => credentials.get(u), serverNonce: () => RFC7677.serverNonce });
}

const b = (s: string) => Buffer.from(s, "utf8");
const rfcCredential = credentialFromPassword(SHA256, "pencil", 4096, Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"));

describe("ScramServer", () => {
  it("answers RFC 7677's SCRAM-SHA-256 exchange byte for byte", () => {
    const server = rfcServer(new Map([["user", rfcCredential]]));
    expect(server.evaluate(b(RFC7677.clientFirst))).toEqual({ kind: "challenge", token: b(RFC7677.serverFirst) });
    expect(server.evaluate(b(RFC7677.clientFinal))).toEqual({ kind: "complete", token: b(RFC7677.serverFinal), username: "user" });
  });

  it("our client and server agree on SCRAM-SHA-512 (round trip), and the client checks the server's signature", () => {
    const credential = credentialFromPassword(SHA512, "alice-secret", 8192);
    const server = new ScramServer({ mechanism: SHA512, credential: (u) => (u === "alice" ? credential : undefined) });
    const client = new ScramClient(SHA512, "alice", "alice-secret");
    const first = server.evaluate(client.firstMessage());
    expect(first.kind).toBe("challenge");
    const final = server.evaluate(client.finalMessage((first as { token: Buffer }).token));
    expect(final.kind).toBe("complete");
    expect(() => client.verifyServerFinal((final as { token: Buffer }).token)).not.toThrow();
    expect(() => client.verifyServerFinal(b("v=" + Buffer.alloc(64).toString("base64")))).toThrow(/server signature/);
  });

  it("a wrong password and an unknown user fail the same way, at the proof", () => {
    const credential = credentialFromPassword(SHA512, "alice-secret", 4096);
    const outcome = (user: string, password: string) => {
      const server = new ScramServer({ mechanism: SHA512, credential: (u) => (u === "alice" ? credential : undefined) });
      const client = new ScramClient(SHA512, user, password);
      const first = server.evaluate(client.firstMessage());
      expect(first.kind).toBe("challenge");
      return server.evaluate(client.finalMessage((first as { token: Buffer }).token));
    };
    const wrong = outcome("alice", "nope");
    const unknown = outcome("mallory", "nope");
    const generic = "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512";
    expect(wrong).toMatchObject({ kind: "failed", clientMessage: generic, reason: "wrong proof", username: "alice" });
    expect(unknown).toMatchObject({ kind: "failed", clientMessage: generic, reason: "unknown user", username: "mallory" });
  });

  it("an unknown user's salt is stable, so probing twice does not reveal it", () => {
    const serverFirstFor = () => rfcServer(new Map()).evaluate(b("n,,n=ghost,r=abc"));
    expect(serverFirstFor()).toEqual(serverFirstFor());
  });

  it("refuses a wrong nonce, a bad channel binding and malformed messages with Kafka's generic message", () => {
    const generic = "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256";
    const afterFirst = () => {
      const server = rfcServer(new Map([["user", rfcCredential]]));
      server.evaluate(b(RFC7677.clientFirst));
      return server;
    };
    expect(afterFirst().evaluate(b(RFC7677.clientFinal.replace("k0,p=", "k1,p=")))).toMatchObject({ kind: "failed", clientMessage: generic, reason: "Invalid client nonce in the final client message." });
    expect(afterFirst().evaluate(b(RFC7677.clientFinal.replace("c=biws", "c=eSws")))).toMatchObject({ kind: "failed", clientMessage: generic });
    expect(afterFirst().evaluate(b("garbage"))).toMatchObject({ kind: "failed", clientMessage: generic });
    expect(afterFirst().evaluate(b(RFC7677.clientFinal.replace("p=dHz", "p=!!!")))).toMatchObject({ kind: "failed", clientMessage: generic });
    for (const bad of ["", "x", "y,,n=user,r=abc", "p=tls-unique,,n=user,r=abc", "n,,n=user", "n,,r=abc,n=user", "n,,n=us=er,r=abc", "n,,n=user,r=a,b", "n,,n=,r=abc"]) {
      expect(rfcServer(new Map()).evaluate(b(bad))).toMatchObject({ kind: "failed", clientMessage: generic });
    }
  });

  it("accepts a final nonce with the client nonce repeated in front (librdkafka 2.0's echo), as Kafka does", () => {
    // librdkafka's client-final for the RFC exchange: r = client nonce + combined nonce; its proof covers that text.
    const doubled = RFC7677.clientFinal.replace("r=", "r=rOprNGfwEbeRWgbNEkqO");
    const server = rfcServer(new Map([["user", rfcCredential]]));
    server.evaluate(b(RFC7677.clientFirst));
    // The nonce passes; the RFC's proof is over a different AuthMessage, so it is a wrong proof, not a wrong nonce.
    expect(server.evaluate(b(doubled))).toMatchObject({ kind: "failed", reason: "wrong proof" });
    const truncated = RFC7677.clientFinal.replace("r=rOprNGfwEbeRWgbNEkqO%", "r=%");
    const again = rfcServer(new Map([["user", rfcCredential]]));
    again.evaluate(b(RFC7677.clientFirst));
    expect(again.evaluate(b(truncated))).toMatchObject({ kind: "failed", reason: "Invalid client nonce in the final client message." });
  });

  it("a wrong-length proof fails as a wrong proof, and a third message is refused", () => {
    const server = rfcServer(new Map([["user", rfcCredential]]));
    server.evaluate(b(RFC7677.clientFirst));
    expect(server.evaluate(b(RFC7677.clientFinal.replace(/p=.*$/, "p=AAAA")))).toMatchObject({ kind: "failed", reason: "wrong proof" });
    expect(server.evaluate(b(RFC7677.clientFinal)).kind).toBe("failed");
  });

  it("refuses delegation tokens (tokenauth) and a different authorization id", () => {
    expect(rfcServer(new Map([["user", rfcCredential]])).evaluate(b("n,,n=user,r=abc,tokenauth=true"))).toMatchObject({
      kind: "failed",
      clientMessage: "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256",
      reason: "delegation tokens (tokenauth) are not supported",
    });
    expect(rfcServer(new Map([["user", rfcCredential]])).evaluate(b("n,a=admin,n=user,r=abc"))).toMatchObject({
      kind: "failed",
      clientMessage: "Authentication failed: Client requested an authorization id that is different from username",
    });
    expect(rfcServer(new Map([["user", rfcCredential]])).evaluate(b("n,a=user,n=user,r=abc")).kind).toBe("challenge");
  });

  it("decodes =2C and =3D in user names", () => {
    const credential = credentialFromPassword(SHA256, "pw", 4096);
    const server = new ScramServer({ mechanism: SHA256, credential: (u) => (u === "a,b=c" ? credential : undefined) });
    const client = new ScramClient(SHA256, "a,b=c", "pw");
    const first = server.evaluate(client.firstMessage());
    expect(client.firstMessage().toString()).toContain("n=a=2Cb=3Dc,");
    expect(server.evaluate(client.finalMessage((first as { token: Buffer }).token)).kind).toBe("complete");
  });
});
