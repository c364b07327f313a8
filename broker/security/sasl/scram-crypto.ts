// SCRAM's key derivation (RFC 5802 section 3) over node:crypto:
//   SaltedPassword = Hi(password, salt, i)   (PBKDF2 with HMAC-H)
//   ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey)
//   ServerKey = HMAC(SaltedPassword, "Server Key")
// Passwords are used as their UTF-8 bytes without SASLprep, as Kafka's ScramFormatter does, so
// credentials computed by Kafka's clients (kafka-configs salts and hashes client-side) match.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import type { ScramCredential } from "../../metadata/metadata-image.js";
import type { ScramMechanismInfo } from "./mechanisms.js";

export type ScramHash = ScramMechanismInfo["hash"];

const DIGEST_BYTES: Record<ScramHash, number> = { sha256: 32, sha512: 64 };

export function hmac(hash: ScramHash, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function digest(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

/** Hi(): PBKDF2 with HMAC-H, one output block (the hash's length). */
export function saltedPassword(hash: ScramHash, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, DIGEST_BYTES[hash], hash);
}

export function clientKey(hash: ScramHash, salted: Buffer): Buffer {
  return hmac(hash, salted, "Client Key");
}

export function serverKey(hash: ScramHash, salted: Buffer): Buffer {
  return hmac(hash, salted, "Server Key");
}

export function xor(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) throw new RangeError(`xor of ${a.length} and ${b.length} bytes`);
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** The stored credential (what the metadata log keeps) from a salted password, as Kafka's controller derives it. */
export function credentialFromSaltedPassword(mechanism: ScramMechanismInfo, salt: Buffer, salted: Buffer, iterations: number): ScramCredential {
  return {
    mechanism: mechanism.code,
    salt,
    storedKey: digest(mechanism.hash, clientKey(mechanism.hash, salted)),
    serverKey: serverKey(mechanism.hash, salted),
    iterations,
  };
}

/** A new credential for a password, with a random salt (storage format --add-scram, tests). */
export function credentialFromPassword(mechanism: ScramMechanismInfo, password: string, iterations: number, salt: Buffer = randomBytes(32)): ScramCredential {
  return credentialFromSaltedPassword(mechanism, salt, saltedPassword(mechanism.hash, password, salt, iterations), iterations);
}
