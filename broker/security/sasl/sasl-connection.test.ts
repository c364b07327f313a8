// SASL over real sockets: a Listener on SASL_PLAINTEXT in front of a test broker, and our own
// node-to-node client (KafkaConnection with ClientSecurity) or hand-made frames on the other side.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, KafkaConnection } from "../../client/kafka-connection.js";
import { apiVersionsHandler } from "../../handlers/18-api-versions.js";
import { saslHandshakeHandler } from "../../handlers/17-sasl-handshake.js";
import { saslAuthenticateHandler } from "../../handlers/36-sasl-authenticate.js";
import { metadataHandler } from "../../handlers/03-metadata.js";
import { startTestBroker, type TestBroker } from "../../handlers/test-fixtures.js";
import { capturingLogger, type LogLine } from "../../network/connection-test-harness.js";
import { Listener } from "../../network/listener.js";
import { metadataRequestMeta, writeMetadataRequest } from "../../protocol/generated/metadata-request.gen.js";
import { readMetadataResponse } from "../../protocol/generated/metadata-response.gen.js";
import { writeRequestHeader } from "../../protocol/generated/request-header.gen.js";
import { writeSaslHandshakeRequest } from "../../protocol/generated/sasl-handshake-request.gen.js";
import { Writer } from "../../protocol/primitives.js";
import type { ClientSecurity } from "../client-security.js";
import { scramMechanismByName } from "./mechanisms.js";
import { credentialFromPassword } from "./scram-crypto.js";

const JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret";';

let broker: TestBroker;
let listener: Listener;
let port: number;
const logs: LogLine[] = [];

beforeAll(async () => {
  const { log } = capturingLogger("debug", logs);
  broker = await startTestBroker({
    handlers: [apiVersionsHandler, saslHandshakeHandler, saslAuthenticateHandler, metadataHandler],
    log,
    config: {
      listeners: "PLAINTEXT://127.0.0.1:9092,SASL_PLAINTEXT://127.0.0.1:9093",
      "sasl.enabled.mechanisms": "PLAIN,SCRAM-SHA-512",
      "listener.name.sasl_plaintext.plain.sasl.jaas.config": JAAS,
    },
  });
  const sha512 = scramMechanismByName("SCRAM-SHA-512")!;
  const credential = credentialFromPassword(sha512, "scram-secret", 4096);
  await broker.services.metadata.change(() => ({
    records: [{ type: "userScramCredential", record: { name: "carol", mechanism: sha512.code, salt: credential.salt, storedKey: credential.storedKey, serverKey: credential.serverKey, iterations: 4096 } }],
    result: undefined,
  }));
  listener = new Listener({ name: "SASL_PLAINTEXT", host: "127.0.0.1", port: 0, securityProtocol: "SASL_PLAINTEXT" }, broker.services, log);
  port = await listener.listen();
});

afterAll(async () => {
  await listener?.close();
  await broker?.close();
});

const METADATA = apiCall(metadataRequestMeta, 12, writeMetadataRequest, readMetadataResponse);
const METADATA_REQUEST = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

function sasl(mechanism: "PLAIN" | "SCRAM-SHA-512", username: string, password: string): ClientSecurity {
  return { securityProtocol: "SASL_PLAINTEXT", sasl: { mechanism, username, password } };
}

function connectAs(security: ClientSecurity | undefined): Promise<KafkaConnection> {
  return KafkaConnection.connect("127.0.0.1", port, { clientId: "sasl-test", timeoutMs: 5000, ...(security ? { security } : {}) });
}

function closedPromise(conn: KafkaConnection): Promise<Error> {
  return new Promise((resolve) => conn.onClose(resolve));
}

/** Sends one raw frame; resolves with what came back once the broker closes the socket. */
function rawExchange(frame: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("broker did not close the connection"));
    }, 5000);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => {});
    socket.once("connect", () => socket.write(frame));
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

function frame(apiKey: number, apiVersion: number, writeBody: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int32(0);
  writeRequestHeader(w, 1, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: 7, clientId: "raw" });
  writeBody(w);
  const out = w.finish();
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

describe("SASL on a SASL_PLAINTEXT listener", () => {
  it("PLAIN: a JAAS user authenticates, is logged as User:alice, and is served", async () => {
    const conn = await connectAs(sasl("PLAIN", "alice", "alice-secret"));
    const response = await conn.send(METADATA, METADATA_REQUEST, 5000);
    expect(response.brokers.length).toBeGreaterThan(0);
    conn.close();
    expect(logs.some((l) => l.msg === "SASL authentication succeeded" && l.principal === "User:alice" && l.mechanism === "PLAIN")).toBe(true);
  });

  it("SCRAM-SHA-512: a user whose credential is in the metadata image authenticates", async () => {
    const conn = await connectAs(sasl("SCRAM-SHA-512", "carol", "scram-secret"));
    expect((await conn.send(METADATA, METADATA_REQUEST, 5000)).brokers.length).toBeGreaterThan(0);
    conn.close();
  });

  it("a wrong password gets SASL_AUTHENTICATION_FAILED, is logged with user and address, and the connection closes", async () => {
    await expect(connectAs(sasl("PLAIN", "alice", "wrong"))).rejects.toThrow(/SASL_AUTHENTICATION_FAILED: Authentication failed: Invalid username or password/);
    await expect(connectAs(sasl("SCRAM-SHA-512", "carol", "wrong"))).rejects.toThrow(/SASL_AUTHENTICATION_FAILED: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/);
    const failures = logs.filter((l) => l.msg === "SASL authentication failed");
    expect(failures.map((l) => l.user)).toEqual(expect.arrayContaining(["alice", "carol"]));
    expect(failures.every((l) => typeof l.remote === "string" && (l.remote as string).startsWith("127.0.0.1:"))).toBe(true);
  });

  it("an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled list, then the connection closes", async () => {
    const received = await rawExchange(frame(17, 1, (w) => writeSaslHandshakeRequest(w, 1, { mechanism: "GSSAPI" })));
    // size, correlation id, error code 33, mechanisms ["PLAIN", "SCRAM-SHA-512"]
    expect(received.readInt32BE(4)).toBe(7);
    expect(received.readInt16BE(8)).toBe(33);
    expect(received.subarray(10).toString("latin1")).toContain("PLAIN");
    expect(received.subarray(10).toString("latin1")).toContain("SCRAM-SHA-512");
  });

  it("a request other than ApiVersions/SaslHandshake before authentication closes the connection unanswered", async () => {
    const received = await rawExchange(frame(3, 12, (w) => writeMetadataRequest(w, 12, METADATA_REQUEST)));
    expect(received.length).toBe(0);
    expect(logs.some((l) => l.msg === "closing connection: request refused by SASL state")).toBe(true);
  });

  it("a connection without SASL is closed on its first real request", async () => {
    const conn = await connectAs(undefined);
    const closed = closedPromise(conn);
    await expect(conn.send(METADATA, METADATA_REQUEST, 5000)).rejects.toThrow(/closed/);
    await closed;
  });
});
