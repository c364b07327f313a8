// A Listener for an SSL listener over a test broker's services: PEM key stores (file and inline),
// mTLS with the principal from the certificate's DN after the mapping rules, clients refused for
// not trusting us or not presenting a certificate, garbage on the TLS port, certificate files
// rotated under a running listener (and a broken rotation that keeps the old certificates), and
// this node's own client side (KafkaConnection with clientSecurityFor) dialling it.
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TestCertificateAuthority, type IssuedCertificate } from "../../../test/security-fixtures/certificates.js";
import { apiCall, KafkaConnection } from "../../client/kafka-connection.js";
import { apiVersionsHandler } from "../../handlers/18-api-versions.js";
import { incrementalAlterConfigsHandler } from "../../handlers/44-incremental-alter-configs.js";
import { startTestBroker, type TestBroker } from "../../handlers/test-fixtures.js";
import { capturingLogger, type LogLine } from "../../network/connection-test-harness.js";
import { Listener } from "../../network/listener.js";
import { apiVersionsRequestMeta, writeApiVersionsRequest } from "../../protocol/generated/api-versions-request.gen.js";
import { readApiVersionsResponse } from "../../protocol/generated/api-versions-response.gen.js";
import { incrementalAlterConfigsRequestMeta, writeIncrementalAlterConfigsRequest } from "../../protocol/generated/incremental-alter-configs-request.gen.js";
import { readIncrementalAlterConfigsResponse } from "../../protocol/generated/incremental-alter-configs-response.gen.js";
import { clientSecurityFor } from "../client-security.js";
import { TlsConfigError } from "./tls-config-error.js";

const API_VERSIONS = apiCall(apiVersionsRequestMeta, 3, writeApiVersionsRequest, readApiVersionsResponse);
const INCREMENTAL_ALTER_CONFIGS = apiCall(incrementalAlterConfigsRequestMeta, 1, writeIncrementalAlterConfigsRequest, readIncrementalAlterConfigsResponse);
const BROKER_RESOURCE = 4;
const SET = 0;

