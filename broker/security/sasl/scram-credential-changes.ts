// AlterUserScramCredentials' rules, as Kafka's controller applies them, turned into metadata
// records against the current image. Per user, first failure wins:
//   empty name                         UNACCEPTABLE_CREDENTIAL
//   named more than once               DUPLICATE_RESOURCE (whatever the mechanisms: Kafka's
//                                      controller keys changes by user name, so kafka-configs
//                                      adding SCRAM-SHA-256 and -512 at once is refused too)
//   mechanism not SCRAM-SHA-256/512    UNSUPPORTED_SASL_MECHANISM
//   iterations outside 4096..16384     UNACCEPTABLE_CREDENTIAL
//   deleting a credential not there    RESOURCE_NOT_FOUND
// A user with any failing entry changes nothing; the others' changes are written together.
// The client sends the salted password (Hi(password, salt, i)); the stored and server keys are
// derived here, so the password itself never reaches the broker.
import type { MetadataImage } from "../../metadata/metadata-image.js";
import type { MetadataRecord } from "../../metadata/metadata-records.js";
import type { KafkaErrorName } from "../../protocol/errors.js";
import type { ScramCredentialDeletion, ScramCredentialUpsertion } from "../../protocol/generated/alter-user-scram-credentials-request.gen.js";
import { scramMechanismByCode } from "./mechanisms.js";
import { credentialFromSaltedPassword } from "./scram-crypto.js";

export interface UserChangeResult {
  readonly user: string;
  readonly error: KafkaErrorName;
  readonly message: string | null;
}

type Entry = { kind: "deletion"; change: ScramCredentialDeletion } | { kind: "upsertion"; change: ScramCredentialUpsertion };

function problemOf(entry: Entry, image: MetadataImage): { error: KafkaErrorName; message: string } | null {
  const { name, mechanism: code } = entry.change;
  const mechanism = scramMechanismByCode(code);
  if (!mechanism) return { error: "UNSUPPORTED_SASL_MECHANISM", message: "Unknown SCRAM mechanism" };
  if (entry.kind === "upsertion") {
    const { iterations } = entry.change;
    if (iterations < mechanism.minIterations) return { error: "UNACCEPTABLE_CREDENTIAL", message: `Too few iterations` };
    if (iterations > mechanism.maxIterations) return { error: "UNACCEPTABLE_CREDENTIAL", message: `Too many iterations` };
    return null;
  }
  if (!image.scramCredentials.get(name)?.has(code)) {
    return { error: "RESOURCE_NOT_FOUND", message: "Attempt to delete a user credential that does not exist" };
  }
  return null;
}

function recordOf(entry: Entry): MetadataRecord {
  if (entry.kind === "deletion") return { type: "removeUserScramCredential", record: { name: entry.change.name, mechanism: entry.change.mechanism } };
  const { name, mechanism: code, salt, saltedPassword, iterations } = entry.change;
  const credential = credentialFromSaltedPassword(scramMechanismByCode(code)!, salt, saltedPassword, iterations);
  return { type: "userScramCredential", record: { name, ...credential } };
}

/**
 * One result per user named and the records of the users that passed. Entries are taken in
 * order (deletions, then upsertions); a user whose entry failed stays failed, a user named again
 * after an accepted entry becomes DUPLICATE_RESOURCE. Results list accepted deletions, accepted
 * upsertions, then failures, as Kafka's controller answers.
 */
export function scramCredentialChanges(
  deletions: readonly ScramCredentialDeletion[],
  upsertions: readonly ScramCredentialUpsertion[],
  image: MetadataImage,
): { results: UserChangeResult[]; records: MetadataRecord[] } {
  const entries: Entry[] = [
    ...deletions.map((change): Entry => ({ kind: "deletion", change })),
    ...upsertions.map((change): Entry => ({ kind: "upsertion", change })),
  ];
  const accepted = new Map<string, Entry>();
  const failed = new Map<string, { error: KafkaErrorName; message: string }>();
  for (const entry of entries) {
    const user = entry.change.name;
    if (failed.has(user)) continue;
    if (accepted.delete(user)) {
      failed.set(user, { error: "DUPLICATE_RESOURCE", message: "A user credential cannot be altered twice in the same request" });
      continue;
    }
    const problem = user === "" ? { error: "UNACCEPTABLE_CREDENTIAL" as const, message: "Username must not be empty" } : problemOf(entry, image);
    if (problem) failed.set(user, problem);
    else accepted.set(user, entry);
  }
  const acceptedInOrder = [...accepted.values()].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "deletion" ? -1 : 1));
  return {
    results: [
      ...acceptedInOrder.map((e): UserChangeResult => ({ user: e.change.name, error: "NONE", message: null })),
      ...[...failed].map(([user, f]): UserChangeResult => ({ user, error: f.error, message: f.message })),
    ],
    records: acceptedInOrder.map(recordOf),
  };
}
