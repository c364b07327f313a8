// One `millrace broker` process with an SSL listener and an mTLS listener (ssl.client.auth=required,
// a principal mapping rule), certificates made by the test: Apache Kafka's Java console producer and
// consumer (PEM trust and key stores) and librdkafka (kcat) produce and consume over both; the mTLS
// client's principal is its mapped DN in the broker's log; a client without a certificate, and one
// that does not trust the CA, are refused; the server certificate files rotated under the running
// broker are what new connections get, and clients keep working.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TestCertificateAuthority, type IssuedCertificate } from "../security-fixtures/certificates.js";
import { startBroker, type BrokerProcess } from "./broker-process.js";

const RUN_CLASS = resolve(import.meta.dirname, "../kafka/run-class.sh");
const INSTALL = resolve(import.meta.dirname, "../tools/install.sh");
const CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
const CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";

function javaTool(cls: string, args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", [RUN_CLASS, cls, ...args], { encoding: "utf8", input, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function kcat(bin: string, args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { encoding: "utf8", input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The SHA-256 fingerprint of the certificate a new TLS connection to `port` is shown. */
function servedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolveFp, reject) => {
    const s = tlsConnect({ host: "127.0.0.1", port, ca }, () => {
      resolveFp(s.getPeerX509Certificate()!.fingerprint256.replaceAll(":", "").toLowerCase());
      s.destroy();
    });
    s.once("error", reject);
  });
}

function listenerPort(broker: BrokerProcess, name: string): number {
  const line = broker.logs.find((l) => l.msg === "listening" && l.listener === name);
  if (!line) throw new Error(`no listening line for ${name}`);
  return Number(line.port);
}

