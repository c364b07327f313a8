// Three combined `millrace broker` processes whose every listener is SASL_PLAINTEXT: the client and
// inter-broker listener (named PLAINTEXT) takes SCRAM-SHA-512, with the brokers' own credential
// given to `storage format --add-scram` (no one could run kafka-configs before the cluster is up,
// as in Kafka); the controller listener takes PLAIN (SCRAM credentials live in the metadata the
// quorum replicates, so the quorum cannot depend on them). The quorum elects, brokers register,
// followers replicate a topic created through one node over SCRAM, a user created with
// kafka-configs through one broker logs in on every broker, and Java and librdkafka clients
// produce and consume as that user. The same again with every listener SASL_SSL (SCRAM inside TLS
// between brokers, PLAIN inside TLS to the controllers) and Java clients over SASL_SSL.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { TestCertificateAuthority } from "../security-fixtures/certificates.js";
import { kafkaTool } from "./kafka-tool.js";
import { LocalCluster } from "./local-cluster.js";
import { createTopicWithFullIsr, SASL_FORMAT_FLAGS, SASL_NODE_OVERRIDES, SCRAM_LOGIN } from "./sasl-cluster-settings.js";

const INSTALL = resolve(import.meta.dirname, "../tools/install.sh");
const CONFIG_COMMAND = "org.apache.kafka.tools.ConfigCommand";
const CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
const CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
const RUN_CLASS = resolve(import.meta.dirname, "../kafka/run-class.sh");


