// A KafkaCluster node's configuration, as the reconciler writes it, on a real broker process: the
// certificates Secret's files (keystore.pem = key + certificate, the cluster CA, the clients CA),
// server.properties from serverProperties() and the init container's `storage format` arguments.
// Shows the node formats, starts with its TLS listeners (CONTROLLER and REPLICATION mTLS, SCRAM over
// TLS, mTLS against the clients CA), registers with its own controller through the authorizer (the
// node principal is a super user), answers /readyz on the health port, and the operator's
// certificate administers it over REPLICATION (creates a topic, describes the quorum).
// What differs from a Pod, because there is no Kubernetes DNS here: file paths point at a temp dir,
// the listeners bind free loopback ports, the voter and advertised addresses are 127.0.0.1, and
// hostname verification is off (the node certificate's names are Kubernetes names; pki tests them).
// Part of the cluster suite (one broker-process test at a time on a 2-core machine).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { AdminClient } from "../../broker/client/index.js";
import { runStorageCommand } from "../../broker/cli/storage-command.js";
import { parseProperties } from "../../broker/config/properties.js";
import { clusterSecret } from "../../operator/controllers/kafkacluster/cluster-secrets.js";
import { newClusterId } from "../../operator/controllers/kafkacluster/cluster-id.js";
import { CLIENTS_CA_MOUNT_PATH, NODE_CERTS_MOUNT_PATH, clientsCaCertSecretName, nodeCertsSecretName, operatorCertsSecretName } from "../../operator/controllers/kafkacluster/names.js";
import { planNodes } from "../../operator/controllers/kafkacluster/node-layout.js";
import { CONFIG_FILE, nodePod } from "../../operator/controllers/kafkacluster/node-pod.js";
import { serverProperties } from "../../operator/controllers/kafkacluster/server-properties.js";
import type { KafkaClusterSpec } from "../../operator/api/v1alpha1/kafkacluster.js";
import { desiredClusterSecrets, nodePrincipal, operatorPrincipal, PRINCIPAL_MAPPING_RULES } from "../../operator/pki/cluster-certificates.js";
import { startBroker, type BrokerProcess } from "./broker-process.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("a KafkaCluster node's generated configuration on a broker process", () => {
  const dir = mkdtempSync(join(tmpdir(), "millrace-node-config-"));
  let broker: BrokerProcess | undefined;
  let admin: AdminClient | undefined;
  afterAll(async () => {
    admin?.close();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("formats, starts its TLS listeners, registers through the authorizer, is ready, and the operator administers it", async () => {
    const spec: KafkaClusterSpec = {
      nodePools: [{ name: "all", roles: ["controller", "broker"], replicas: 1, zones: ["zone-a"], storage: { size: "1Gi" } }],
      listeners: [
        { name: "internal", port: 9093, tls: true, authentication: { type: "scram-sha-512" } },
        { name: "mtls", port: 9094, tls: true, authentication: { type: "tls" } },
      ],
      authorization: { type: "simple", superUsers: ["User:admin"] },
      config: { "offsets.topic.replication.factor": 1 },
    };
    const { nodes } = planNodes("demo", spec, []);
    const node = nodes[0]!;

    // The Secrets' files as their volumes would show them.
    const secrets = await desiredClusterSecrets({
      clusterName: "demo",
      namespace: "kafka",
      clusterCa: { validityDays: 365, renewalDays: 30 },
      clientsCa: { validityDays: 365, renewalDays: 30 },
      nodes: [{ pool: node.pool, nodeId: node.nodeId }],
      existing: () => undefined,
      now: new Date(),
    });
    const secretDir = (name: string) => join(dir, name);
    for (const d of secrets) {
      mkdirSync(secretDir(d.name));
      for (const [key, value] of Object.entries(clusterSecret("demo", "kafka", d, nodes).data ?? {})) writeFileSync(join(secretDir(d.name), key), Buffer.from(value, "base64"));
    }
    const mounted = (path: string) =>
      path.replace(NODE_CERTS_MOUNT_PATH, secretDir(nodeCertsSecretName("demo", node.pool, node.nodeId))).replace(CLIENTS_CA_MOUNT_PATH, secretDir(clientsCaCertSecretName("demo")));

    const text = serverProperties({ clusterName: "demo", namespace: "kafka", spec, node, nodes, nodePrincipal: nodePrincipal("demo"), operatorPrincipal: operatorPrincipal("demo"), principalMappingRules: PRINCIPAL_MAPPING_RULES });
    const parsed = parseProperties(text);
    if (!parsed.ok) throw new Error(`server.properties does not parse: ${parsed.error.message}`);
    const [controller, replication, internal, mtls, health] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const local: Record<string, string> = {
      "log.dirs": join(dir, "data"),
      "controller.quorum.voters": `0@127.0.0.1:${controller}`,
      listeners: `CONTROLLER://127.0.0.1:${controller},REPLICATION://127.0.0.1:${replication},INTERNAL://127.0.0.1:${internal},MTLS://127.0.0.1:${mtls}`,
      "advertised.listeners": `REPLICATION://127.0.0.1:${replication},INTERNAL://127.0.0.1:${internal},MTLS://127.0.0.1:${mtls}`,
      "ssl.endpoint.identification.algorithm": "",
      "millrace.health.port": String(health),
    };
    const properties = Object.fromEntries(parsed.value.map((e) => [e.key, local[e.key] ?? mounted(e.value)]));
    const configFile = join(dir, "server.properties");
    writeFileSync(configFile, Object.entries({ ...properties, ...local }).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");

    // The init container's arguments, with the config file's path.
    const clusterId = newClusterId();
    const pod = nodePod({ clusterName: "demo", namespace: "kafka", spec, pool: spec.nodePools[0]!, node, image: "millrace:test", version: "0.1.0", clusterId, serverProperties: text });
    const [command, ...formatArgs] = pod.spec!.initContainers![0]!.args!.map((a) => (a === CONFIG_FILE ? configFile : a));
    expect(command).toBe("storage");
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      expect(runStorageCommand(formatArgs)).toBe(0);
    } finally {
      stdout.mockRestore();
    }

    broker = await startBroker({ dataDir: join(dir, "data"), overrides: Object.entries({ ...properties, ...local }).map(([k, v]) => `${k}=${v}`) });
    const listening = broker.logs.filter((l) => l.msg === "listening").map((l) => [l.listener, l.securityProtocol]);
    expect(listening).toEqual(expect.arrayContaining([["CONTROLLER", "SSL"], ["REPLICATION", "SSL"], ["INTERNAL", "SASL_SSL"], ["MTLS", "SSL"]]));
    expect(broker.logs.some((l) => l.msg === "broker registered" && l.rack === "zone-a")).toBe(true);
    await vi.waitFor(async () => expect((await fetch(`http://127.0.0.1:${health}/readyz`)).status).toBe(200), { timeout: 20_000, interval: 200 });

    // The operator's certificate over REPLICATION: a super user.
    const operatorCerts = secretDir(operatorCertsSecretName("demo"));
    admin = new AdminClient({
      bootstrapServers: [`127.0.0.1:${replication}`],
      timeoutMs: 15_000,
      security: {
        securityProtocol: "SSL",
        tls: {
          cert: readFileSync(join(operatorCerts, "tls.crt"), "utf8"),
          key: readFileSync(join(operatorCerts, "tls.key"), "utf8"),
          ca: readFileSync(join(operatorCerts, "ca.crt"), "utf8"),
          checkServerIdentity: () => undefined,
        },
      },
    });
    await admin.createTopics([{ name: "orders", partitions: 2, replicationFactor: 1 }]);
    await vi.waitFor(async () => expect((await admin!.describeTopics(["orders"]))[0]!.partitions).toHaveLength(2), { timeout: 10_000, interval: 100 });
    const quorum = await admin.describeQuorum();
    expect(quorum.leaderId).toBe(0);
    expect(quorum.voters.map((v) => v.nodeId)).toEqual([0]);
  }, 90_000);
});
