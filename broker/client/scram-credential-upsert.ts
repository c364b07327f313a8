// What AlterUserScramCredentials carries for an upsert: never the password, only a random salt
// and the PBKDF2 salted password, computed here as Kafka's clients do (ScramFormatter.hi).
import { pbkdf2Sync, randomBytes } from "node:crypto";

export type ScramMechanismName = "SCRAM-SHA-256" | "SCRAM-SHA-512";

const MECHANISMS: Record<ScramMechanismName, { code: number; hash: "sha256" | "sha512"; keyBytes: number }> = {
  "SCRAM-SHA-256": { code: 1, hash: "sha256", keyBytes: 32 },
  "SCRAM-SHA-512": { code: 2, hash: "sha512", keyBytes: 64 },
};

/** Kafka's default iteration count for a new credential (and its minimum). */
export const DEFAULT_SCRAM_ITERATIONS = 4096;

export function scramMechanismCode(mechanism: ScramMechanismName): number {
  const info = MECHANISMS[mechanism];
  if (!info) throw new Error(`unknown SCRAM mechanism "${mechanism}": expected SCRAM-SHA-256 or SCRAM-SHA-512`);
  return info.code;
}

export function scramMechanismName(code: number): ScramMechanismName | "UNKNOWN" {
  const found = (Object.keys(MECHANISMS) as ScramMechanismName[]).find((m) => MECHANISMS[m].code === code);
  return found ?? "UNKNOWN";
}

export function saltedScramPassword(mechanism: ScramMechanismName, password: string, salt: Buffer, iterations: number): Buffer {
  const info = MECHANISMS[mechanism];
  return pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, info.keyBytes, info.hash);
}

/** A fresh 32-byte salt, as Kafka's ScramFormatter.secureRandomBytes. */
export function newScramSalt(): Buffer {
  return randomBytes(32);
}
