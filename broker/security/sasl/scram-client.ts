// The client side of SCRAM (RFC 5802), for node-to-node connections to a SCRAM listener:
// client-first, then client-final with the proof, then a check of the server's signature (a
// server that does not know our credential cannot fake it).
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { ScramMechanismInfo } from "./mechanisms.js";
import { clientKey, digest, hmac, saltedPassword, serverKey, xor } from "./scram-crypto.js";
import { encodeSaslName, parseServerFinal, parseServerFirst, ScramMessageError } from "./scram-messages.js";

const GS2_HEADER = "n,,";

export class ScramClient {
  private readonly nonce = randomBytes(24).toString("base64url");
  private authMessage: string | null = null;
  private salted: Buffer | null = null;

  constructor(
    private readonly mechanism: ScramMechanismInfo,
    private readonly username: string,
    private readonly password: string,
  ) {}

  private get firstBare(): string {
    return `n=${encodeSaslName(this.username)},r=${this.nonce}`;
  }

  firstMessage(): Buffer {
    return Buffer.from(GS2_HEADER + this.firstBare, "utf8");
  }

  finalMessage(serverFirstToken: Buffer): Buffer {
    const serverFirst = parseServerFirst(serverFirstToken);
    if (!serverFirst.nonce.startsWith(this.nonce) || serverFirst.nonce.length === this.nonce.length) {
      throw new ScramMessageError("SCRAM server nonce does not extend the client nonce");
    }
    if (serverFirst.iterations < this.mechanism.minIterations) {
      throw new ScramMessageError(`SCRAM server asked for ${serverFirst.iterations} iterations, fewer than ${this.mechanism.minIterations}`);
    }
    const hash = this.mechanism.hash;
    this.salted = saltedPassword(hash, this.password, serverFirst.salt, serverFirst.iterations);
    const withoutProof = `c=${Buffer.from(GS2_HEADER).toString("base64")},r=${serverFirst.nonce}`;
    this.authMessage = `${this.firstBare},${serverFirstToken.toString("utf8")},${withoutProof}`;
    const key = clientKey(hash, this.salted);
    const proof = xor(key, hmac(hash, digest(hash, key), this.authMessage));
    return Buffer.from(`${withoutProof},p=${proof.toString("base64")}`, "utf8");
  }

  /** Throws unless the server proved it knows our credential. */
  verifyServerFinal(token: Buffer): void {
    if (!this.salted || !this.authMessage) throw new ScramMessageError("SCRAM server final message before the client final message");
    const hash = this.mechanism.hash;
    const expected = hmac(hash, serverKey(hash, this.salted), this.authMessage);
    const actual = parseServerFinal(token);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new ScramMessageError("SCRAM server signature does not match");
  }
}
