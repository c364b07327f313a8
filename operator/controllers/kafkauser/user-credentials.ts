// A SCRAM user's Secret contents: the password (generated once, or the user's own) and the JAAS
// line Kafka's Java clients take as sasl.jaas.config; and the fingerprint of the password the
// broker was last given, so a changed password is noticed without reading the broker's salted
// credential (which cannot be compared with a password).
import { createHash, randomInt } from "node:crypto";

export const PASSWORD_KEY = "password";
export const JAAS_KEY = "sasl.jaas.config";
export const GENERATED_PASSWORD_LENGTH = 32;
/** On the user's Secret: the fingerprint of the password last upserted to the broker. */
export const CREDENTIAL_HASH_ANNOTATION = "kafka.millrace.dev/credential-hash";
export const SCRAM_MECHANISM = "SCRAM-SHA-512";
export const SCRAM_ITERATIONS = 4096;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** 32 letters and digits from the CSPRNG (~190 bits): safe in any client config without quoting. */
export function generatePassword(length = GENERATED_PASSWORD_LENGTH): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** Kafka's JAAS value for a SCRAM client; backslashes and quotes in the values escaped. */
export function scramJaasConfig(username: string, password: string): string {
  const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username=${quote(username)} password=${quote(password)};`;
}

/**
 * What the annotation holds: SHA-256 over the username, mechanism, iterations and password. It
 * sits beside the password in the same Secret, so it reveals nothing the Secret does not.
 */
export function credentialHash(username: string, password: string): string {
  return createHash("sha256").update(`${username}\u0000${SCRAM_MECHANISM}\u0000${SCRAM_ITERATIONS}\u0000${password}`).digest("hex");
}

/**
 * The password to use: the referenced one when the spec names one, else the one already in the
 * user's Secret (never regenerated while it exists), else a new one.
 */
export function choosePassword(referenced: string | undefined, inSecret: string | undefined, generate: () => string = generatePassword): { password: string; generated: boolean } {
  if (referenced !== undefined) return { password: referenced, generated: false };
  if (inSecret) return { password: inSecret, generated: false };
  return { password: generate(), generated: true };
}
