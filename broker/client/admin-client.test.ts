// The admin client against an in-process broker with real listeners: every call over a socket,
// the broker's own handlers answering.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metadataHandler } from "../handlers/03-metadata.js";
import { saslHandshakeHandler } from "../handlers/17-sasl-handshake.js";
import { apiVersionsHandler } from "../handlers/18-api-versions.js";
import { createTopicsHandler } from "../handlers/19-create-topics.js";
import { deleteTopicsHandler } from "../handlers/20-delete-topics.js";
import { describeAclsHandler } from "../handlers/29-describe-acls.js";
import { createAclsHandler } from "../handlers/30-create-acls.js";
import { deleteAclsHandler } from "../handlers/31-delete-acls.js";
import { describeConfigsHandler } from "../handlers/32-describe-configs.js";
import { saslAuthenticateHandler } from "../handlers/36-sasl-authenticate.js";
import { createPartitionsHandler } from "../handlers/37-create-partitions.js";
import { incrementalAlterConfigsHandler } from "../handlers/44-incremental-alter-configs.js";
import { describeClientQuotasHandler } from "../handlers/48-describe-client-quotas.js";
import { alterClientQuotasHandler } from "../handlers/49-alter-client-quotas.js";
import { describeUserScramCredentialsHandler } from "../handlers/50-describe-user-scram-credentials.js";
import { alterUserScramCredentialsHandler } from "../handlers/51-alter-user-scram-credentials.js";
import { startConnectionHarness, type ConnectionHarness } from "../network/connection-test-harness.js";
import { Listener } from "../network/listener.js";
import { STANDARD_AUTHORIZER_CLASS } from "../security/authorizer/authorizer-settings.js";
import { AdminClient } from "./admin-client.js";
import { ClusterUnreachableError, type ClusterConnections } from "./cluster-connections.js";
import { KafkaAdminError } from "./kafka-admin-error.js";
import { KafkaConnection } from "./kafka-connection.js";
import { METADATA } from "./admin-calls.js";

const HANDLERS = [
  metadataHandler,
  saslHandshakeHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  describeAclsHandler,
  createAclsHandler,
  deleteAclsHandler,
  describeConfigsHandler,
  saslAuthenticateHandler,
  createPartitionsHandler,
  incrementalAlterConfigsHandler,
  describeClientQuotasHandler,
  alterClientQuotasHandler,
  describeUserScramCredentialsHandler,
  alterUserScramCredentialsHandler,
];

let h: ConnectionHarness;
let saslListener: Listener;
let saslPort: number;
let admin: AdminClient;

beforeAll(async () => {
  h = await startConnectionHarness(HANDLERS, {
    listeners: "PLAINTEXT://127.0.0.1:9092,SASL_PLAINTEXT://127.0.0.1:9093",
    "sasl.enabled.mechanisms": "SCRAM-SHA-256",
    // ACL calls need an authorizer; the plaintext admin (ANONYMOUS) is a super user so that the ACLs it creates deny it nothing.
    "authorizer.class.name": STANDARD_AUTHORIZER_CLASS,
    "super.users": "User:ANONYMOUS",
  });
  saslListener = new Listener({ name: "SASL_PLAINTEXT", host: "127.0.0.1", port: 0, securityProtocol: "SASL_PLAINTEXT" }, h.broker.services, pino({ level: "silent" }));
  saslPort = await saslListener.listen();
  admin = new AdminClient({ bootstrapServers: [`127.0.0.1:${h.port}`], timeoutMs: 2000 });
});

afterAll(async () => {
  admin?.close();
  await saslListener?.close();
  await h?.close();
});

async function adminError(promise: Promise<unknown>): Promise<KafkaAdminError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KafkaAdminError);
  return err as KafkaAdminError;
}

