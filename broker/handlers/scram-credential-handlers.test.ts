import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import type { ScramCredentialUpsertion } from "../protocol/generated/alter-user-scram-credentials-request.gen.js";
import { scramMechanismByCode } from "../security/sasl/mechanisms.js";
import { ScramClient } from "../security/sasl/scram-client.js";
import { saltedPassword } from "../security/sasl/scram-crypto.js";
import { ScramServer } from "../security/sasl/scram-server.js";
import { alterUserScramCredentialsHandler } from "./51-alter-user-scram-credentials.js";
import { describeUserScramCredentialsHandler } from "./50-describe-user-scram-credentials.js";
import { startTestBroker, type TestBroker } from "./test-fixtures.js";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker({ handlers: [alterUserScramCredentialsHandler, describeUserScramCredentialsHandler] });
});
afterAll(() => broker?.close());

/** An upsertion as Kafka's admin client builds it: random salt, Hi(password, salt, iterations). */
function upsertion(name: string, mechanism: number, password: string, iterations = 4096): ScramCredentialUpsertion {
  const salt = Buffer.from(`salt-of-${name}`);
  const info = scramMechanismByCode(mechanism);
  const salted = info ? saltedPassword(info.hash, password, salt, Math.min(Math.max(iterations, 1), 16384)) : Buffer.alloc(32);
  return { name, mechanism, iterations, salt, saltedPassword: salted };
}

function alter(upsertions: ScramCredentialUpsertion[], deletions: { name: string; mechanism: number }[] = []) {
  return alterUserScramCredentialsHandler.handle({ deletions, upsertions }, broker.context(51, 0)) as Promise<{ results: { user: string; errorCode: number; errorMessage: string | null }[] }>;
}

function describeUsers(users: string[] | null) {
  return describeUserScramCredentialsHandler.handle({ users: users === null ? null : users.map((name) => ({ name })) }, broker.context(50, 0)) as {
    results: { user: string; errorCode: number; errorMessage: string | null; credentialInfos: { mechanism: number; iterations: number }[] }[];
  };
}

describe("AlterUserScramCredentials / DescribeUserScramCredentials", () => {
  it("stores a credential the SCRAM server then accepts (keys derived from the client's salted password)", async () => {
    expect((await alter([upsertion("alice", 2, "alice-secret", 8192)])).results).toEqual([{ user: "alice", errorCode: 0, errorMessage: null }]);
    const stored = broker.services.metadata.image.scramCredentials.get("alice")?.get(2);
    expect(stored?.iterations).toBe(8192);
    const sha512 = scramMechanismByCode(2)!;
    const server = new ScramServer({ mechanism: sha512, credential: (u) => broker.services.metadata.image.scramCredentials.get(u)?.get(2) });
    const client = new ScramClient(sha512, "alice", "alice-secret");
    const first = server.evaluate(client.firstMessage()) as { token: Buffer };
    expect(server.evaluate(client.finalMessage(first.token)).kind).toBe("complete");
    expect(describeUsers(["alice"]).results).toEqual([{ user: "alice", errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 2, iterations: 8192 }] }]);
  });

  it("refuses with Kafka's codes: unknown mechanism, iterations out of range, empty name, a user named twice, deleting a missing credential", async () => {
    const { results } = await alter(
      [upsertion("m", 3, "x"), upsertion("few", 1, "x", 4095), upsertion("many", 1, "x", 16385), upsertion("", 1, "x"), upsertion("twice", 1, "x"), upsertion("twice", 2, "x")],
      [{ name: "ghost", mechanism: 1 }],
    );
    const byUser = Object.fromEntries(results.map((r) => [r.user, [r.errorCode, r.errorMessage]]));
    expect(byUser).toEqual({
      ghost: [errorCode("RESOURCE_NOT_FOUND"), "Attempt to delete a user credential that does not exist"],
      m: [errorCode("UNSUPPORTED_SASL_MECHANISM"), "Unknown SCRAM mechanism"],
      few: [errorCode("UNACCEPTABLE_CREDENTIAL"), "Too few iterations"],
      many: [errorCode("UNACCEPTABLE_CREDENTIAL"), "Too many iterations"],
      "": [errorCode("UNACCEPTABLE_CREDENTIAL"), "Username must not be empty"],
      twice: [errorCode("DUPLICATE_RESOURCE"), "A user credential cannot be altered twice in the same request"],
    });
    for (const user of ["m", "few", "many", "", "twice"]) expect(broker.services.metadata.image.scramCredentials.has(user)).toBe(false);
  });

  it("describes every user when none is named, refuses unknown and duplicate names", async () => {
    await alter([upsertion("bob", 1, "bob-secret")]);
    expect(describeUsers(null).results.map((r) => r.user)).toEqual(["alice", "bob"]);
    expect(describeUsers([]).results.map((r) => r.user)).toEqual(["alice", "bob"]);
    const results = describeUsers(["nobody", "bob", "bob"]).results;
    expect(results.map((r) => [r.user, r.errorCode, r.errorMessage])).toEqual([
      ["nobody", errorCode("RESOURCE_NOT_FOUND"), "Attempt to describe a user credential that does not exist: nobody"],
      ["bob", errorCode("DUPLICATE_RESOURCE"), "Cannot describe SCRAM credentials for the same user twice in a single request: bob"],
    ]);
  });

  it("deletes a credential; the user disappears once it has none", async () => {
    expect((await alter([], [{ name: "bob", mechanism: 1 }])).results).toEqual([{ user: "bob", errorCode: 0, errorMessage: null }]);
    expect(broker.services.metadata.image.scramCredentials.has("bob")).toBe(false);
    expect(describeUsers(["bob"]).results[0]?.errorCode).toBe(errorCode("RESOURCE_NOT_FOUND"));
  });
});
