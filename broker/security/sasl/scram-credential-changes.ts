// AlterUserScramCredentials' rules, as Kafka's controller applies them, turned into metadata
// records against the current image. Per user, first failure wins:
//   empty name                         UNACCEPTABLE_CREDENTIAL
//   named more than once               DUPLICATE_RESOURCE (every entry of that user fails)
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

/** One result per user named (in order of first mention) and the records of the users that passed. */
export function scramCredentialChanges(
  deletions: readonly ScramCredentialDeletion[],
  upsertions: readonly ScramCredentialUpsertion[],
  image: MetadataImage,
): { results: UserChangeResult[]; records: MetadataRecord[] } {
  const entries: Entry[] = [
    ...deletions.map((change): Entry => ({ kind: "deletion", change })),
    ...upsertions.map((change): Entry => ({ kind: "upsertion", change })),
  ];
  const byUser = new Map<string, Entry[]>();
  for (const e of entries) byUser.set(e.change.name, [...(byUser.get(e.change.name) ?? []), e]);
  const results: UserChangeResult[] = [];
  const records: MetadataRecord[] = [];
  for (const [user, userEntries] of byUser) {
    const fail = (error: KafkaErrorName, message: string) => results.push({ user, error, message });
    if (user === "") {
      fail("UNACCEPTABLE_CREDENTIAL", "Username must not be empty");
      continue;
    }
    if (userEntries.length > 1) {
      fail("DUPLICATE_RESOURCE", "A user credential cannot be altered twice in the same request");
      continue;
    }
    const entry = userEntries[0]!;
    const problem = problemOf(entry, image);
    if (problem) {
      fail(problem.error, problem.message);
      continue;
    }
    records.push(recordOf(entry));
    results.push({ user, error: "NONE", message: null });
  }
  return { results, records };
}
