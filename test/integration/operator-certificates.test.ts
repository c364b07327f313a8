// The operator's certificates (operator/pki) on a real broker process, configured as the
// KafkaCluster reconciler configures a node: a REPLICATION listener with the node certificate from
// desiredClusterSecrets (key store tls.key+tls.crt, trust store ca.crt, ssl.client.auth=required)
// and an mTLS client listener trusting the clients CA; PRINCIPAL_MAPPING_RULES, StandardAuthorizer,
// super.users = the node and operator principals. Shows: our AdminClient with the operator's
// certificate is that super user (it creates a topic, and grants ACLs); a KafkaUser certificate is
// `User:<username>` (logged, denied, then allowed by an ACL for exactly that name), and Kafka's Java
// console clients produce and consume with one; a certificate
// from another CA with the operator's very subject is refused; the node certificate passes Node's
// hostname verification for its Kubernetes names and fails for another; after a CA renewal the
// broker (re-reading its files) accepts certificates of both CAs while it still serves its old-CA
// certificate, so a client that trusts only the old CA still connects (the hand-over, pki/README.md).
// Part of the cluster suite (one broker-process test at a time on a 2-core machine).
import type { V1Secret } from "@kubernetes/client-node";
import { spawnSync } from "node:child_process";
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate } from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AdminClient, type ClientSecurity } from "../../broker/client/index.js";
import { createCertificateAuthority, issueCertificate } from "../../operator/pki/certificate-authority.js";
import {
  certificateAuthorityFromSecret,
  desiredClusterSecrets,
  issueUserCertificate,
  nodePrincipal,
  operatorPrincipal,
  PRINCIPAL_MAPPING_RULES,
  type ClusterCertificateInput,
  type DesiredSecret,
} from "../../operator/pki/cluster-certificates.js";
import { bootstrapServiceName, clientsCaCertSecretName, clientsCaSecretName, nodeCertsSecretName, nodeHostName, operatorCertsSecretName } from "../../operator/controllers/kafkacluster/names.js";
import { startBroker, type BrokerProcess } from "./broker-process.js";

const RUN_CLASS = resolve(import.meta.dirname, "../kafka/run-class.sh");
const CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
const CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
const STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
const CLUSTER = "demo";
const NAMESPACE = "kafka";
const DAY = 24 * 60 * 60 * 1000;
/** The name the operator reaches the cluster by (bootstrap Service), checked against the node certificate. */
const BOOTSTRAP_HOST = `${bootstrapServiceName(CLUSTER)}.${NAMESPACE}.svc`;

/** The Secrets as the API server would hold them once the reconciler applied them. */
class SecretStore {
  private readonly secrets = new Map<string, V1Secret>();
  readonly existing = (name: string): V1Secret | undefined => this.secrets.get(name);
  store(desired: DesiredSecret[]): void {
    for (const d of desired) this.secrets.set(d.name, { metadata: { name: d.name }, data: { ...d.data } });
  }
  text(name: string, key: string): string {
    const value = this.secrets.get(name)?.data?.[key];
    if (value === undefined) throw new Error(`no ${key} in Secret ${name}`);
    return Buffer.from(value, "base64").toString("utf8");
  }
}

function listenerPort(broker: BrokerProcess, name: string): number {
  const line = broker.logs.find((l) => l.msg === "listening" && l.listener === name);
  if (!line) throw new Error(`no listening line for ${name}`);
  return Number(line.port);
}

/** mTLS as the operator's admin client does it: certificate, key and trust bundle from a Secret; the broker's name checked. */
function mtls(certPem: string, keyPem: string, caPem: string): ClientSecurity {
  return {
    securityProtocol: "SSL",
    tls: { cert: certPem, key: keyPem, ca: caPem, checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(BOOTSTRAP_HOST, cert) },
  };
}