describe("topics", () => {
  it("creates, lists, describes, grows and deletes a topic", async () => {
    const [created] = await admin.createTopics([{ name: "orders", partitions: 2, replicationFactor: 1, configs: { "retention.ms": "60000" } }]);
    expect(created).toMatchObject({ name: "orders", partitions: 2, replicationFactor: 1 });
    expect(await admin.listTopics()).toContain("orders");

    const [described] = await admin.describeTopics(["orders"]);
    expect(described.topicId).toBe(created.topicId);
    expect(described.partitions.map((p) => ({ partition: p.partition, replicas: p.replicas }))).toEqual([
      { partition: 0, replicas: [1] },
      { partition: 1, replicas: [1] },
    ]);

    await admin.createPartitions([{ topic: "orders", totalCount: 4 }]);
    expect((await admin.describeTopics(["orders"]))[0].partitions).toHaveLength(4);

    await admin.deleteTopics(["orders"]);
    expect(await admin.listTopics()).not.toContain("orders");
  });

  it("validateOnly creates nothing", async () => {
    await admin.createTopics([{ name: "dry-run", partitions: 1, replicationFactor: 1 }], { validateOnly: true });
    expect(await admin.listTopics()).not.toContain("dry-run");
  });

  it("maps Kafka's errors to KafkaAdminError with the error name", async () => {
    await admin.createTopics([{ name: "twice", partitions: 1, replicationFactor: 1 }]);
    const exists = await adminError(admin.createTopics([{ name: "twice", partitions: 1, replicationFactor: 1 }]));
    expect(exists).toMatchObject({ errorName: "TOPIC_ALREADY_EXISTS", code: 36 });
    expect(exists.message).toContain("topic twice");

    const shrink = await adminError(admin.createPartitions([{ topic: "twice", totalCount: 1 }]));
    expect(shrink.errorName).toBe("INVALID_PARTITIONS");

    expect((await adminError(admin.describeTopics(["no-such-topic"]))).errorName).toBe("UNKNOWN_TOPIC_OR_PARTITION");
    expect((await adminError(admin.deleteTopics(["no-such-topic"]))).errorName).toBe("UNKNOWN_TOPIC_OR_PARTITION");
  });
});

describe("topic configs", () => {
  it("sets and deletes a topic config, flagging topic overrides", async () => {
    await admin.createTopics([{ name: "configured", partitions: 1, replicationFactor: 1, configs: { "cleanup.policy": "compact" } }]);
    await admin.incrementalAlterTopicConfigs("configured", [{ op: "SET", name: "retention.ms", value: "120000" }]);
    let overrides = (await admin.describeTopicConfigs("configured")).filter((c) => c.isTopicOverride);
    expect(Object.fromEntries(overrides.map((c) => [c.name, c.value]))).toEqual({ "cleanup.policy": "compact", "retention.ms": "120000" });

    await admin.incrementalAlterTopicConfigs("configured", [{ op: "DELETE", name: "cleanup.policy" }]);
    const all = await admin.describeTopicConfigs("configured");
    overrides = all.filter((c) => c.isTopicOverride);
    expect(overrides.map((c) => c.name)).toEqual(["retention.ms"]);
    expect(all.find((c) => c.name === "cleanup.policy")).toMatchObject({ value: "delete", isTopicOverride: false, source: "DEFAULT_CONFIG" });
  });

  it("rejects an unknown topic", async () => {
    const err = await adminError(admin.describeTopicConfigs("missing"));
    expect(err.errorName).toBe("UNKNOWN_TOPIC_OR_PARTITION");
  });
});

describe("SCRAM users", () => {
  it("upserts a credential that then logs in over SASL, and deletes it", async () => {
    await admin.alterUserScramCredentials([{ op: "UPSERT", user: "alice", mechanism: "SCRAM-SHA-256", password: "alice-secret", iterations: 4096 }]);
    expect(await admin.describeUserScramCredentials(["alice"])).toEqual([{ user: "alice", credentials: [{ mechanism: "SCRAM-SHA-256", iterations: 4096 }] }]);

    const conn = await KafkaConnection.connect("127.0.0.1", saslPort, {
      clientId: "scram-login",
      timeoutMs: 2000,
      security: { securityProtocol: "SASL_PLAINTEXT", sasl: { mechanism: "SCRAM-SHA-256", username: "alice", password: "alice-secret" } },
    });
    try {
      const metadata = await conn.send(METADATA, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }, 2000);
      expect(metadata.brokers.length).toBe(1);
    } finally {
      conn.close();
    }

    await admin.alterUserScramCredentials([{ op: "DELETE", user: "alice", mechanism: "SCRAM-SHA-256" }]);
    expect((await adminError(admin.describeUserScramCredentials(["alice"]))).errorName).toBe("RESOURCE_NOT_FOUND");
  });
});