describe("TLS listeners of a broker process", () => {
  const dir = mkdtempSync(join(tmpdir(), "millrace-tls-it-"));
  let broker: BrokerProcess | undefined;
  let ca: TestCertificateAuthority;
  let otherCa: TestCertificateAuthority;
  let alice: IssuedCertificate;
  let kcatBin: string;
  let sslPort: number;
  let mtlsPort: number;
  const liveKeystore = join(dir, "live", "broker.keystore.pem");
  const sslProperties = join(dir, "ssl.properties");
  const mtlsProperties = join(dir, "mtls.properties");

  beforeAll(async () => {
    const installed = spawnSync("bash", [INSTALL, "kcat"], { encoding: "utf8", timeout: 300_000 });
    kcatBin = installed.stdout.match(/^KCAT=(.+)$/m)?.[1] ?? "";
    if (!kcatBin) throw new Error(`kcat install failed: ${installed.stderr}`);
    ca = await TestCertificateAuthority.create(dir);
    otherCa = await TestCertificateAuthority.create(dir, { name: "other-ca" });
    const server = await ca.issueServer("broker");
    alice = await ca.issueClient("alice", "CN=alice,OU=apps,O=Example");
    // The broker reads its key store from a path the test later replaces, as a rotation would.
    spawnSync("mkdir", ["-p", join(dir, "live")]);
    writeFileSync(liveKeystore, readFileSync(server.keystoreFile));
    writeFileSync(sslProperties, ["security.protocol=SSL", "ssl.truststore.type=PEM", `ssl.truststore.location=${ca.certificateFile}`].join("\n") + "\n");
    writeFileSync(
      mtlsProperties,
      ["security.protocol=SSL", "ssl.truststore.type=PEM", `ssl.truststore.location=${ca.certificateFile}`, "ssl.keystore.type=PEM", `ssl.keystore.location=${alice.keystoreFile}`].join("\n") + "\n",
    );
    broker = await startBroker({
      overrides: [
        "listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,MTLS://127.0.0.1:0",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,MTLS:SSL,CONTROLLER:PLAINTEXT",
        "ssl.keystore.type=PEM",
        `ssl.keystore.location=${liveKeystore}`,
        "ssl.truststore.type=PEM",
        `ssl.truststore.location=${ca.certificateFile}`,
        "listener.name.mtls.ssl.client.auth=required",
        "listener.name.mtls.ssl.principal.mapping.rules=RULE:^CN=([^,]*),OU=apps,.*$/app-$1/L,DEFAULT",
        "num.partitions=1",
      ],
    });
    sslPort = listenerPort(broker, "SSL");
    mtlsPort = listenerPort(broker, "MTLS");
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it("the Java console producer and kcat write over SSL, and both read back over mTLS with the mapped principal logged", async () => {
    const produced = javaTool(CONSOLE_PRODUCER, ["--bootstrap-server", `127.0.0.1:${sslPort}`, "--topic", "secure", "--command-config", sslProperties], "java-1\njava-2\n");
    expect(produced.status, produced.stderr).toBe(0);
    const kcatSsl = ["-X", "security.protocol=ssl", "-X", `ssl.ca.location=${ca.certificateFile}`];
    const kcatMtls = [...kcatSsl, "-X", `ssl.certificate.location=${alice.certificateFile}`, "-X", `ssl.key.location=${alice.keyFile}`];
    const kcatProduced = kcat(kcatBin, ["-b", `127.0.0.1:${sslPort}`, ...kcatSsl, "-t", "secure", "-P"], "kcat-1\nkcat-2\n");
    expect(kcatProduced.status, kcatProduced.stderr).toBe(0);

    const kcatRead = kcat(kcatBin, ["-b", `127.0.0.1:${mtlsPort}`, ...kcatMtls, "-t", "secure", "-C", "-o", "beginning", "-c", "4", "-e"]);
    expect(kcatRead.status, kcatRead.stderr).toBe(0);
    expect(kcatRead.stdout.trim().split("\n")).toEqual(["java-1", "java-2", "kcat-1", "kcat-2"]);

    const javaRead = javaTool(CONSOLE_CONSUMER, ["--bootstrap-server", `127.0.0.1:${mtlsPort}`, "--topic", "secure", "--from-beginning", "--max-messages", "4", "--timeout-ms", "30000", "--command-config", mtlsProperties]);
    expect(javaRead.status, javaRead.stderr).toBe(0);
    expect(javaRead.stdout.trim().split("\n")).toEqual(["java-1", "java-2", "kcat-1", "kcat-2"]);

    // (The broker's log lines are read on this process's event loop, which spawnSync held up.)
    const authenticated = await vi.waitFor(() => {
      const lines = broker!.logs.filter((l) => l.msg === "TLS client authenticated by certificate" && l.listener === "MTLS");
      expect(lines.length).toBeGreaterThan(0);
      return lines;
    }, { timeout: 10_000 });
    for (const line of authenticated) {
      expect(line.principal).toBe("User:app-alice");
      expect(line.subject).toBe("CN=alice,OU=apps,O=Example");
    }
  });

  it("refuses a client without a certificate on the mTLS listener, and a client that does not trust the CA", async () => {
    const noCertificate = kcat(kcatBin, ["-b", `127.0.0.1:${mtlsPort}`, "-X", "security.protocol=ssl", "-X", `ssl.ca.location=${ca.certificateFile}`, "-m", "5", "-L"]);
    expect(noCertificate.status).not.toBe(0);
    expect(noCertificate.stderr).toMatch(/certificate required|handshake|transport failure/i);
    const untrusting = kcat(kcatBin, ["-b", `127.0.0.1:${sslPort}`, "-X", "security.protocol=ssl", "-X", `ssl.ca.location=${otherCa.certificateFile}`, "-m", "5", "-L"]);
    expect(untrusting.status).not.toBe(0);
    expect(untrusting.stderr).toMatch(/certificate verify failed/i);
    // The broker logged both handshakes as failed and still serves.
    await vi.waitFor(() => expect(broker!.logs.filter((l) => l.msg === "TLS handshake failed: connection closed").length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    const stillServing = kcat(kcatBin, ["-b", `127.0.0.1:${sslPort}`, "-X", "security.protocol=ssl", "-X", `ssl.ca.location=${ca.certificateFile}`, "-m", "10", "-L", "-J"]);
    expect(stillServing.status, stillServing.stderr).toBe(0);
  });

  it("serves a rotated server certificate to new connections without a restart", async () => {
    const before = await servedFingerprint(sslPort, ca.certificatePem);
    const next = await ca.issueServer("broker-next");
    expect(before).not.toBe(next.fingerprint256);
    // Replaced by rename (what a Secret volume's symlink swap and `mv` do).
    writeFileSync(liveKeystore + ".tmp", readFileSync(next.keystoreFile));
    renameSync(liveKeystore + ".tmp", liveKeystore);
    await vi.waitFor(async () => expect(await servedFingerprint(sslPort, ca.certificatePem)).toBe(next.fingerprint256), { timeout: 15_000, interval: 250 });
    // The mTLS listener reads the same file (TLS 1.3 shows the server certificate before asking for the client's).
    await vi.waitFor(async () => expect(await servedFingerprint(mtlsPort, ca.certificatePem)).toBe(next.fingerprint256), { timeout: 15_000, interval: 250 });
    expect(broker!.logs.some((l) => String(l.msg).startsWith("TLS key store or trust store changed: new connections use the new certificates"))).toBe(true);
    // Clients carry on over the new certificate.
    const produced = javaTool(CONSOLE_PRODUCER, ["--bootstrap-server", `127.0.0.1:${sslPort}`, "--topic", "secure", "--command-config", sslProperties], "after-rotation\n");
    expect(produced.status, produced.stderr).toBe(0);
    const read = kcat(kcatBin, ["-b", `127.0.0.1:${sslPort}`, "-X", "security.protocol=ssl", "-X", `ssl.ca.location=${ca.certificateFile}`, "-t", "secure", "-C", "-o", "beginning", "-c", "5", "-e"]);
    expect(read.status, read.stderr).toBe(0);
    expect(read.stdout.trim().split("\n").at(-1)).toBe("after-rotation");
  });
});
