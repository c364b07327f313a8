// SASL conversations gone wrong against a broker process with a SASL_PLAINTEXT listener (PLAIN
// from its JAAS config, SCRAM-SHA-256/512 from the metadata log) beside its PLAINTEXT one: 540
// seeded cases (sasl-exchanges.ts), each on its own connection. Every case must get Kafka's answer:
// requests before authentication and SaslAuthenticate before SaslHandshake closed unanswered; an
// unknown mechanism answered UNSUPPORTED_SASL_MECHANISM with the enabled list, then closed;
// malformed tokens, wrong nonces and proofs, unknown users answered SASL_AUTHENTICATION_FAILED,
// then closed; mutated frames closed or failed. The broker never exits, logs no error, and still
// authenticates PLAIN and SCRAM clients afterwards.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { apiCall, KafkaConnection } from "../../broker/client/kafka-connection.js";
import { alterUserScramCredentialsRequestMeta, writeAlterUserScramCredentialsRequest } from "../../broker/protocol/generated/alter-user-scram-credentials-request.gen.js";
import { readAlterUserScramCredentialsResponse } from "../../broker/protocol/generated/alter-user-scram-credentials-response.gen.js";
import { apiVersionsRequestMeta, writeApiVersionsRequest } from "../../broker/protocol/generated/api-versions-request.gen.js";
import { readApiVersionsResponse } from "../../broker/protocol/generated/api-versions-response.gen.js";
import type { SaslClientCredentials } from "../../broker/security/client-security.js";
import { scramMechanismByName } from "../../broker/security/sasl/mechanisms.js";
import { saltedPassword } from "../../broker/security/sasl/scram-crypto.js";
import { startBrokerUnderFuzz, type BrokerUnderFuzz } from "./broker-under-fuzz.js";
import { loadCorpus } from "./corpus.js";
import { Prng } from "./prng.js";
import { runSaslCase, SASL_GARBAGE_KINDS, type SaslGarbageKind } from "./sasl-exchanges.js";

const CASES = 540;
const SEED = 20_261_202;
const PARALLEL = 12;
const ENABLED = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";';
const API_VERSIONS = apiCall(apiVersionsRequestMeta, 3, writeApiVersionsRequest, readApiVersionsResponse);
const ALTER_SCRAM = apiCall(alterUserScramCredentialsRequestMeta, 0, writeAlterUserScramCredentialsRequest, readAlterUserScramCredentialsResponse);

async function withConnection<T>(port: number, sasl: SaslClientCredentials | undefined, use: (c: KafkaConnection) => Promise<T>): Promise<T> {
  const conn = await KafkaConnection.connect("127.0.0.1", port, {
    clientId: "sasl-fuzz-check",
    timeoutMs: 5000,
    ...(sasl ? { security: { securityProtocol: "SASL_PLAINTEXT" as const, sasl } } : {}),
  });
  try {
    return await use(conn);
  } finally {
    conn.close();
  }
}

const apiVersionsError = (c: KafkaConnection) => c.send(API_VERSIONS, { clientSoftwareName: "fuzz", clientSoftwareVersion: "1" }, 5000).then((r) => r.errorCode);

describe("fuzzing a SASL listener with bad exchanges", () => {
  let broker: BrokerUnderFuzz | undefined;
  afterAll(async () => {
    await broker?.stop();
  });

  it(`answers ${CASES} bad SASL conversations as Kafka does and keeps authenticating`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-sasl-fuzz-"));
    broker = await startBrokerUnderFuzz({
      dataDir: dir,
      overrides: [
        "listeners=PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
        `sasl.enabled.mechanisms=${ENABLED.join(",")}`,
        `listener.name.sasl_plaintext.plain.sasl.jaas.config=${JAAS}`,
      ],
    });
    const listening = readFileSync(broker.logFile, "utf8").split("\n").filter((l) => l.includes('"msg":"listening"')).map((l) => JSON.parse(l) as { listener: string; port: number });
    const saslPort = listening.find((l) => l.listener === "SASL_PLAINTEXT")!.port;

    // A SCRAM-SHA-512 user, made through the PLAINTEXT listener.
    const sha512 = scramMechanismByName("SCRAM-SHA-512")!;
    const salt = Buffer.from("fuzz-salt");
    const altered = await withConnection(broker.port, undefined, (c) =>
      c.send(ALTER_SCRAM, { deletions: [], upsertions: [{ name: "carol", mechanism: sha512.code, iterations: 4096, salt, saltedPassword: saltedPassword(sha512.hash, "carol-secret", salt, 4096) }] }, 5000),
    );
    expect(altered.results).toEqual([{ user: "carol", errorCode: 0, errorMessage: null }]);

    const corpusFrames = loadCorpus().frames.filter((f) => f.apiKey !== 17 && f.apiKey !== 18 && f.apiKey !== 36).map((f) => f.bytes);
    const world = { port: saslPort, enabledMechanisms: ENABLED, scramUser: { name: "carol", password: "carol-secret" }, corpusFrames, patienceMs: 2000 };
    const prng = new Prng(SEED);
    const kinds = Array.from({ length: CASES }, (_, i) => SASL_GARBAGE_KINDS[i % SASL_GARBAGE_KINDS.length]!);
    const byKind = Object.fromEntries(SASL_GARBAGE_KINDS.map((k) => [k, { sent: 0, expected: 0, unexpected: [] as string[] }])) as Record<SaslGarbageKind, { sent: number; expected: number; unexpected: string[] }>;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < kinds.length) {
        const kind = kinds[next++]!;
        const outcome = await runSaslCase(kind, prng, world);
        byKind[kind].sent++;
        if (outcome.expected) byKind[kind].expected++;
        else if (byKind[kind].unexpected.length < 3) byKind[kind].unexpected.push(outcome.why);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));

    const summary = JSON.stringify(byKind);
    expect(broker.exit, summary).toBeUndefined();
    for (const kind of SASL_GARBAGE_KINDS) expect(byKind[kind].expected, `${kind}: ${summary}`).toBe(byKind[kind].sent);

    // Still serving: a plaintext client, and PLAIN and SCRAM logins.
    expect(await withConnection(broker.port, undefined, apiVersionsError)).toBe(0);
    expect(await withConnection(saslPort, { mechanism: "PLAIN", username: "alice", password: "alice-secret" }, apiVersionsError)).toBe(0);
    expect(await withConnection(saslPort, { mechanism: "SCRAM-SHA-512", username: "carol", password: "carol-secret" }, apiVersionsError)).toBe(0);

    const lines = readFileSync(broker.logFile, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { level: number; msg: string });
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors, JSON.stringify(errors.slice(0, 5))).toEqual([]);
    const failures = lines.filter((l) => l.msg === "SASL authentication failed").length;
    expect(failures, summary).toBeGreaterThanOrEqual(byKind["wrong-proof"].sent + byKind["wrong-nonce"].sent + byKind["unknown-scram-user"].sent);
  }, 240_000);
});