/** Completes a TLS handshake to `port` as `servername` with the given trust; resolves with the verification error, if any. */
function handshake(port: number, servername: string, ca: string, client: { cert: string; key: string }): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, servername, ca, ...client }, () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function javaTool(cls: string, args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", [RUN_CLASS, cls, ...args], { encoding: "utf8", input, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a file by rename (as a Secret volume's symlink swap replaces it), so the broker sees it whole. */
function replaceFile(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

describe("operator-managed certificates on a broker process", () => {
  const dir = mkdtempSync(join(tmpdir(), "millrace-pki-it-"));
  // The broker checks certificates against the real clock, so the cluster's CAs are made 340 days
  // ago: they are valid now, and now is within their 30-day renewal window.
  const created = new Date(Date.now() - 340 * DAY);
  const store = new SecretStore();
  const input = (at: Date): ClusterCertificateInput => ({
    clusterName: CLUSTER,
    namespace: NAMESPACE,
    clusterCa: { validityDays: 365, renewalDays: 30 },
    clientsCa: { validityDays: 365, renewalDays: 30 },
    nodes: [{ pool: "a", nodeId: 0 }],
    existing: store.existing,
    now: at,
  });
  const nodeSecret = nodeCertsSecretName(CLUSTER, "a", 0);
  const files = { keystore: join(dir, "keystore.pem"), truststore: join(dir, "ca.crt"), clientsCa: join(dir, "clients-ca.crt") };
  const writeNodeFiles = (): void => {
    replaceFile(files.keystore, store.text(nodeSecret, "tls.key") + store.text(nodeSecret, "tls.crt"));
    replaceFile(files.truststore, store.text(nodeSecret, "ca.crt"));
    replaceFile(files.clientsCa, store.text(clientsCaCertSecretName(CLUSTER), "ca.crt"));
  };
  const operatorSecurity = (): ClientSecurity =>
    mtls(store.text(operatorCertsSecretName(CLUSTER), "tls.crt"), store.text(operatorCertsSecretName(CLUSTER), "tls.key"), store.text(operatorCertsSecretName(CLUSTER), "ca.crt"));
  const admins: AdminClient[] = [];
  const adminClient = (port: number, security: ClientSecurity, timeoutMs = 20_000): AdminClient => {
    const admin = new AdminClient({ bootstrapServers: [`127.0.0.1:${port}`], security, timeoutMs, clientId: "pki-it" });
    admins.push(admin);
    return admin;
  };
  let broker: BrokerProcess | undefined;
  let replicationPort: number;
  let clientsPort: number;

  beforeAll(async () => {
    store.store(await desiredClusterSecrets(input(created)));
    writeNodeFiles();
    broker = await startBroker({
      overrides: [
        // PLAINTEXT stays the (unused, single-node) inter-broker listener; its User:ANONYMOUS has no rights.
        "listeners=PLAINTEXT://127.0.0.1:0,REPLICATION://127.0.0.1:0,CLIENTS://127.0.0.1:0",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,REPLICATION:SSL,CLIENTS:SSL,CONTROLLER:PLAINTEXT",
        "ssl.keystore.type=PEM",
        `ssl.keystore.location=${files.keystore}`,
        "ssl.truststore.type=PEM",
        `ssl.truststore.location=${files.truststore}`,
        "ssl.client.auth=required",
        `listener.name.clients.ssl.truststore.location=${files.clientsCa}`,
        `ssl.principal.mapping.rules=${PRINCIPAL_MAPPING_RULES}`,
        `authorizer.class.name=${STANDARD_AUTHORIZER}`,
        `super.users=${nodePrincipal(CLUSTER)};${operatorPrincipal(CLUSTER)}`,
        "num.partitions=1",
      ],
    });
    replicationPort = listenerPort(broker, "REPLICATION");
    clientsPort = listenerPort(broker, "CLIENTS");
  });
  afterAll(async () => {
    for (const admin of admins) admin.close();
    await broker?.stop();
  });

  it("the operator's admin client is the super user: it creates a topic over REPLICATION", async () => {
    const admin = adminClient(replicationPort, operatorSecurity());
    const created = await admin.createTopics([{ name: "operator-made", partitions: 1, replicationFactor: 1 }]);
    expect(created.map((t) => t.name)).toEqual(["operator-made"]);
    expect(await admin.listTopics()).toContain("operator-made");
    const authenticated = broker!.logs.filter((l) => l.msg === "TLS client authenticated by certificate" && l.listener === "REPLICATION");
    expect(authenticated.length).toBeGreaterThan(0);
    for (const line of authenticated) {
      expect(line.principal).toBe(operatorPrincipal(CLUSTER));
      expect(line.subject).toBe("CN=demo-operator,O=millrace.dev");
    }
  });

  it("a KafkaUser certificate from the clients CA is User:<username>: denied, then allowed by an ACL for that name", async () => {
    const clientsCa = certificateAuthorityFromSecret(store.existing(clientsCaSecretName(CLUSTER)))!;
    expect(clientsCa).toBeDefined();
    const alice = await issueUserCertificate(clientsCa, "alice", 30, new Date());
    // The clients listener serves the node certificate: the user trusts the cluster CA bundle.
    const aliceAdmin = adminClient(clientsPort, mtls(alice.certPem, alice.keyPem, store.text(operatorCertsSecretName(CLUSTER), "ca.crt")), 10_000);
    await expect(aliceAdmin.createTopics([{ name: "alice-topic", partitions: 1, replicationFactor: 1 }])).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
    const authenticated = broker!.logs.filter((l) => l.msg === "TLS client authenticated by certificate" && l.listener === "CLIENTS");
    expect(authenticated.map((l) => [l.principal, l.subject])).toContainEqual(["User:alice", "CN=alice"]);
    // (The broker's log lines arrive through a pipe: wait for the denial's.)
    await vi.waitFor(() => expect(broker!.logs.some((l) => l.msg === "authorization denied" && l.principal === "User:alice")).toBe(true), { timeout: 10_000 });

    const operator = adminClient(replicationPort, operatorSecurity());
    await operator.createAcls([{ resourceType: "TOPIC", resourceName: "alice-", patternType: "PREFIXED", principal: "User:alice", host: "*", operation: "CREATE", permission: "ALLOW" }]);
    await vi.waitFor(async () => expect((await aliceAdmin.createTopics([{ name: "alice-topic", partitions: 1, replicationFactor: 1 }])).map((t) => t.name)).toEqual(["alice-topic"]), { timeout: 15_000, interval: 250 });
  });

  it("Kafka's Java console producer and consumer connect with a KafkaUser's certificate and the cluster CA bundle", async () => {
    const clientsCa = certificateAuthorityFromSecret(store.existing(clientsCaSecretName(CLUSTER)))!;
    const bob = await issueUserCertificate(clientsCa, "bob", 30, new Date());
    const operator = adminClient(replicationPort, operatorSecurity());
    await operator.createTopics([{ name: "bob-topic", partitions: 1, replicationFactor: 1 }]);
    await operator.createAcls([
      { resourceType: "TOPIC", resourceName: "bob-topic", patternType: "LITERAL", principal: "User:bob", host: "*", operation: "WRITE", permission: "ALLOW" },
      { resourceType: "TOPIC", resourceName: "bob-topic", patternType: "LITERAL", principal: "User:bob", host: "*", operation: "READ", permission: "ALLOW" },
      { resourceType: "GROUP", resourceName: "bob-readers", patternType: "LITERAL", principal: "User:bob", host: "*", operation: "READ", permission: "ALLOW" },
    ]);
    // What a KafkaUser's application would mount: its key and certificate (one PEM key store), the cluster CA bundle.
    const keystore = join(dir, "bob.keystore.pem");
    const truststore = join(dir, "bob.truststore.pem");
    writeFileSync(keystore, bob.keyPem + bob.certPem, { mode: 0o600 });
    writeFileSync(truststore, store.text(`${CLUSTER}-cluster-ca-cert`, "ca.crt"));
    const properties = join(dir, "bob.properties");
    writeFileSync(
      properties,
      [
        "security.protocol=SSL",
        "ssl.keystore.type=PEM",
        `ssl.keystore.location=${keystore}`,
        "ssl.truststore.type=PEM",
        `ssl.truststore.location=${truststore}`,
        // The test reaches the node as 127.0.0.1, which is not among its names (Node's checks above cover hostname verification).
        "ssl.endpoint.identification.algorithm=",
      ].join("\n") + "\n",
    );
    const bootstrap = `127.0.0.1:${clientsPort}`;
    const produced = javaTool(CONSOLE_PRODUCER, ["--bootstrap-server", bootstrap, "--topic", "bob-topic", "--command-config", properties], "one\ntwo\n");
    expect(produced.status, produced.stderr).toBe(0);
    const consumed = javaTool(CONSOLE_CONSUMER, ["--bootstrap-server", bootstrap, "--topic", "bob-topic", "--group", "bob-readers", "--from-beginning", "--max-messages", "2", "--timeout-ms", "30000", "--command-config", properties]);
    expect(consumed.status, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split("\n")).toEqual(["one", "two"]);
    await vi.waitFor(() => expect(broker!.logs.some((l) => l.msg === "TLS client authenticated by certificate" && l.listener === "CLIENTS" && l.principal === "User:bob")).toBe(true), { timeout: 10_000 });
  });

  it("refuses a certificate from another CA, even with the operator's subject", async () => {
    const impostorCa = await createCertificateAuthority(`${CLUSTER}-cluster-ca v0`, 30, new Date());
    const impostor = await issueCertificate(impostorCa, { subject: "CN=demo-operator,O=millrace.dev", usage: "client", validityDays: 10 }, new Date());
    const failedBefore = broker!.logs.filter((l) => l.msg === "TLS handshake failed: connection closed").length;
    const admin = adminClient(replicationPort, mtls(impostor.certPem, impostor.keyPem, store.text(operatorCertsSecretName(CLUSTER), "ca.crt")), 3_000);
    await expect(admin.createTopics([{ name: "impostor-topic", partitions: 1, replicationFactor: 1 }])).rejects.toThrow();
    await vi.waitFor(() => expect(broker!.logs.filter((l) => l.msg === "TLS handshake failed: connection closed" && l.listener === "REPLICATION").length).toBeGreaterThan(failedBefore), { timeout: 10_000 });
    const operator = adminClient(replicationPort, operatorSecurity());
    expect(await operator.listTopics()).not.toContain("impostor-topic");
  });

  it("the node certificate passes hostname verification for its Kubernetes names and fails for another", async () => {
    const client = { cert: store.text(operatorCertsSecretName(CLUSTER), "tls.crt"), key: store.text(operatorCertsSecretName(CLUSTER), "tls.key") };
    const ca = store.text(operatorCertsSecretName(CLUSTER), "ca.crt");
    for (const name of [nodeHostName(CLUSTER, "a", 0, NAMESPACE), `${nodeHostName(CLUSTER, "a", 0, NAMESPACE)}.cluster.local`, BOOTSTRAP_HOST, `${BOOTSTRAP_HOST}.cluster.local`, bootstrapServiceName(CLUSTER)]) {
      expect(await handshake(replicationPort, name, ca, client), name).toBeUndefined();
    }
    expect(await handshake(replicationPort, "demo-a-0.other.svc", ca, client)).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    // The trust is the cluster CA: the clients CA does not vouch for the node.
    expect(await handshake(replicationPort, BOOTSTRAP_HOST, store.text(clientsCaCertSecretName(CLUSTER), "ca.crt"), client)).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/);
  });

  it("after a CA renewal the broker trusts both CAs, and clients that trust only the old CA still connect", async () => {
    const oldOperator = operatorSecurity();
    const oldCa = store.text(`${CLUSTER}-cluster-ca`, "tls.crt");
    const renewal = await desiredClusterSecrets(input(new Date()));
    expect(renewal.find((s) => s.name === `${CLUSTER}-cluster-ca`)?.reason).toBe("renewed");
    store.store(renewal);
    const newCa = certificateAuthorityFromSecret(store.existing(`${CLUSTER}-cluster-ca`))!;
    expect(newCa.certPem).not.toBe(oldCa);
    const newOperator = await issueCertificate(newCa, { subject: "CN=demo-operator,O=millrace.dev", usage: "client", validityDays: 10 }, new Date());
    const newOperatorSecurity = mtls(newOperator.certPem, newOperator.keyPem, store.text(operatorCertsSecretName(CLUSTER), "ca.crt"));
    // Before the node's files change, the broker does not know the new CA.
    await expect(adminClient(replicationPort, newOperatorSecurity, 3_000).listTopics()).rejects.toThrow();

    const reloadsBefore = broker!.logs.filter((l) => String(l.msg).startsWith("TLS key store or trust store changed")).length;
    writeNodeFiles();
    await vi.waitFor(() => expect(broker!.logs.filter((l) => String(l.msg).startsWith("TLS key store or trust store changed")).length).toBeGreaterThan(reloadsBefore), { timeout: 15_000, interval: 250 });
    // A certificate of the new CA is accepted now: the broker re-read its trust bundle (new + old).
    const newClient = adminClient(replicationPort, newOperatorSecurity);
    await vi.waitFor(async () => expect(await newClient.listTopics()).toContain("operator-made"), { timeout: 15_000, interval: 500 });
    // The node keeps its old-CA certificate until the hand-over: a client that trusts only the old CA connects.
    expect(oldOperator.tls?.ca).toBe(oldCa);
    expect(await adminClient(replicationPort, oldOperator).listTopics()).toContain("operator-made");
  });
});
