// The SASL mechanisms Millrace serves, and Kafka's numeric codes for the SCRAM ones (as
// ScramMechanism numbers them in AlterUserScramCredentials and UserScramCredentialRecord).

export const PLAIN = "PLAIN";
export const SCRAM_SHA_256 = "SCRAM-SHA-256";
export const SCRAM_SHA_512 = "SCRAM-SHA-512";

export type SaslMechanism = typeof PLAIN | typeof SCRAM_SHA_256 | typeof SCRAM_SHA_512;
export type ScramMechanism = typeof SCRAM_SHA_256 | typeof SCRAM_SHA_512;

export const SUPPORTED_MECHANISMS: readonly SaslMechanism[] = [PLAIN, SCRAM_SHA_256, SCRAM_SHA_512];

export function isSupportedMechanism(name: string): name is SaslMechanism {
  return (SUPPORTED_MECHANISMS as readonly string[]).includes(name);
}

export interface ScramMechanismInfo {
  readonly name: ScramMechanism;
  /** Kafka's ScramMechanism type code. */
  readonly code: number;
  /** node:crypto hash name. */
  readonly hash: "sha256" | "sha512";
  /** Kafka's bounds on a credential's iteration count (ScramMechanism.minIterations / maxIterations). */
  readonly minIterations: number;
  readonly maxIterations: number;
}

const SCRAM: readonly ScramMechanismInfo[] = [
  { name: SCRAM_SHA_256, code: 1, hash: "sha256", minIterations: 4096, maxIterations: 16384 },
  { name: SCRAM_SHA_512, code: 2, hash: "sha512", minIterations: 4096, maxIterations: 16384 },
];

export function scramMechanismByName(name: string): ScramMechanismInfo | undefined {
  return SCRAM.find((m) => m.name === name);
}

export function scramMechanismByCode(code: number): ScramMechanismInfo | undefined {
  return SCRAM.find((m) => m.code === code);
}
