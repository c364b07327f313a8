// KIP-368 over real sockets: a SASL_PLAINTEXT listener with connections.max.reauth.ms, our own
// node-to-node client (which re-authenticates on the same connection before its session ends)
// and a raw client that does not (closed on its first request after the session expired).
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiCall, KafkaConnection } from "../../client/kafka-connection.js";
import { metadataHandler } from "../../handlers/03-metadata.js";
import { saslHandshakeHandler } from "../../handlers/17-sasl-handshake.js";
import { apiVersionsHandler } from "../../handlers/18-api-versions.js";
import { saslAuthenticateHandler } from "../../handlers/36-sasl-authenticate.js";
import { startTestBroker, type TestBroker } from "../../handlers/test-fixtures.js";
import { capturingLogger, type LogLine } from "../../network/connection-test-harness.js";
import { Listener } from "../../network/listener.js";
import { apiVersionsRequestMeta, writeApiVersionsRequest } from "../../protocol/generated/api-versions-request.gen.js";
import { readApiVersionsResponse } from "../../protocol/generated/api-versions-response.gen.js";
import { writeRequestHeader } from "../../protocol/generated/request-header.gen.js";
import { writeSaslAuthenticateRequest } from "../../protocol/generated/sasl-authenticate-request.gen.js";
import { writeSaslHandshakeRequest } from "../../protocol/generated/sasl-handshake-request.gen.js";
import { Writer } from "../../protocol/primitives.js";

const REAUTH_MS = 600;
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";';
const API_VERSIONS = apiCall(apiVersionsRequestMeta, 3, writeApiVersionsRequest, readApiVersionsResponse);

let broker: TestBroker;
let listener: Listener;
let port: number;
const logs: LogLine[] = [];

beforeAll(async () => {
  const { log } = capturingLogger("info", logs);
  broker = await startTestBroker({
    handlers: [apiVersionsHandler, saslHandshakeHandler, saslAuthenticateHandler, metadataHandler],
    log,
    config: {
      listeners: "PLAINTEXT://127.0.0.1:9092,SASL_PLAINTEXT://127.0.0.1:9093",
      "sasl.enabled.mechanisms": "PLAIN",
      "listener.name.sasl_plaintext.plain.sasl.jaas.config": JAAS,
      "listener.name.sasl_plaintext.plain.connections.max.reauth.ms": String(REAUTH_MS),
    },
  });
  listener = new Listener({ name: "SASL_PLAINTEXT", host: "127.0.0.1", port: 0, securityProtocol: "SASL_PLAINTEXT" }, broker.services, log);
  port = await listener.listen();
});

afterAll(async () => {
  await listener?.close();
  await broker?.close();
});

function frame(apiKey: number, apiVersion: number, correlationId: number, body: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int32(0);
  writeRequestHeader(w, 1, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: "raw" });
  body(w);
  const out = w.finish();
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

describe("re-authentication (KIP-368) with connections.max.reauth.ms", () => {
  it("our client re-authenticates on the same connection and keeps being served past several session lifetimes", async () => {
    const conn = await KafkaConnection.connect("127.0.0.1", port, {
      clientId: "reauth-test",
      timeoutMs: 5000,
      security: { securityProtocol: "SASL_PLAINTEXT", sasl: { mechanism: "PLAIN", username: "alice", password: "alice-secret" } },
    });
    try {
      const until = Date.now() + REAUTH_MS * 4;
      while (Date.now() < until) {
        expect((await conn.send(API_VERSIONS, { clientSoftwareName: "t", clientSoftwareVersion: "1" }, 5000)).errorCode).toBe(0);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(conn.closed).toBe(false);
      const renewals = logs.filter((l) => l.msg === "SASL authentication succeeded" && l.clientId === "reauth-test" && l.reauthentication === true);
      expect(renewals.length).toBeGreaterThanOrEqual(3);
      expect(renewals.every((l) => l.sessionLifetimeMs === REAUTH_MS && l.principal === "User:alice")).toBe(true);
    } finally {
      conn.close();
    }
  });

  it("a client that does not re-authenticate is closed on its first request after the session expired", async () => {
    const socket = connect({ host: "127.0.0.1", port });
    const received: Buffer[] = [];
    socket.on("data", (c: Buffer) => received.push(c));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(frame(17, 1, 1, (w) => writeSaslHandshakeRequest(w, 1, { mechanism: "PLAIN" })));
    socket.write(frame(36, 1, 2, (w) => writeSaslAuthenticateRequest(w, 1, { authBytes: Buffer.from("\u0000alice\u0000alice-secret") })));
    // Two answers (handshake, authenticate with session_lifetime_ms), then a request inside the session.
    await vi.waitFor(() => expect(Buffer.concat(received).length).toBeGreaterThan(0));
    socket.write(frame(18, 2, 3, (w) => writeApiVersionsRequest(w, 2, { clientSoftwareName: "raw", clientSoftwareVersion: "1" })));
    await vi.waitFor(() => {
      const all = Buffer.concat(received);
      // Third response's correlation id is present once all three answers arrived.
      expect(all.includes(Buffer.from([0, 0, 0, 3]))).toBe(true);
    });
    const answered = Buffer.concat(received).length;
    await new Promise((r) => setTimeout(r, REAUTH_MS + 100));
    socket.write(frame(18, 2, 4, (w) => writeApiVersionsRequest(w, 2, { clientSoftwareName: "raw", clientSoftwareVersion: "1" })));
    await closed;
    expect(Buffer.concat(received).length).toBe(answered);
    expect(logs.filter((l) => String(l.msg).startsWith("closing connection")).map((l) => String(l.reason))).toContain("SASL session expired (connections.max.reauth.ms) without re-authentication");
  });
});