function javaTool(cls: string, args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", [RUN_CLASS, cls, ...args], { encoding: "utf8", input, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("a cluster whose inter-broker listener uses SCRAM and controller listener PLAIN", () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  it("replicates over SCRAM with bootstrap credentials, and a user made through one broker logs in on all", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-sasl-cluster-"));
    const installed = spawnSync("bash", [INSTALL, "kcat"], { encoding: "utf8", timeout: 300_000 });
    const kcatBin = installed.stdout.match(/^KCAT=(.+)$/m)?.[1] ?? "";
    expect(kcatBin, installed.stderr).not.toBe("");
    const properties = (name: string, user: string, password: string) => {
      const path = join(dir, `${name}.properties`);
      writeFileSync(path, ["security.protocol=SASL_PLAINTEXT", "sasl.mechanism=SCRAM-SHA-512", `sasl.jaas.config=${SCRAM_LOGIN} required username="${user}" password="${password}";`].join("\n") + "\n");
      return path;
    };
    const admin = properties("admin", "admin", "admin-secret");

    cluster = await LocalCluster.start(
      3,
      [
        "listener.security.protocol.map=PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
        ...SASL_NODE_OVERRIDES,
        "broker.heartbeat.interval.ms=200",
      ],
      { formatFlags: [...SASL_FORMAT_FLAGS] },
    );
    const [n1, n2, n3] = cluster.nodes as [NonNullable<(typeof cluster.nodes)[0]>, NonNullable<(typeof cluster.nodes)[0]>, NonNullable<(typeof cluster.nodes)[0]>];
    const nodes = [n1, n2, n3];

    // A topic created through node 1 (forwarded to the active controller over PLAIN) is replicated
    // to all three: followers fetch over the SCRAM inter-broker listener with the bootstrap credential.
    await createTopicWithFullIsr("secured", n1.port, n2.port, admin);

    // A user added through node 2 (forwarded to the active controller) logs in on every broker.
    const added = kafkaTool(CONFIG_COMMAND, [
      "--bootstrap-server", `127.0.0.1:${n2.port}`, "--command-config", admin,
      "--alter", "--add-config", "SCRAM-SHA-512=[password=carol-secret]", "--entity-type", "users", "--entity-name", "carol",
    ]);
    expect(added.status, added.stderr).toBe(0);
    for (const n of nodes) {
      await vi.waitFor(
        () => {
          const listed = spawnSync(kcatBin, ["-b", `127.0.0.1:${n.port}`, "-X", "security.protocol=sasl_plaintext", "-X", "sasl.mechanism=SCRAM-SHA-512", "-X", "sasl.username=carol", "-X", "sasl.password=carol-secret", "-L", "-m", "5", "-J"], { encoding: "utf8", timeout: 30_000 });
          expect(listed.status, `node ${n.id}: ${listed.stderr}`).toBe(0);
          expect(listed.stdout).toContain('"topic":"secured"');
        },
        { timeout: 30_000, interval: 500 },
      );
    }

    // Java produces as carol through node 3; kcat reads it back through node 1.
    const carol = properties("carol", "carol", "carol-secret");
    const produced = javaTool(CONSOLE_PRODUCER, ["--bootstrap-server", `127.0.0.1:${n3.port}`, "--topic", "secured", "--command-config", carol, "--producer-property", "acks=all"], "one\ntwo\nthree\n");
    expect(produced.status, produced.stderr).toBe(0);
    const read = spawnSync(
      kcatBin,
      ["-b", `127.0.0.1:${n1.port}`, "-X", "security.protocol=sasl_plaintext", "-X", "sasl.mechanism=SCRAM-SHA-512", "-X", "sasl.username=carol", "-X", "sasl.password=carol-secret", "-t", "secured", "-C", "-o", "beginning", "-c", "3", "-e", "-f", "%s\n"],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(read.status, read.stderr).toBe(0);
    expect(read.stdout.trim().split("\n").sort()).toEqual(["one", "three", "two"]);
    const javaRead = javaTool(CONSOLE_CONSUMER, ["--bootstrap-server", `127.0.0.1:${n2.port}`, "--topic", "secured", "--from-beginning", "--max-messages", "3", "--timeout-ms", "30000", "--command-config", carol]);
    expect(javaRead.status, javaRead.stderr).toBe(0);
    expect(javaRead.stdout.trim().split("\n").sort()).toEqual(["one", "three", "two"]);

    // The brokers authenticated to each other as User:broker (SCRAM) and to the controllers as
    // User:controller (PLAIN). (The nodes' log lines are read on this process's event loop, which
    // spawnSync held up: wait for them.)
    await vi.waitFor(() => {
      const logs = nodes.flatMap((n) => n.process?.logs ?? []);
      const succeeded = logs.filter((l) => l.msg === "SASL authentication succeeded");
      expect(succeeded.some((l) => l.principal === "User:broker" && l.mechanism === "SCRAM-SHA-512" && l.listener === "PLAINTEXT")).toBe(true);
      expect(succeeded.some((l) => l.principal === "User:controller" && l.mechanism === "PLAIN" && l.listener === "CONTROLLER")).toBe(true);
      expect(succeeded.some((l) => l.principal === "User:carol")).toBe(true);
      expect(logs.filter((l) => l.msg === "bootstrap SCRAM credentials written to the metadata log")).toHaveLength(1);
    });
    // The SASL_SSL cluster below starts next: not six nodes at once on this machine.
    await cluster.close();
    cluster = undefined;
  }, 300_000);

  describe("with every listener SASL_SSL", () => {
    let tlsCluster: LocalCluster | undefined;
    afterAll(() => tlsCluster?.close());

    it("replicates over SCRAM inside TLS and serves Java clients over SASL_SSL with SCRAM-SHA-512", async () => {
      const dir = mkdtempSync(join(tmpdir(), "millrace-sasl-ssl-cluster-"));
      const ca = await TestCertificateAuthority.create(dir);
      const server = await ca.issueServer("node");
      const properties = (name: string, user: string, password: string) => {
        const path = join(dir, `${name}.properties`);
        writeFileSync(
          path,
          [
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-512",
            `sasl.jaas.config=${SCRAM_LOGIN} required username="${user}" password="${password}";`,
            "ssl.truststore.type=PEM",
            `ssl.truststore.location=${ca.certificateFile}`,
          ].join("\n") + "\n",
        );
        return path;
      };
      const admin = properties("admin", "admin", "admin-secret");
      tlsCluster = await LocalCluster.start(
        3,
        [
          "listener.security.protocol.map=PLAINTEXT:SASL_SSL,CONTROLLER:SASL_SSL",
          "ssl.keystore.type=PEM",
          `ssl.keystore.location=${server.keystoreFile}`,
          "ssl.truststore.type=PEM",
          `ssl.truststore.location=${ca.certificateFile}`,
          ...SASL_NODE_OVERRIDES,
          "broker.heartbeat.interval.ms=200",
        ],
        { formatFlags: [...SASL_FORMAT_FLAGS] },
      );
      const nodes = tlsCluster.nodes;
      const [n1, n2, n3] = [nodes[0]!, nodes[1]!, nodes[2]!];
      await createTopicWithFullIsr("secured-tls", n1.port, n2.port, admin);
      const produced = javaTool(CONSOLE_PRODUCER, ["--bootstrap-server", `127.0.0.1:${n3.port}`, "--topic", "secured-tls", "--command-config", admin, "--producer-property", "acks=all"], "a\nb\nc\n");
      expect(produced.status, produced.stderr).toBe(0);
      const read = javaTool(CONSOLE_CONSUMER, ["--bootstrap-server", `127.0.0.1:${n1.port}`, "--topic", "secured-tls", "--from-beginning", "--max-messages", "3", "--timeout-ms", "30000", "--command-config", admin]);
      expect(read.status, read.stderr).toBe(0);
      expect(read.stdout.trim().split("\n").sort()).toEqual(["a", "b", "c"]);
      await vi.waitFor(() => {
        const succeeded = nodes.flatMap((n) => n.process?.logs ?? []).filter((l) => l.msg === "SASL authentication succeeded");
        expect(succeeded.some((l) => l.principal === "User:broker" && l.listener === "PLAINTEXT")).toBe(true);
        expect(succeeded.some((l) => l.principal === "User:controller" && l.listener === "CONTROLLER")).toBe(true);
      });
    }, 300_000);
  });
});
