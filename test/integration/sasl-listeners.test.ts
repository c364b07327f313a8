// One `millrace broker` process with SASL listeners: SASL_PLAINTEXT offering PLAIN (users from the
// listener's JAAS config) and SCRAM-SHA-512, and SASL_SSL offering SCRAM-SHA-512 (certificates
// made by the test). With Apache Kafka's own tools and clients (kafka-tools 4.4.0), librdkafka
// (kcat) and KafkaJS: kafka-configs adds, describes and deletes SCRAM users; the Java console
// producer and consumer and kcat produce and consume with PLAIN and with SCRAM-SHA-512 over both
// listeners, KafkaJS logs in with both; a wrong password is an authentication error in every
// client, logged by the broker with the user name; a Java producer re-authenticates on its
// connections when sessions expire (KIP-368); a deleted SCRAM user can no longer log in.
// Part of the cluster suite (one broker-process test at a time on a 2-core machine).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TestCertificateAuthority } from "../security-fixtures/certificates.js";
import { startBroker, type BrokerProcess } from "./broker-process.js";

const RUN_CLASS = resolve(import.meta.dirname, "../kafka/run-class.sh");
const INSTALL = resolve(import.meta.dirname, "../tools/install.sh");
const CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
const CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
const CONFIG_COMMAND = "org.apache.kafka.tools.ConfigCommand";

const PLAIN_JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret" user_bob="bob-secret";';

function javaTool(cls: string, args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", [RUN_CLASS, cls, ...args], { encoding: "utf8", input, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function run(bin: string, args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { encoding: "utf8", input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function listenerPort(broker: BrokerProcess, name: string): number {
  const line = broker.logs.find((l) => l.msg === "listening" && l.listener === name);
  if (!line) throw new Error(`no listening line for ${name}`);
  return Number(line.port);
}

