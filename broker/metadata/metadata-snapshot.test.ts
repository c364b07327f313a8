import { readdirSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import type { Uuid } from "../protocol/primitives.js";
import { imageToRecords } from "./image-records.js";
import { CONFIG_RESOURCE_BROKER, CONFIG_RESOURCE_TOPIC, MetadataImage } from "./metadata-image.js";
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from "./metadata-records.js";
import { MetadataStore } from "./metadata-store.js";
import { singleNodeQuorumOptions } from "./quorum-options.js";
import { METADATA_PARTITION_DIR } from "./raft/metadata-log-store.js";
import { buildSnapshot, readSnapshot } from "./raft/snapshot-file.js";

const T1 = "AAAAAAAAAAAAAAAAAAAAAg" as Uuid;
const T2 = "AAAAAAAAAAAAAAAAAAAAAw" as Uuid;

const A1 = "AAAAAAAAAAAAAAAAAAAABA" as Uuid;
const A2 = "AAAAAAAAAAAAAAAAAAAABQ" as Uuid;

function scram(name: string, mechanism: number): MetadataRecord {
  const bytes = (n: number) => Buffer.alloc(8, n + mechanism);
  return { type: "userScramCredential", record: { name, mechanism, salt: bytes(1), storedKey: bytes(2), serverKey: bytes(3), iterations: 4096 } };
}

function acl(id: Uuid, principal: string): MetadataRecord {
  return { type: "accessControlEntry", record: { id, resourceType: 2, resourceName: "orders", patternType: 3, principal, host: "*", operation: 3, permissionType: 3 } };
}

function quota(entity: { entityType: string; entityName: string | null }[], key: string, value: number, remove: boolean): MetadataRecord {
  return { type: "clientQuota", record: { entity, key, value, remove } };
}

/** An image holding every kind of state the image keeps, built by applying records. */
function richImage(): MetadataImage {
  const image = new MetadataImage();
  const partition = (topicId: Uuid, partitionId: number, replicas: number[]): MetadataRecord => ({
    type: "partition",
    record: {
      partitionId, topicId, replicas, isr: replicas, removingReplicas: [], addingReplicas: [], leader: replicas[0]!,
      leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0, directories: [], eligibleLeaderReplicas: null, lastKnownElr: null,
    },
  });
  const broker = (brokerId: number, rack: string | null): MetadataRecord => ({
    type: "registerBroker",
    record: {
      brokerId, isMigratingZkBroker: false, incarnationId: `AAAAAAAAAAAAAAAAAAAA${brokerId}A` as Uuid, brokerEpoch: BigInt(brokerId * 10),
      endPoints: [{ name: "PLAINTEXT", host: "127.0.0.1", port: 9090 + brokerId, securityProtocol: 0 }], features: [], rack,
      fenced: true, inControlledShutdown: false, logDirs: [],
    },
  });
  const records: MetadataRecord[] = [
    broker(1, "zone-a"),
    broker(2, null),
    broker(3, "zone-c"),
    { type: "unfenceBroker", record: { id: 1, epoch: 10n } },
    { type: "unfenceBroker", record: { id: 2, epoch: 20n } },
    { type: "brokerRegistrationChange", record: { brokerId: 2, brokerEpoch: 20n, fenced: 0, inControlledShutdown: 1, logDirs: [] } },
    { type: "topic", record: { name: "orders", topicId: T1 } },
    partition(T1, 0, [1, 2, 3]),
    partition(T1, 1, [2, 3, 1]),
    { type: "partitionChange", record: { topicId: T1, partitionId: 0, isr: [1, 3], leader: 3, replicas: null, removingReplicas: null, addingReplicas: null, leaderRecoveryState: -1, directories: null, eligibleLeaderReplicas: null, lastKnownElr: null } },
    { type: "partitionChange", record: { topicId: T1, partitionId: 1, isr: null, leader: -2, replicas: [2, 3, 1, 4], removingReplicas: [1], addingReplicas: [4], leaderRecoveryState: -1, directories: null, eligibleLeaderReplicas: null, lastKnownElr: null } },
    { type: "config", record: { resourceType: CONFIG_RESOURCE_TOPIC, resourceName: "orders", name: "retention.ms", value: "1000" } },
    { type: "config", record: { resourceType: CONFIG_RESOURCE_TOPIC, resourceName: "orders", name: "cleanup.policy", value: "compact" } },
    { type: "topic", record: { name: "gone", topicId: T2 } },
    partition(T2, 0, [1]),
    { type: "removeTopic", record: { topicId: T2 } },
    { type: "config", record: { resourceType: CONFIG_RESOURCE_BROKER, resourceName: "", name: "log.retention.ms", value: "5000" } },
    { type: "config", record: { resourceType: CONFIG_RESOURCE_BROKER, resourceName: "2", name: "log.cleaner.threads", value: "2" } },
    { type: "producerIds", record: { brokerId: 1, brokerEpoch: 10n, nextProducerId: 3000n } },
    scram("alice", 1),
    scram("alice", 2),
    scram("bob", 2),
    { type: "removeUserScramCredential", record: { name: "bob", mechanism: 2 } },
    scram("carol", 1),
    { type: "removeUserScramCredential", record: { name: "carol", mechanism: 2 } },
    acl(A1, "User:alice"),
    acl(A2, "User:bob"),
    { type: "removeAccessControlEntry", record: { id: A2 } },
    quota([{ entityType: "user", entityName: "alice" }, { entityType: "client-id", entityName: null }], "producer_byte_rate", 1024, false),
    quota([{ entityType: "client-id", entityName: null }, { entityType: "user", entityName: "alice" }], "consumer_byte_rate", 2048, false),
    quota([{ entityType: "user", entityName: null }], "request_percentage", 50, false),
    quota([{ entityType: "user", entityName: null }], "request_percentage", 0, true),
  ];
  for (const r of records) image.apply(decodeMetadataRecord(encodeMetadataRecord(r))!);
  return image;
}

/** The image as plain data, for comparing two images. */
function plain(image: MetadataImage) {
  return {
    topics: [...image.topicsById.values()].map((t) => ({ ...t, configs: [...t.configs] })),
    byName: [...image.topicsByName.keys()].sort(),
    brokers: [...image.brokers.values()],
    brokerConfigs: [...image.brokerConfigs].filter(([, c]) => c.size > 0).map(([k, c]) => [k, [...c]]),
    nextProducerId: image.nextProducerId,
    scram: [...image.scramCredentials].map(([name, byMechanism]) => [name, [...byMechanism.values()]]),
    acls: [...image.acls.values()],
    quotas: [...image.clientQuotas].map(([key, q]) => [key, q.entity, [...q.values]]),
  };
}

describe("metadata snapshots", () => {
  it("an image written as a snapshot and read back is the same image", () => {
    const image = richImage();
    // The state is really there (not an empty round trip).
    expect(image.topicsById.get(T1)!.partitions[0]).toMatchObject({ leader: 3, leaderEpoch: 1, partitionEpoch: 1, isr: [1, 3] });
    expect(image.topicsById.get(T1)!.partitions[1]).toMatchObject({ addingReplicas: [4], removingReplicas: [1], partitionEpoch: 1 });
    expect(image.brokers.get(2)).toMatchObject({ fenced: false, inControlledShutdown: true });
    expect(image.brokers.get(3)!.fenced).toBe(true);
    expect([...image.scramCredentials.keys()]).toEqual(["alice", "carol"]);
    expect([...image.scramCredentials.get("alice")!.keys()]).toEqual([1, 2]);
    expect([...image.acls.keys()]).toEqual([A1]);
    expect(image.clientQuotas.size).toBe(1);
    expect([...[...image.clientQuotas.values()][0]!.values]).toEqual([["producer_byte_rate", 1024], ["consumer_byte_rate", 2048]]);

    const bytes = buildSnapshot({ offset: 100n, epoch: 3 }, imageToRecords(image).map(encodeMetadataRecord), 42n, 0);
    const loaded = new MetadataImage();
    loaded.apply({ type: "topic", record: { name: "stale", topicId: T2 } });
    loaded.clear();
    for (const v of readSnapshot(bytes).values) loaded.apply(decodeMetadataRecord(v)!);
    expect(plain(loaded)).toEqual(plain(image));
    expect(new Set(imageToRecords(image).map((r) => r.type))).toEqual(new Set(["producerIds", "registerBroker", "config", "topic", "partition", "userScramCredential", "accessControlEntry", "clientQuota"]));
  });

  it("a node snapshots after enough committed bytes, drops the log's front, and restarts from its snapshot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-meta-snap-"));
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
    const opts = { ...singleNodeQuorumOptions(1, "snapshot-test", dir, logger), snapshotMaxBytes: 2048, retentionBytes: 0, segmentBytes: 1024 };
    const store = await MetadataStore.openReady(opts);
    for (let i = 0; i < 40; i++) {
      const t = await store.createTopic(`t${i}`, [[1], [1]], new Map([["retention.ms", String(i)]]));
      if (i % 3 === 0) await store.deleteTopic(t);
    }
    const before = plain(store.image);
    expect(store.quorum.latestSnapshotId).toBeDefined();
    expect(store.quorum.logStartOffset).toBeGreaterThan(0n);
    expect(lines.some((l) => l.msg === "metadata snapshot written" && l.reason === "bytes")).toBe(true);
    await store.close();
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(lines.some((l) => l.msg === "segment deleted")).toBe(true);
    const files = readdirSync(join(dir, METADATA_PARTITION_DIR));
    expect(files.filter((f) => f.endsWith(".checkpoint")).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.endsWith(".checkpoint")).length).toBeLessThanOrEqual(3);

    lines.length = 0;
    const reopened = await MetadataStore.openReady(opts);
    const loadedLine = lines.find((l) => l.msg === "metadata image loaded from a snapshot");
    expect(loadedLine).toMatchObject({ source: "start-up" });
    expect(Number(loadedLine!.snapshotOffset)).toBeGreaterThan(0);
    expect(plain(reopened.image)).toEqual(before);
    // The restarted node goes on writing on top of the loaded image.
    await reopened.createTopic("after-restart", [[1]], new Map());
    expect(reopened.topic("after-restart")).toBeDefined();
    await reopened.close();
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it("with few bytes committed, a node snapshots once metadata.log.max.snapshot.interval.ms has passed with new records", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-meta-snap-"));
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
    const store = await MetadataStore.openReady({ ...singleNodeQuorumOptions(1, "snapshot-test", dir, logger), snapshotMaxBytes: 1 << 30, snapshotIntervalMs: 100 });
    await store.createTopic("one", [[1]], new Map());
    await vi.waitFor(() => expect(lines.filter((l) => l.msg === "metadata snapshot written").map((l) => l.reason)).toEqual(["interval"]), { timeout: 5000, interval: 20 });
    expect(store.quorum.latestSnapshotId!.offset).toBe(store.quorum.appliedEnd);
    await store.close();
  });
});