describe("ACLs", () => {
  it("creates, describes and deletes an ACL", async () => {
    const binding = {
      resourceType: "TOPIC",
      resourceName: "payments",
      patternType: "LITERAL",
      principal: "User:alice",
      host: "*",
      operation: "READ",
      permission: "ALLOW",
    } as const;
    await admin.createAcls([binding]);
    const filter = { ...binding, resourceType: "ANY", resourceName: null, patternType: "ANY", host: null, operation: "ANY", permission: "ANY" } as const;
    expect(await admin.describeAcls(filter)).toEqual([binding]);
    expect(await admin.deleteAcls([filter])).toEqual([binding]);
    expect(await admin.describeAcls(filter)).toEqual([]);
  });
});

describe("client quotas", () => {
  it("sets, describes and removes a user quota", async () => {
    await admin.alterClientQuotas([{ entity: { user: "bob" }, quotas: { producer_byte_rate: 1048576 } }]);
    expect(await admin.describeClientQuotas([{ entityType: "user", name: "bob" }])).toEqual([{ entity: { user: "bob" }, quotas: { producer_byte_rate: 1048576 } }]);
    await admin.alterClientQuotas([{ entity: { user: "bob" }, quotas: { producer_byte_rate: null } }]);
    expect(await admin.describeClientQuotas([{ entityType: "user", name: "bob" }])).toEqual([]);
  });
});

describe("connections", () => {
  it("fails with ClusterUnreachableError when no bootstrap broker answers", async () => {
    const lonely = new AdminClient({ bootstrapServers: ["127.0.0.1:1"], timeoutMs: 300 });
    try {
      await expect(lonely.listTopics()).rejects.toBeInstanceOf(ClusterUnreachableError);
    } finally {
      lonely.close();
    }
  });

  it("fails at once with authenticationFailed when the broker refuses the SASL credentials", async () => {
    const intruder = new AdminClient({
      bootstrapServers: [`127.0.0.1:${saslPort}`],
      timeoutMs: 5000,
      security: { securityProtocol: "SASL_PLAINTEXT", sasl: { mechanism: "SCRAM-SHA-256", username: "mallory", password: "guess" } },
    });
    const started = Date.now();
    try {
      const err = await intruder.listTopics().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterUnreachableError);
      expect((err as ClusterUnreachableError).authenticationFailed).toBe(true);
      // Not retried until the 5 s timeout: wrong credentials stay wrong.
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      intruder.close();
    }
  });

  it("learns the cluster's brokers and controller from Metadata", async () => {
    const client = new AdminClient({ bootstrapServers: [`127.0.0.1:${h.port}`], timeoutMs: 2000 });
    try {
      await client.listTopics();
      const cluster = (client as unknown as { cluster: ClusterConnections }).cluster;
      expect([...cluster.knownBrokers.keys()]).toEqual([1]);
      expect(cluster.knownControllerId).toBe(1);
    } finally {
      client.close();
    }
  });

  it("reconnects after its connection closes", async () => {
    const client = new AdminClient({ bootstrapServers: [`127.0.0.1:${h.port}`], timeoutMs: 2000 });
    try {
      await client.listTopics();
      (client as unknown as { cluster: { connections: Map<string, KafkaConnection> } }).cluster.connections.forEach((c) => c.close());
      expect(Array.isArray(await client.listTopics())).toBe(true);
    } finally {
      client.close();
    }
  });
});