describe("SASL listeners of a broker process", () => {
  const dir = mkdtempSync(join(tmpdir(), "millrace-sasl-it-"));
  let broker: BrokerProcess | undefined;
  let kcatBin: string;
  let caFile: string;
  let saslPlaintext: string;
  let saslSsl: string;

  /** A Java client properties file for a user, mechanism and listener. */
  function clientProperties(name: string, mechanism: "PLAIN" | "SCRAM-SHA-512", user: string, password: string, ssl: boolean): string {
  const loginModule = mechanism === "PLAIN" ? "org.apache.kafka.common.security.plain.PlainLoginModule" : "org.apache.kafka.common.security.scram.ScramLoginModule";
    const path = join(dir, `${name}.properties`);
    const lines = [
      `security.protocol=${ssl ? "SASL_SSL" : "SASL_PLAINTEXT"}`,
      `sasl.mechanism=${mechanism}`,
      `sasl.jaas.config=${loginModule} required username="${user}" password="${password}";`,
      ...(ssl ? ["ssl.truststore.type=PEM", `ssl.truststore.location=${caFile}`] : []),
    ];
    writeFileSync(path, lines.join("\n") + "\n");
    return path;
  }

  function kcatArgs(mechanism: "PLAIN" | "SCRAM-SHA-512", user: string, password: string, ssl: boolean): string[] {
    return [
      "-b", ssl ? saslSsl : saslPlaintext,
      "-X", `security.protocol=${ssl ? "sasl_ssl" : "sasl_plaintext"}`,
      "-X", `sasl.mechanism=${mechanism}`, "-X", `sasl.username=${user}`, "-X", `sasl.password=${password}`,
      ...(ssl ? ["-X", `ssl.ca.location=${caFile}`] : []),
    ];
  }

  beforeAll(async () => {
    const installed = spawnSync("bash", [INSTALL, "kcat"], { encoding: "utf8", timeout: 300_000 });
    kcatBin = installed.stdout.match(/^KCAT=(.+)$/m)?.[1] ?? "";
    if (!kcatBin) throw new Error(`kcat install failed: ${installed.stderr}`);
    const ca = await TestCertificateAuthority.create(dir);
    const server = await ca.issueServer("broker");
    caFile = ca.certificateFile;
    broker = await startBroker({
      overrides: [
        "listeners=PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0",
        "listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512",
        `listener.name.sasl_plaintext.plain.sasl.jaas.config=${PLAIN_JAAS}`,
        "listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512",
        // Sessions of SCRAM-SHA-512 clients on SASL_PLAINTEXT last 2 s: they must re-authenticate (KIP-368).
        "listener.name.sasl_plaintext.scram-sha-512.connections.max.reauth.ms=2000",
        "ssl.keystore.type=PEM",
        `ssl.keystore.location=${server.keystoreFile}`,
        "num.partitions=1",
      ],
    });
    saslPlaintext = `127.0.0.1:${listenerPort(broker, "SASL_PLAINTEXT")}`;
    saslSsl = `127.0.0.1:${listenerPort(broker, "SASL_SSL")}`;
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it("kafka-configs (as a PLAIN user) adds and describes a SCRAM-SHA-512 user", () => {
    const admin = clientProperties("admin", "PLAIN", "admin", "admin-secret", false);
    const added = javaTool(CONFIG_COMMAND, [
      "--bootstrap-server", saslPlaintext, "--command-config", admin,
      "--alter", "--add-config", "SCRAM-SHA-512=[iterations=8192,password=alice-secret]", "--entity-type", "users", "--entity-name", "alice",
    ]);
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toContain("Completed updating config for user alice.");
    const described = javaTool(CONFIG_COMMAND, ["--bootstrap-server", saslPlaintext, "--command-config", admin, "--describe", "--entity-type", "users", "--entity-name", "alice"]);
    expect(described.status, described.stderr).toBe(0);
    expect(described.stdout).toContain("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-512=iterations=8192");
  });

  it("Java and librdkafka produce and consume with SCRAM-SHA-512 over SASL_SSL and with PLAIN over SASL_PLAINTEXT", async () => {
    const aliceSsl = clientProperties("alice-ssl", "SCRAM-SHA-512", "alice", "alice-secret", true);
    const bobPlain = clientProperties("bob-plain", "PLAIN", "bob", "bob-secret", false);
    const javaProduced = javaTool(CONSOLE_PRODUCER, ["--bootstrap-server", saslSsl, "--topic", "sasl", "--command-config", aliceSsl], "java-1\njava-2\n");
    expect(javaProduced.status, javaProduced.stderr).toBe(0);
    const kcatProduced = run(kcatBin, [...kcatArgs("PLAIN", "bob", "bob-secret", false), "-t", "sasl", "-P"], "kcat-1\nkcat-2\n");
    expect(kcatProduced.status, kcatProduced.stderr).toBe(0);
    const kcatScramProduced = run(kcatBin, [...kcatArgs("SCRAM-SHA-512", "alice", "alice-secret", false), "-t", "sasl", "-P"], "kcat-3\n");
    expect(kcatScramProduced.status, kcatScramProduced.stderr).toBe(0);

    const all = ["java-1", "java-2", "kcat-1", "kcat-2", "kcat-3"];
    const kcatRead = run(kcatBin, [...kcatArgs("SCRAM-SHA-512", "alice", "alice-secret", true), "-t", "sasl", "-C", "-o", "beginning", "-c", "5", "-e"]);
    expect(kcatRead.status, kcatRead.stderr).toBe(0);
    expect(kcatRead.stdout.trim().split("\n")).toEqual(all);
    const javaRead = javaTool(CONSOLE_CONSUMER, ["--bootstrap-server", saslPlaintext, "--topic", "sasl", "--from-beginning", "--max-messages", "5", "--timeout-ms", "30000", "--command-config", bobPlain]);
    expect(javaRead.status, javaRead.stderr).toBe(0);
    expect(javaRead.stdout.trim().split("\n")).toEqual(all);
    const javaSslRead = javaTool(CONSOLE_CONSUMER, ["--bootstrap-server", saslSsl, "--topic", "sasl", "--from-beginning", "--max-messages", "5", "--timeout-ms", "30000", "--command-config", aliceSsl]);
    expect(javaSslRead.status, javaSslRead.stderr).toBe(0);
    expect(javaSslRead.stdout.trim().split("\n")).toEqual(all);

    // (The broker's log lines are read on this process's event loop, which spawnSync held up.)
    await vi.waitFor(() => {
      const ok = broker!.logs.filter((l) => l.msg === "SASL authentication succeeded");
      expect(ok.some((l) => l.principal === "User:alice" && l.mechanism === "SCRAM-SHA-512" && l.listener === "SASL_SSL")).toBe(true);
      expect(ok.some((l) => l.principal === "User:alice" && l.mechanism === "SCRAM-SHA-512" && l.listener === "SASL_PLAINTEXT")).toBe(true);
      expect(ok.some((l) => l.principal === "User:bob" && l.mechanism === "PLAIN")).toBe(true);
    });
  });

  it("a wrong password is an authentication error in both clients, logged with the user name", async () => {
    const wrong = clientProperties("alice-wrong", "SCRAM-SHA-512", "alice", "not-her-password", true);
    const java = javaTool(CONFIG_COMMAND, ["--bootstrap-server", saslSsl, "--command-config", wrong, "--describe", "--entity-type", "users"]);
    expect(java.status).not.toBe(0);
    expect(java.stdout + java.stderr).toMatch(/SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/);
    const kcat = run(kcatBin, [...kcatArgs("PLAIN", "bob", "wrong", false), "-L", "-m", "5"]);
    expect(kcat.status).not.toBe(0);
    expect(kcat.stderr).toContain("Authentication failed: Invalid username or password");
    await vi.waitFor(() => {
      const failed = broker!.logs.filter((l) => l.msg === "SASL authentication failed");
      expect(failed.some((l) => l.user === "alice" && l.mechanism === "SCRAM-SHA-512" && l.reason === "wrong proof" && String(l.remote).startsWith("127.0.0.1:"))).toBe(true);
      expect(failed.some((l) => l.user === "bob" && l.mechanism === "PLAIN" && l.reason === "wrong password")).toBe(true);
    });
  });

  it("KafkaJS authenticates with PLAIN and SCRAM-SHA-512, and gets an authentication error for a wrong password", async () => {
    const listTopics = async (sasl: SASLOptions): Promise<string[] | string> => {
      const admin = new Kafka({ brokers: [saslPlaintext], clientId: "kafkajs-sasl", sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        return await admin.listTopics();
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      } finally {
        await admin.disconnect();
      }
    };
    expect(await listTopics({ mechanism: "plain", username: "bob", password: "bob-secret" })).toContain("sasl");
    expect(await listTopics({ mechanism: "scram-sha-512", username: "alice", password: "alice-secret" })).toContain("sasl");
    expect(await listTopics({ mechanism: "scram-sha-512", username: "alice", password: "wrong" })).toMatch(
      /KafkaJSSASLAuthenticationError: .*Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/,
    );
  });

  it("a Java producer re-authenticates on its connections when sessions last 2 s (connections.max.reauth.ms)", async () => {
    const aliceScram = clientProperties("alice-scram", "SCRAM-SHA-512", "alice", "alice-secret", false);
    // 160 records at 20 per second: 8 s, four session lifetimes. (Java renews at 85-95 % of the
    // lifetime, on its next send: on this busy machine not always every time, so at least one.)
    const perf = javaTool("org.apache.kafka.tools.ProducerPerformance", [
      "--topic", "reauth", "--num-records", "160", "--record-size", "100", "--throughput", "20", "--command-config", aliceScram, "--producer-props", `bootstrap.servers=${saslPlaintext}`, "acks=all",
    ]);
    expect(perf.status, perf.stderr).toBe(0);
    expect(perf.stdout).toMatch(/160 records sent/);
    await vi.waitFor(() => {
      const renewals = broker!.logs.filter((l) => l.msg === "SASL authentication succeeded" && l.principal === "User:alice" && l.reauthentication === true && l.listener === "SASL_PLAINTEXT");
      expect(renewals.length).toBeGreaterThanOrEqual(1);
      expect(renewals.every((l) => l.sessionLifetimeMs === 2000)).toBe(true);
    });
    // No connection outlived its session without renewing it (the broker would have closed it).
    const expired = broker!.logs.filter((l) => String(l.reason ?? "").includes("session expired"));
    expect(expired).toEqual([]);
  });

  it("a SCRAM user deleted with kafka-configs can no longer log in", () => {
    const admin = clientProperties("admin", "PLAIN", "admin", "admin-secret", false);
    const deleted = javaTool(CONFIG_COMMAND, [
      "--bootstrap-server", saslPlaintext, "--command-config", admin, "--alter", "--delete-config", "SCRAM-SHA-512", "--entity-type", "users", "--entity-name", "alice",
    ]);
    expect(deleted.status, deleted.stderr).toBe(0);
    const described = javaTool(CONFIG_COMMAND, ["--bootstrap-server", saslPlaintext, "--command-config", admin, "--describe", "--entity-type", "users"]);
    expect(described.status, described.stderr).toBe(0);
    expect(described.stdout).not.toContain("'alice'");
    const kcat = run(kcatBin, [...kcatArgs("SCRAM-SHA-512", "alice", "alice-secret", true), "-L", "-m", "5"]);
    expect(kcat.status).not.toBe(0);
    expect(kcat.stderr).toContain("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512");
  });
});
