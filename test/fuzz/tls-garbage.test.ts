// TLS garbage against a broker process with an SSL listener beside its PLAINTEXT one: plaintext
// Kafka requests from the corpus, random bytes, truncated and mutated ClientHellos, huge record
// headers, garbage after a completed handshake (a fixed seed). Every plaintext request and every
// post-handshake garbage is answered by closing the connection; the broker logs each refused
// handshake once (info, no error lines), never exits, and still serves Kafka requests over TLS
// and plaintext afterwards.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { apiCall, KafkaConnection } from "../../broker/client/kafka-connection.js";
import { apiVersionsRequestMeta, writeApiVersionsRequest } from "../../broker/protocol/generated/api-versions-request.gen.js";
import { readApiVersionsResponse } from "../../broker/protocol/generated/api-versions-response.gen.js";
import { TestCertificateAuthority } from "../security-fixtures/certificates.js";
import { startBrokerUnderFuzz, type BrokerUnderFuzz } from "./broker-under-fuzz.js";
import { loadCorpus } from "./corpus.js";
import { Prng } from "./prng.js";
import { captureClientHello, sendTlsGarbage, tlsGarbageCases } from "./tls-garbage.js";

const CASES = 600;
const SEED = 20_261_201;
const API_VERSIONS = apiCall(apiVersionsRequestMeta, 3, writeApiVersionsRequest, readApiVersionsResponse);

async function apiVersions(port: number, tls?: { ca: string }): Promise<number> {
  const conn = await KafkaConnection.connect("127.0.0.1", port, {
    clientId: "tls-fuzz-check",
    timeoutMs: 5000,
    ...(tls ? { security: { securityProtocol: "SSL" as const, tls } } : {}),
  });
  try {
    return (await conn.send(API_VERSIONS, { clientSoftwareName: "fuzz", clientSoftwareVersion: "1" }, 5000)).errorCode;
  } finally {
    conn.close();
  }
}

describe("fuzzing a TLS listener with garbage", () => {
  let broker: BrokerUnderFuzz | undefined;
  afterAll(async () => {
    await broker?.stop();
  });

  it(`closes ${CASES} garbage connections and keeps serving`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-tls-fuzz-"));
    const ca = await TestCertificateAuthority.create(dir);
    const server = await ca.issueServer("broker");
    broker = await startBrokerUnderFuzz({
      dataDir: dir,
      overrides: [
        "listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0",
        "ssl.keystore.type=PEM",
        `ssl.keystore.location=${server.keystoreFile}`,
      ],
    });
    const listening = readFileSync(broker.logFile, "utf8").split("\n").filter((l) => l.includes('"msg":"listening"')).map((l) => JSON.parse(l) as { listener: string; port: number });
    const sslPort = listening.find((l) => l.listener === "SSL")!.port;
    expect(await apiVersions(sslPort, { ca: ca.certificatePem })).toBe(0);

    const plaintextFrames = loadCorpus().frames.map((f) => f.bytes);
    const cases = tlsGarbageCases(new Prng(SEED), CASES, plaintextFrames, await captureClientHello());
    const stats = await sendTlsGarbage(sslPort, cases, { ca: ca.certificatePem, parallel: 16, patienceMs: 1000 });

    const summary = JSON.stringify(stats);
    expect(broker.exit, summary).toBeUndefined();
    // A Kafka frame starts with a size whose first byte is no TLS record type: refused at once.
    expect(stats.byKind["plaintext-request"][1], summary).toBe(stats.byKind["plaintext-request"][0]);
    // Bytes outside TLS records after a handshake break the connection.
    expect(stats.byKind["garbage-after-handshake"][1], summary).toBe(stats.byKind["garbage-after-handshake"][0]);
    // A record longer than TLS allows is refused on its header.
    expect(stats.byKind["huge-record"][1], summary).toBe(stats.byKind["huge-record"][0]);
    // (Truncated ClientHellos wait for the rest, as on Kafka, until the handshake timeout.)
    // Random bytes mostly do not start like a TLS record.
    expect(stats.byKind["random-bytes"][1], summary).toBeGreaterThan(stats.byKind["random-bytes"][0] * 0.9);

    // Still serving, both ways.
    expect(await apiVersions(sslPort, { ca: ca.certificatePem })).toBe(0);
    expect(await apiVersions(broker.port)).toBe(0);

    const lines = readFileSync(broker.logFile, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { level: number; msg: string });
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors, JSON.stringify(errors.slice(0, 5))).toEqual([]);
    const refused = lines.filter((l) => l.msg === "TLS handshake failed: connection closed").length;
    expect(refused, summary).toBeGreaterThanOrEqual(stats.byKind["plaintext-request"][0]);
    expect(refused, summary).toBeLessThanOrEqual(CASES);
  }, 180_000);
});
