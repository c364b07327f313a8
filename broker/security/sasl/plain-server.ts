// SASL/PLAIN (RFC 4616) against the users of the listener's JAAS config: each `user_<name>="<password>"`
// option of Kafka's PlainLoginModule is one user. The token is authzid NUL authcid NUL passwd; an
// authorization id other than the user name is refused, as Kafka does.
import { timingSafeEqual, createHash } from "node:crypto";
import { PLAIN } from "./mechanisms.js";
import { invalidExchange, type SaslServer, type SaslStep } from "./sasl-server.js";

const USER_OPTION_PREFIX = "user_";

/** The PLAIN users (name → password) of a PlainLoginModule JAAS config's options. */
export function plainUsers(options: ReadonlyMap<string, string>): Map<string, string> {
  const users = new Map<string, string>();
  for (const [key, value] of options) if (key.startsWith(USER_OPTION_PREFIX)) users.set(key.slice(USER_OPTION_PREFIX.length), value);
  return users;
}

/**
 * authzid, authcid, passwd as Kafka's PlainSaslServer splits them: at most three parts, each up to
 * the next NUL (missing parts are empty, anything after a third NUL is ignored).
 */
function splitPlainToken(text: string): [string, string, string] {
  const parts: [string, string, string] = ["", "", ""];
  let start = 0;
  for (let i = 0; i < 3; i++) {
    const end = text.indexOf("\u0000", start);
    if (end < 0) {
      parts[i] = text.slice(start);
      break;
    }
    parts[i] = text.slice(start, end);
    start = end + 1;
  }
  return parts;
}

/** Compares passwords in time independent of where they differ (hashes have equal length). */
function samePassword(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(h(a), h(b));
}

export class PlainServer implements SaslServer {
  readonly mechanism = PLAIN;
  private done = false;

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  evaluate(token: Buffer): SaslStep {
    if (this.done) return invalidExchange(PLAIN, "PLAIN exchange already complete", null);
    this.done = true;
    const [authzid, username, password] = splitPlainToken(token.toString("utf8"));
    // Kafka's SaslExceptions (a generic message for the client) and SaslAuthenticationExceptions (their own).
    if (username === "") return invalidExchange(PLAIN, "Authentication failed: username not specified", null);
    if (password === "") return invalidExchange(PLAIN, "Authentication failed: password not specified", username);
    const failed = (clientMessage: string, reason = clientMessage): SaslStep => ({ kind: "failed", clientMessage, reason, username });
    const expected = this.users.get(username);
    // An unknown user costs the same comparison as a wrong password.
    const matches = samePassword(password, expected ?? "\u0000unknown user");
    if (expected === undefined || !matches) {
      return failed("Authentication failed: Invalid username or password", expected === undefined ? "unknown user" : "wrong password");
    }
    if (authzid !== "" && authzid !== username) return failed("Authentication failed: Client requested an authorization id that is different from username");
    return { kind: "complete", token: Buffer.alloc(0), username };
  }
}
