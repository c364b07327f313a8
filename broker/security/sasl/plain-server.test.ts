import { describe, expect, it } from "vitest";
import { PlainServer } from "./plain-server.js";

const users = new Map([["alice", "alice-secret"]]);
const token = (s: string) => Buffer.from(s, "utf8");

describe("PlainServer", () => {
  it("authenticates a known user with the right password", () => {
    expect(new PlainServer(users).evaluate(token("\u0000alice\u0000alice-secret"))).toEqual({ kind: "complete", token: Buffer.alloc(0), username: "alice" });
    expect(new PlainServer(users).evaluate(token("alice\u0000alice\u0000alice-secret")).kind).toBe("complete");
  });

  it("fails a wrong password and an unknown user with the same message", () => {
    const message = "Authentication failed: Invalid username or password";
    expect(new PlainServer(users).evaluate(token("\u0000alice\u0000nope"))).toMatchObject({ kind: "failed", clientMessage: message, reason: "wrong password" });
    expect(new PlainServer(users).evaluate(token("\u0000bob\u0000nope"))).toMatchObject({ kind: "failed", clientMessage: message, reason: "unknown user" });
  });

  it("fails malformed tokens and empty fields with Kafka's generic message, a foreign authorization id with its own", () => {
    const generic = "Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN";
    expect(new PlainServer(users).evaluate(token("alice"))).toMatchObject({ kind: "failed", clientMessage: generic, reason: "Authentication failed: username not specified" });
    expect(new PlainServer(users).evaluate(token("\u0000\u0000x"))).toMatchObject({ clientMessage: generic, reason: "Authentication failed: username not specified" });
    expect(new PlainServer(users).evaluate(token("\u0000alice\u0000"))).toMatchObject({ clientMessage: generic, reason: "Authentication failed: password not specified" });
    expect(new PlainServer(users).evaluate(token("admin\u0000alice\u0000alice-secret"))).toMatchObject({
      clientMessage: "Authentication failed: Client requested an authorization id that is different from username",
    });
  });

  it("splits as Kafka does: what follows a third NUL is ignored", () => {
    expect(new PlainServer(users).evaluate(token("\u0000alice\u0000alice-secret\u0000trailing")).kind).toBe("complete");
  });

  it("takes one token only", () => {
    const server = new PlainServer(users);
    server.evaluate(token("\u0000alice\u0000alice-secret"));
    expect(server.evaluate(token("\u0000alice\u0000alice-secret")).kind).toBe("failed");
  });
});
