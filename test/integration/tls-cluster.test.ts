// Three combined `millrace broker` processes whose every listener is TLS: the client and
// inter-broker listener (named PLAINTEXT, mapped to SSL) and the controller listener (SSL with
// ssl.client.auth=required, so nodes authenticate to each other with their certificates). The
// quorum elects over TLS, brokers register and are unfenced through the controller channel, a topic
// created through any node (forwarded to the controller) is replicated to all three by followers
// fetching over TLS, and Apache Kafka's Java tools produce and consume over SSL.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { TestCertificateAuthority } from "../security-fixtures/certificates.js";
import { kafkaTool } from "./kafka-tool.js";
import { LocalCluster } from "./local-cluster.js";
import { METADATA_QUORUM_COMMAND } from "./metadata-quorum-tool.js";

const TOPICS = "org.apache.kafka.tools.TopicCommand";
const CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
const PRODUCER_PERFORMANCE = "org.apache.kafka.tools.ProducerPerformance";

describe("a cluster whose inter-broker and controller listeners are SSL", () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  it("elects, registers, forwards, replicates and serves Java clients over TLS", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-tls-cluster-"));
    const ca = await TestCertificateAuthority.create(dir);
    const server = await ca.issueServer("node");
    const admin = await ca.issueClient("admin", "CN=admin,O=Example");
    const clientProperties = join(dir, "client.properties");
    writeFileSync(
      clientProperties,
      [
        "security.protocol=SSL",
        "ssl.truststore.type=PEM",
        `ssl.truststore.location=${ca.certificateFile}`,
        // The controller listener wants a client certificate (kafka-metadata-quorum goes there).
        "ssl.keystore.type=PEM",
        `ssl.keystore.location=${admin.keystoreFile}`,
      ].join("\n") + "\n",
    );
    cluster = await LocalCluster.start(3, [
      "listener.security.protocol.map=PLAINTEXT:SSL,CONTROLLER:SSL",
      "ssl.keystore.type=PEM",
      `ssl.keystore.location=${server.keystoreFile}`,
      "ssl.truststore.type=PEM",
      `ssl.truststore.location=${ca.certificateFile}`,
      "listener.name.controller.ssl.client.auth=required",
      "broker.heartbeat.interval.ms=200",
    ]);
    const [n1, n2, n3] = cluster.nodes;
    const bootstrap = `127.0.0.1:${n1.port},127.0.0.1:${n2.port}`;

    // One leader, three voters, followers caught up: the quorum runs over TLS with mTLS between nodes.
    const status = await vi.waitFor(
      () => {
        const r = kafkaTool(METADATA_QUORUM_COMMAND, ["--bootstrap-controller", `127.0.0.1:${n3.controllerPort}`, "--command-config", clientProperties, "describe", "--status"]);
        expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
        return r.stdout;
      },
      { timeout: 60_000, interval: 1000 },
    );
    const leaderId = Number(/LeaderId:\s*(\d+)/.exec(status)![1]);
    expect([1, 2, 3]).toContain(leaderId);
    expect(status).toMatch(/CurrentVoters:\s*\[.*"id":\s*1.*"id":\s*2.*"id":\s*3/s);

    // Every broker registered and was unfenced (through the controller channel over TLS); a topic
    // created through a node that is not the quorum leader (forwarded to it over TLS) gets three replicas.
    const follower = cluster.nodes.find((n) => n.id !== leaderId)!;
    const created = kafkaTool(TOPICS, ["--bootstrap-server", `127.0.0.1:${follower.port}`, "--command-config", clientProperties, "--create", "--topic", "secured", "--partitions", "3", "--replication-factor", "3", "--config", "min.insync.replicas=2"]);
    expect(created.status, created.stderr).toBe(0);

    const records = 2000;
    const produced = kafkaTool(PRODUCER_PERFORMANCE, [
      "--topic", "secured", "--num-records", String(records), "--record-size", "512", "--throughput", "-1",
      "--producer-props", `bootstrap.servers=${bootstrap}`, "acks=all",
      "security.protocol=SSL", "ssl.truststore.type=PEM", `ssl.truststore.location=${ca.certificateFile}`,
    ]);
    expect(produced.status, `${produced.stdout}\n${produced.stderr}`).toBe(0);
    expect(produced.stdout).toContain(`${records} records sent`);

    // Followers fetch from the leaders over TLS: every partition's ISR is all three replicas.
    await vi.waitFor(
      () => {
        const described = kafkaTool(TOPICS, ["--bootstrap-server", `127.0.0.1:${n3.port}`, "--command-config", clientProperties, "--describe", "--topic", "secured"]);
        expect(described.status, described.stderr).toBe(0);
        const isrs = described.stdout.split("\n").filter((l) => l.includes("Partition:")).map((l) => /Isr:\s*([\d,]+)/.exec(l)![1]!.split(",").sort().join(","));
        expect(isrs).toEqual(["1,2,3", "1,2,3", "1,2,3"]);
      },
      { timeout: 30_000, interval: 1000 },
    );

    const consumed = kafkaTool(CONSOLE_CONSUMER, ["--bootstrap-server", `127.0.0.1:${n3.port}`, "--topic", "secured", "--from-beginning", "--max-messages", String(records), "--timeout-ms", "30000", "--command-config", clientProperties]);
    expect(consumed.status, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split("\n")).toHaveLength(records);

    // Nodes authenticated to each other's controller listener with their certificates.
    // (Log lines are read on this process's event loop, which the tools' spawnSync held up.)
    await vi.waitFor(() => {
      const nodeLogins = cluster!.nodes.flatMap((n) => n.process!.logs).filter((l) => l.msg === "TLS client authenticated by certificate" && l.listener === "CONTROLLER");
      expect(new Set(nodeLogins.map((l) => l.principal))).toEqual(new Set(["User:CN=127.0.0.1,O=Millrace Test", "User:CN=admin,O=Example"]));
    }, { timeout: 10_000 });
  });
});
