// SCRAM-SHA-256 / SCRAM-SHA-512 server (RFC 5802, RFC 7677) against the credentials of the
// metadata image. Two rounds: client-first → server-first (nonce, salt, iterations), then
// client-final (proof) → server-final (server signature).
// A wrong proof gets Kafka's answer to it (a SaslException: the generic "invalid credentials"
// message). An unknown user gets a made-up but stable salt and the usual iteration count, and
// fails only at the proof with that same message: the exchange never tells which (Kafka fails
// unknown users at the first message with "Invalid user credentials"; we chose not to reveal who
// exists).
// Kafka's delegation-token extension (tokenauth) is refused: we have no delegation tokens.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { ScramCredential } from "../../metadata/metadata-image.js";
import type { ScramMechanismInfo } from "./mechanisms.js";
import { digest, hmac, xor } from "./scram-crypto.js";
import {
  formatServerFinal,
  formatServerFirst,
  parseClientFinal,
  parseClientFirst,
  ScramMessageError,
  type ClientFirstMessage,
} from "./scram-messages.js";
import { invalidExchange, type SaslServer, type SaslStep } from "./sasl-server.js";


/** Salts for unknown users derive from this per-process secret, so they are stable but unguessable. */
const UNKNOWN_USER_SECRET = randomBytes(32);

export interface ScramServerOptions {
  readonly mechanism: ScramMechanismInfo;
  readonly credential: (username: string) => ScramCredential | undefined;
  /** The server's part of the nonce; random unless a test fixes it. */
  readonly serverNonce?: () => string;
}

type State =
  | { readonly phase: "first" }
  | {
      readonly phase: "final";
      readonly clientFirst: ClientFirstMessage;
      readonly serverFirst: string;
      readonly nonce: string;
      readonly credential: ScramCredential | undefined;
    }
  | { readonly phase: "done" };

export class ScramServer implements SaslServer {
  readonly mechanism;
  private state: State = { phase: "first" };

  constructor(private readonly opts: ScramServerOptions) {
    this.mechanism = opts.mechanism.name;
  }

  evaluate(token: Buffer): SaslStep {
    const state = this.state;
    this.state = { phase: "done" };
    try {
      if (state.phase === "first") return this.first(token);
      if (state.phase === "final") return this.final(token, state);
      return invalidExchange(this.mechanism, "SCRAM exchange already complete", null);
    } catch (err) {
      if (err instanceof ScramMessageError) {
        return invalidExchange(this.mechanism, err.message, state.phase === "final" ? state.clientFirst.username : null);
      }
      throw err;
    }
  }

  private first(token: Buffer): SaslStep {
    const clientFirst = parseClientFirst(token);
    const { username } = clientFirst;
    if (username === "") return invalidExchange(this.mechanism, "empty user name", null);
    for (const key of clientFirst.extensions.keys()) {
      const reason = key === "tokenauth" ? "delegation tokens (tokenauth) are not supported" : `Unsupported SCRAM extension ${key}`;
      return invalidExchange(this.mechanism, reason, username);
    }
    if (clientFirst.authzid !== null && clientFirst.authzid !== username) {
      return {
        kind: "failed",
        clientMessage: "Authentication failed: Client requested an authorization id that is different from username",
        reason: "authorization id differs from user name",
        username,
      };
    }
    const credential = this.opts.credential(username);
    const { salt, iterations } = credential ?? this.unknownUserParameters(username);
    const nonce = clientFirst.nonce + (this.opts.serverNonce?.() ?? randomBytes(24).toString("base64url"));
    const serverFirst = formatServerFirst(nonce, salt, iterations);
    this.state = { phase: "final", clientFirst, serverFirst, nonce, credential };
    return { kind: "challenge", token: Buffer.from(serverFirst, "utf8") };
  }

  private final(token: Buffer, state: Extract<State, { phase: "final" }>): SaslStep {
    const clientFinal = parseClientFinal(token);
    const { username } = state.clientFirst;
    // Kafka accepts a final nonce that ends with the combined one (librdkafka before 2.x echoed its
    // own nonce in front of it); anything else is a wrong nonce.
    if (!clientFinal.nonce.endsWith(state.nonce)) return invalidExchange(this.mechanism, "Invalid client nonce in the final client message.", username);
    if (!clientFinal.channelBinding.equals(Buffer.from(state.clientFirst.gs2Header, "utf8"))) {
      return invalidExchange(this.mechanism, "Invalid channel binding in the final client message.", username);
    }
    const hash = this.opts.mechanism.hash;
    const authMessage = `${state.clientFirst.bare},${state.serverFirst},${clientFinal.withoutProof}`;
    // An unknown user is checked against a random key: the same work, and it never matches.
    const storedKey = state.credential?.storedKey ?? randomBytes(digest(hash, Buffer.alloc(0)).length);
    const clientSignature = hmac(hash, storedKey, authMessage);
    const proofFits = clientFinal.proof.length === clientSignature.length;
    const computedStoredKey = digest(hash, xor(proofFits ? clientFinal.proof : clientSignature, clientSignature));
    const proofMatches = proofFits && timingSafeEqual(computedStoredKey, storedKey);
    if (!state.credential || !proofMatches) return invalidExchange(this.mechanism, state.credential ? "wrong proof" : "unknown user", username);
    const serverSignature = hmac(hash, state.credential.serverKey, authMessage);
    return { kind: "complete", token: Buffer.from(formatServerFinal(serverSignature), "utf8"), username };
  }

  private unknownUserParameters(username: string): { salt: Buffer; iterations: number } {
    return { salt: hmac("sha256", UNKNOWN_USER_SECRET, username), iterations: this.opts.mechanism.minIterations };
  }
}