/** A TLS handshake from a raw client; resolves with the socket once the server accepted it (or rejects). */
function handshake(port: number, opts: ConnectionOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, ...opts });
    socket.once("secureConnect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** A Kafka request over TLS through our own client: proves the connection serves requests. */
async function apiVersionsOver(port: number, opts: ConnectionOptions): Promise<number> {
  const conn = await KafkaConnection.connect("127.0.0.1", port, { clientId: "tls-test", timeoutMs: 5000, security: { securityProtocol: "SSL", tls: opts } });
  try {
    return (await conn.send(API_VERSIONS, { clientSoftwareName: "t", clientSoftwareVersion: "1" }, 5000)).errorCode;
  } finally {
    conn.close();
  }
}

function serverFingerprint(socket: TLSSocket): string {
  return socket.getPeerX509Certificate()!.fingerprint256.replaceAll(":", "").toLowerCase();
}

describe("SSL listener", () => {
  const dir = mkdtempSync(join(tmpdir(), "millrace-tls-listener-"));
  let ca: TestCertificateAuthority;
  let otherCa: TestCertificateAuthority;
  let server: IssuedCertificate;
  let alice: IssuedCertificate;
  let stranger: IssuedCertificate;
  const started: { listener: Listener; broker: TestBroker }[] = [];

  beforeAll(async () => {
    ca = await TestCertificateAuthority.create(dir);
    otherCa = await TestCertificateAuthority.create(dir, { name: "other-ca" });
    server = await ca.issueServer("broker");
    alice = await ca.issueClient("alice", "CN=alice,OU=apps,O=Example");
    stranger = await otherCa.issueClient("stranger", "CN=stranger,O=Elsewhere");
  });
  afterAll(async () => {
    for (const s of started) {
      await s.listener.close();
      await s.broker.close();
    }
  });

  async function startSsl(ssl: Record<string, string>): Promise<{ port: number; lines: LogLine[]; listener: Listener; broker: TestBroker }> {
    const { log, lines } = capturingLogger();
    const prefixed = Object.fromEntries(Object.entries(ssl).map(([k, v]) => [`listener.name.ssl.${k}`, v]));
    const broker = await startTestBroker({ handlers: [apiVersionsHandler, incrementalAlterConfigsHandler], log, config: { listeners: "PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093", ...prefixed } });
    const listener = new Listener({ name: "SSL", host: "127.0.0.1", port: 0, securityProtocol: "SSL" }, broker.services, log);
    started.push({ listener, broker });
    return { port: await listener.listen(), lines, listener, broker };
  }

  it("serves Kafka requests over TLS with a PEM key store file; clients that do not trust the CA fail", async () => {
    const { port } = await startSsl({ "ssl.keystore.type": "PEM", "ssl.keystore.location": server.keystoreFile });
    expect(await apiVersionsOver(port, { ca: ca.certificatePem })).toBe(0);
    // Hostname verification passes for 127.0.0.1 (in the certificate's subjectAltName).
    const socket = await handshake(port, { ca: ca.certificatePem });
    expect(socket.authorized).toBe(true);
    expect(serverFingerprint(socket)).toBe(server.fingerprint256);
    socket.destroy();
    await expect(handshake(port, { ca: otherCa.certificatePem })).rejects.toThrow(/self-signed|unable to (get|verify)/i);
  });

  it("takes inline PEM (ssl.keystore.key + ssl.keystore.certificate.chain) and an encrypted key with ssl.key.password", async () => {
    const inline = await startSsl({ "ssl.keystore.type": "PEM", "ssl.keystore.key": server.keyPem, "ssl.keystore.certificate.chain": server.certificatePem });
    expect(await apiVersionsOver(inline.port, { ca: ca.certificatePem })).toBe(0);
    const locked = await ca.issueServer("locked", { keyPassword: "s3cret" });
    const encrypted = await startSsl({ "ssl.keystore.type": "PEM", "ssl.keystore.location": locked.keystoreFile, "ssl.key.password": "s3cret" });
    expect(await apiVersionsOver(encrypted.port, { ca: ca.certificatePem })).toBe(0);
  });

  it("takes a PKCS12 key store", async () => {
    const p12 = await ca.issueServer("p12", { pkcs12Password: "p12pass" });
    const { port } = await startSsl({ "ssl.keystore.type": "PKCS12", "ssl.keystore.location": p12.pkcs12File!, "ssl.keystore.password": "p12pass" });
    expect(await apiVersionsOver(port, { ca: ca.certificatePem })).toBe(0);
  });

  it("with ssl.client.auth=required: the client certificate's mapped DN is the principal; no certificate or an untrusted one is refused", async () => {
    const { port, lines } = await startSsl({
      "ssl.keystore.type": "PEM",
      "ssl.keystore.location": server.keystoreFile,
      "ssl.truststore.type": "PEM",
      "ssl.truststore.location": ca.certificateFile,
      "ssl.client.auth": "required",
      "ssl.principal.mapping.rules": "RULE:^CN=([^,]*),OU=apps,.*$/app-$1/L,DEFAULT",
    });
    const aliceTls = { ca: ca.certificatePem, key: alice.keyPem, cert: alice.certificatePem };
    expect(await apiVersionsOver(port, aliceTls)).toBe(0);
    await vi.waitFor(() => expect(lines.find((l) => l.msg === "TLS client authenticated by certificate")).toBeDefined(), { timeout: 5000 });
    const authenticated = lines.find((l) => l.msg === "TLS client authenticated by certificate")!;
    expect(authenticated.principal).toBe("User:app-alice");
    expect(authenticated.subject).toBe("CN=alice,OU=apps,O=Example");
    // TLS 1.3: the client learns of the refusal after its side of the handshake, when it reads.
    await expect(apiVersionsOver(port, { ca: ca.certificatePem })).rejects.toThrow();
    await expect(apiVersionsOver(port, { ca: ca.certificatePem, key: stranger.keyPem, cert: stranger.certificatePem })).rejects.toThrow();
    await vi.waitFor(() => expect(lines.filter((l) => l.msg === "TLS handshake failed: connection closed").length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    // The listener still serves.
    expect(await apiVersionsOver(port, aliceTls)).toBe(0);
  });

  it("with ssl.client.auth=requested: no certificate is User:ANONYMOUS, an untrusted certificate is refused", async () => {
    const { port, lines } = await startSsl({
      "ssl.keystore.type": "PEM",
      "ssl.keystore.location": server.keystoreFile,
      "ssl.truststore.type": "PEM",
      "ssl.truststore.location": ca.certificateFile,
      "ssl.client.auth": "requested",
    });
    expect(await apiVersionsOver(port, { ca: ca.certificatePem })).toBe(0);
    await vi.waitFor(() => expect(lines.some((l) => l.msg === "TLS connection established" && l.principal === "User:ANONYMOUS")).toBe(true), { timeout: 5000 });
    expect(await apiVersionsOver(port, { ca: ca.certificatePem, key: alice.keyPem, cert: alice.certificatePem })).toBe(0);
    await vi.waitFor(() => expect(lines.some((l) => l.principal === "User:CN=alice,OU=apps,O=Example")).toBe(true), { timeout: 5000 });
    await expect(apiVersionsOver(port, { ca: ca.certificatePem, key: stranger.keyPem, cert: stranger.certificatePem })).rejects.toThrow();
    await vi.waitFor(() => expect(lines.some((l) => l.msg === "TLS client refused: connection closed")).toBe(true), { timeout: 5000 });
  });

  it("refuses a client whose DN no mapping rule matches, as Kafka does", async () => {
    const { port, lines } = await startSsl({
      "ssl.keystore.type": "PEM",
      "ssl.keystore.location": server.keystoreFile,
      "ssl.truststore.type": "PEM",
      "ssl.truststore.location": ca.certificateFile,
      "ssl.client.auth": "required",
      "ssl.principal.mapping.rules": "RULE:^CN=([^,]*),OU=ops,.*$/$1/",
    });
    await expect(apiVersionsOver(port, { ca: ca.certificatePem, key: alice.keyPem, cert: alice.certificatePem })).rejects.toThrow();
    await vi.waitFor(() => expect(lines.some((l) => l.msg === "TLS client refused: connection closed" && String(l.err).includes("CN=alice,OU=apps,O=Example"))).toBe(true), { timeout: 5000 });
    expect(lines.some((l) => l.msg === "TLS client authenticated by certificate")).toBe(false);
  });

  it("closes connections that send plaintext Kafka requests or garbage, and keeps serving", async () => {
    const { port, lines } = await startSsl({ "ssl.keystore.type": "PEM", "ssl.keystore.location": server.keystoreFile });
    // An ApiVersions v0 request frame in the clear, then random bytes, then a truncated ClientHello.
    const plaintextRequest = Buffer.from("0000000e00120000000000010004746573740000", "hex");
    const truncatedHello = Buffer.from("16030100c8010000c40303", "hex");
    for (const bytes of [plaintextRequest, Buffer.from("GET / HTTP/1.1\r\n\r\n"), Buffer.alloc(64, 0xff)]) {
      const closed = await new Promise<boolean>((resolve) => {
        const s = netConnect({ host: "127.0.0.1", port }, () => s.write(bytes));
        s.on("error", () => {});
        s.on("close", () => resolve(true));
        s.on("data", () => {});
      });
      expect(closed).toBe(true);
    }
    // A truncated handshake: the server waits for the rest; our side gives up and the socket goes.
    const partial = netConnect({ host: "127.0.0.1", port }, () => partial.write(truncatedHello));
    partial.on("error", () => {});
    await new Promise((r) => setTimeout(r, 100));
    partial.destroy();
    await vi.waitFor(() => expect(lines.filter((l) => l.msg === "TLS handshake failed: connection closed").length).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    expect(await apiVersionsOver(port, { ca: ca.certificatePem })).toBe(0);
  });

  it("closes, without waiting for them, connections still in their handshake", async () => {
    const { port, listener } = await startSsl({ "ssl.keystore.type": "PEM", "ssl.keystore.location": server.keystoreFile });
    const stalled = netConnect({ host: "127.0.0.1", port }, () => stalled.write(Buffer.from("16030100c8010000c40303", "hex")));
    stalled.on("error", () => {});
    const closedByServer = new Promise<void>((resolve) => stalled.once("close", () => resolve()));
    await new Promise<void>((resolve) => stalled.once("connect", () => resolve()));
    const started = Date.now();
    await listener.close();
    await closedByServer;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("picks up rotated certificate files for new connections; a broken file keeps the old certificates", async () => {
    const rotating = await ca.issueServer("rotating");
    const keystore = join(dir, "live-keystore.pem");
    writeFileSync(keystore, readFileSync(rotating.keystoreFile));
    const { port, lines } = await startSsl({ "ssl.keystore.type": "PEM", "ssl.keystore.location": keystore });
    const before = await handshake(port, { ca: ca.certificatePem });
    expect(serverFingerprint(before)).toBe(rotating.fingerprint256);

    // Replaced by rename, as a Secret volume's symlink swap or `mv` does.
    const next = await ca.issueServer("rotated");
    writeFileSync(keystore + ".new", readFileSync(next.keystoreFile));
    renameSync(keystore + ".new", keystore);
    await vi.waitFor(
      async () => {
        const s = await handshake(port, { ca: ca.certificatePem });
        const fp = serverFingerprint(s);
        s.destroy();
        expect(fp).toBe(next.fingerprint256);
      },
      { timeout: 10_000, interval: 250 },
    );
    // The connection made before keeps its session and still works.
    expect(before.destroyed).toBe(false);
    before.destroy();

    // A half-written file: logged, and the last good certificate stays in use.
    writeFileSync(keystore, "-----BEGIN PRIVATE KEY-----\ngarbage\n");
    await vi.waitFor(() => expect(lines.some((l) => l.msg.includes("cannot be used: keeping the previous certificates"))).toBe(true), { timeout: 10_000, interval: 100 });
    const after = await handshake(port, { ca: ca.certificatePem });
    expect(serverFingerprint(after)).toBe(next.fingerprint256);
    after.destroy();
  });

  it("takes a key store named by a dynamic config change (kafka-configs --alter on the broker), and keeps the old one when the new does not load", async () => {
    const { port, lines } = await startSsl({ "ssl.keystore.type": "PEM", "ssl.keystore.location": server.keystoreFile });
    const alter = async (value: string): Promise<number> => {
      const conn = await KafkaConnection.connect("127.0.0.1", port, { clientId: "admin", timeoutMs: 5000, security: { securityProtocol: "SSL", tls: { ca: ca.certificatePem } } });
      try {
        const r = await conn.send(
          INCREMENTAL_ALTER_CONFIGS,
          { resources: [{ resourceType: BROKER_RESOURCE, resourceName: "1", configs: [{ name: "listener.name.ssl.ssl.keystore.location", configOperation: SET, value }] }], validateOnly: false },
          5000,
        );
        return r.responses[0]!.errorCode;
      } finally {
        conn.close();
      }
    };
    const replacement = await ca.issueServer("dynamic");
    expect(await alter(replacement.keystoreFile)).toBe(0);
    await vi.waitFor(
      async () => {
        const s = await handshake(port, { ca: ca.certificatePem });
        const fp = serverFingerprint(s);
        s.destroy();
        expect(fp).toBe(replacement.fingerprint256);
      },
      { timeout: 10_000, interval: 250 },
    );
    expect(await alter(join(dir, "no-such-keystore.pem"))).toBe(0);
    await vi.waitFor(() => expect(lines.some((l) => l.msg.includes("cannot be used: keeping the previous certificates") && String(l.err).includes("no-such-keystore.pem"))).toBe(true), { timeout: 10_000 });
    const s = await handshake(port, { ca: ca.certificatePem });
    expect(serverFingerprint(s)).toBe(replacement.fingerprint256);
    s.destroy();
  });

  it("lets this node dial the listener with clientSecurityFor (trust store, client certificate, hostname check)", async () => {
    const ssl = {
      "ssl.keystore.type": "PEM",
      "ssl.keystore.location": server.keystoreFile,
      "ssl.truststore.type": "PEM",
      "ssl.truststore.location": ca.certificateFile,
      "ssl.client.auth": "required",
    };
    const { port, lines, broker } = await startSsl(ssl);
    const security = clientSecurityFor(broker.services.config, "SSL");
    expect(security.securityProtocol).toBe("SSL");
    const conn = await KafkaConnection.connect("127.0.0.1", port, { clientId: "node", timeoutMs: 5000, security });
    expect((await conn.send(API_VERSIONS, { clientSoftwareName: "n", clientSoftwareVersion: "1" }, 5000)).errorCode).toBe(0);
    conn.close();
    // The broker's own certificate is its client certificate here.
    await vi.waitFor(() => expect(lines.some((l) => l.principal === "User:CN=127.0.0.1,O=Millrace Test")).toBe(true), { timeout: 5000 });
    // "localhost" is in the certificate too; a name that is not fails the hostname check.
    const viaName = await KafkaConnection.connect("localhost", port, { clientId: "node", timeoutMs: 5000, security });
    viaName.close();
    const wrongName = await ca.issueServer("wrong-name", { hosts: ["elsewhere.example"] });
    const { port: wrongPort, broker: wrongBroker } = await startSsl({ ...ssl, "ssl.keystore.location": wrongName.keystoreFile });
    await expect(KafkaConnection.connect("127.0.0.1", wrongPort, { clientId: "node", timeoutMs: 5000, security: clientSecurityFor(wrongBroker.services.config, "SSL") })).rejects.toThrow(/IP: 127.0.0.1 is not in the cert's list/);
    // ssl.endpoint.identification.algorithm empty: the chain is verified, the name is not.
    const { port: unnamedPort, broker: unnamedBroker } = await startSsl({ ...ssl, "ssl.keystore.location": wrongName.keystoreFile, "ssl.endpoint.identification.algorithm": "" });
    const unchecked = await KafkaConnection.connect("127.0.0.1", unnamedPort, { clientId: "node", timeoutMs: 5000, security: clientSecurityFor(unnamedBroker.services.config, "SSL") });
    unchecked.close();
  });

  it("refuses unusable settings at start-up with an error naming the key", async () => {
    const failure = async (ssl: Record<string, string>): Promise<string> => {
      try {
        await startSsl(ssl);
      } catch (err) {
        expect(err).toBeInstanceOf(TlsConfigError);
        return (err as Error).message;
      }
      throw new Error("started");
    };
    expect(await failure({})).toContain("listener SSL uses TLS but has no key store");
    expect(await failure({ "ssl.keystore.location": server.keystoreFile })).toContain("ssl.keystore.type=JKS is not supported");
    expect(await failure({ "ssl.keystore.type": "PEM", "ssl.keystore.location": join(dir, "missing.pem") })).toContain("ssl.keystore.location: cannot read");
    const locked = await ca.issueServer("locked2", { keyPassword: "right" });
    expect(await failure({ "ssl.keystore.type": "PEM", "ssl.keystore.location": locked.keystoreFile })).toContain("ssl.key.password is not set");
    expect(await failure({ "ssl.keystore.type": "PEM", "ssl.keystore.location": locked.keystoreFile, "ssl.key.password": "wrong" })).toContain("does not open with");
    expect(await failure({ "ssl.keystore.type": "PEM", "ssl.keystore.location": server.keystoreFile, "ssl.enabled.protocols": "TLSv1.1,TLSv1.2" })).toContain("TLSv1.1 is not supported");
    expect(await failure({ "ssl.keystore.type": "PEM", "ssl.keystore.location": server.keystoreFile, "ssl.cipher.suites": "TLS_RSA_WITH_RC4_128_MD5" })).toContain("not a supported cipher suite");
    expect(await failure({ "ssl.keystore.type": "PEM", "ssl.keystore.location": server.keystoreFile, "ssl.client.auth": "required" })).toContain("needs a trust store");
    expect(await failure({ "ssl.keystore.type": "PEM", "ssl.keystore.location": alice.certificateFile })).toContain("no PEM private key");
  });

  it("speaks only the enabled protocol versions and cipher suites", async () => {
    const { port } = await startSsl({
      "ssl.keystore.type": "PEM",
      "ssl.keystore.location": server.keystoreFile,
      "ssl.enabled.protocols": "TLSv1.2",
      "ssl.cipher.suites": "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    });
    const s = await handshake(port, { ca: ca.certificatePem });
    expect(s.getProtocol()).toBe("TLSv1.2");
    expect(s.getCipher().standardName).toBe("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    s.destroy();
    await expect(handshake(port, { ca: ca.certificatePem, minVersion: "TLSv1.3" })).rejects.toThrow();
  });
});
