// Our admin client (broker/client) against three `millrace broker` processes: calls sent to a
// broker that is not the controller are forwarded, and when that broker is killed the client
// moves to a broker it learned from Metadata.
import { afterAll, describe, expect, it, vi } from "vitest";
import { AdminClient } from "../../broker/client/index.js";
import { LocalCluster } from "./local-cluster.js";

describe("admin client against a three-broker cluster", () => {
  let cluster: LocalCluster | undefined;
  let admin: AdminClient | undefined;
  afterAll(async () => {
    admin?.close();
    await cluster?.close();
  });

  it("manages a topic and a SCRAM user through a non-controller broker, describes the quorum, and survives that broker's kill", async () => {
    cluster = await LocalCluster.start(3, ["broker.heartbeat.interval.ms=200", "broker.session.timeout.ms=2000"]);
    const leader = await cluster.quorumLeader();
    const follower = cluster.nodes.find((n) => n.id !== leader.node.id)!;
    admin = new AdminClient({ bootstrapServers: [`127.0.0.1:${follower.port}`], timeoutMs: 15_000 });

    // All three brokers must be registered before a replication factor of 3 can be placed.
    await vi.waitFor(async () => {
      const [created] = await admin!.createTopics([{ name: "managed", partitions: 3, replicationFactor: 3 }], { validateOnly: true });
      expect(created.replicationFactor).toBe(3);
    }, { timeout: 15_000, interval: 200 });
    const [created] = await admin.createTopics([{ name: "managed", partitions: 3, replicationFactor: 3, configs: { "retention.ms": "3600000" } }]);
    const described = await vi.waitFor(async () => (await admin!.describeTopics(["managed"]))[0], { timeout: 10_000, interval: 100 });
    expect(described.topicId).toBe(created.topicId);
    for (const p of described.partitions) expect([...p.replicas].sort()).toEqual([1, 2, 3]);

    await admin.incrementalAlterTopicConfigs("managed", [{ op: "SET", name: "retention.ms", value: "7200000" }]);
    await vi.waitFor(async () => {
      const overrides = (await admin!.describeTopicConfigs("managed")).filter((c) => c.isTopicOverride);
      expect(overrides.map((c) => [c.name, c.value])).toEqual([["retention.ms", "7200000"]]);
    }, { timeout: 10_000, interval: 100 });

    await admin.alterUserScramCredentials([{ op: "UPSERT", user: "alice", mechanism: "SCRAM-SHA-512", password: "alice-secret" }]);
    await vi.waitFor(async () => expect(await admin!.describeUserScramCredentials(["alice"])).toEqual([{ user: "alice", credentials: [{ mechanism: "SCRAM-SHA-512", iterations: 4096 }] }]), {
      timeout: 10_000,
      interval: 100,
    });

    // The quorum, forwarded by a broker that does not lead it.
    const quorum = await admin.describeQuorum();
    expect(quorum.leaderId).toBe(leader.node.id);
    expect(quorum.leaderEpoch).toBeGreaterThan(0);
    expect(quorum.voters.map((v) => v.nodeId).sort()).toEqual([1, 2, 3]);

    // The bootstrap broker dies: the next call goes to a broker learned from Metadata.
    await cluster.kill(follower.id);
    await admin.createPartitions([{ topic: "managed", totalCount: 4 }]);
    await vi.waitFor(async () => expect((await admin!.describeTopics(["managed"]))[0].partitions).toHaveLength(4), { timeout: 10_000, interval: 100 });
    await admin.deleteTopics(["managed"]);
    await vi.waitFor(async () => expect(await admin!.listTopics()).not.toContain("managed"), { timeout: 10_000, interval: 100 });
  }, 90_000);
});
