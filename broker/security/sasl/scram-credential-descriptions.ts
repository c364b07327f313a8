// DescribeUserScramCredentials from the metadata image, as Kafka answers it: every user with a
// credential when no users are named (sorted by name), otherwise one result per name named —
// RESOURCE_NOT_FOUND for a user without credentials, DUPLICATE_RESOURCE for a name given twice.
// Only mechanisms and iteration counts are described; salts and keys never leave the broker.
import type { MetadataImage } from "../../metadata/metadata-image.js";
import { errorCode } from "../../protocol/errors.js";
import type { DescribeUserScramCredentialsResult } from "../../protocol/generated/describe-user-scram-credentials-response.gen.js";

function describeUser(image: MetadataImage, user: string): DescribeUserScramCredentialsResult {
  const credentials = image.scramCredentials.get(user);
  if (!credentials || credentials.size === 0) {
    return { user, errorCode: errorCode("RESOURCE_NOT_FOUND"), errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] };
  }
  const credentialInfos = [...credentials.values()].sort((a, b) => a.mechanism - b.mechanism).map((c) => ({ mechanism: c.mechanism, iterations: c.iterations }));
  return { user, errorCode: 0, errorMessage: null, credentialInfos };
}

export function describeScramCredentials(image: MetadataImage, users: readonly string[] | null): DescribeUserScramCredentialsResult[] {
  if (users === null || users.length === 0) return [...image.scramCredentials.keys()].sort().map((user) => describeUser(image, user));
  const count = new Map<string, number>();
  for (const u of users) count.set(u, (count.get(u) ?? 0) + 1);
  return [...count.keys()].map((user) =>
    (count.get(user) ?? 0) > 1
      ? {
          user,
          errorCode: errorCode("DUPLICATE_RESOURCE"),
          errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`,
          credentialInfos: [],
        }
      : describeUser(image, user),
  );
}
