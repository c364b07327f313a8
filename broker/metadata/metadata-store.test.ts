import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Uuid } from "../protocol/primitives.js";
import { MetadataJournal } from "./metadata-journal.js";
import { singleNodeQuorumOptions } from "./quorum-options.js";
import { encodeMetadataRecord } from "./metadata-records.js";
import { METADATA_JOURNAL_FILE, MetadataStore, TopicExistsError } from "./metadata-store.js";
import { ensureMetaProperties, readMetaProperties } from "./meta-properties.js";
import { invalidTopicNameReason } from "./topic-names.js";

const log = pino({ level: "silent" });

/** A single-node quorum in `dir`, as a broker with no quorum configured runs it. */
function open(dir: string): Promise<MetadataStore> {
  return MetadataStore.openReady(singleNodeQuorumOptions(1, "metadata-store-test", dir, log));
}

describe("MetadataStore", () => {
  it("rebuilds topics, partitions, configs and producer-id blocks by replaying the metadata log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-meta-"));
    const store = await open(dir);
    const orders = await store.createTopic("orders", [[1], [1], [1]], new Map([["retention.ms", "1000"]]));
    await store.createPartitions(orders, [[1], [1]]);
    await store.alterTopicConfigs(orders, new Map([["retention.ms", null], ["cleanup.policy", "compact"]]));
    const gone = await store.createTopic("gone", [[1]], new Map());
    await store.deleteTopic(gone);
    const first = await store.allocateProducerIdBlock();
    await store.close();
    expect(existsSync(join(dir, "__cluster_metadata-0", "quorum-state"))).toBe(true);

    const reopened = await open(dir);
    const topic = reopened.topic("orders")!;
    expect(topic.topicId).toBe(orders.topicId);
    expect(topic.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual(
      [0, 1, 2, 3, 4].map((p) => [p, 1, [1], [1]]),
    );
    expect([...topic.configs]).toEqual([["cleanup.policy", "compact"]]);
    expect(reopened.topic("gone")).toBeUndefined();
    expect(reopened.topicById(gone.topicId)).toBeUndefined();
    expect((await reopened.allocateProducerIdBlock()).firstId).toBe(first.firstId + first.size);
    // Each start is a new election: the epoch only grows.
    expect(reopened.quorum.epoch).toBe(2);
    await reopened.close();
  });

  it("runs concurrent operations one at a time, each validated against the ones before", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-meta-"));
    const store = await open(dir);
    const results = await Promise.allSettled([store.createTopic("t", [[1]], new Map()), store.createTopic("t", [[1], [1]], new Map())]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(TopicExistsError);
    expect(store.topic("t")!.partitions).toHaveLength(1);
    await store.close();
  });

  it("imports the journal of an earlier version once, keeping every record", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-meta-"));
    const { journal } = MetadataJournal.open(join(dir, METADATA_JOURNAL_FILE), log);
    journal.append([
      encodeMetadataRecord({ type: "topic", record: { name: "legacy", topicId: "AAAAAAAAAAAAAAAAAAAAEQ" as Uuid } }),
      encodeMetadataRecord({
        type: "partition",
        record: {
          partitionId: 0, topicId: "AAAAAAAAAAAAAAAAAAAAEQ" as Uuid, replicas: [1], isr: [1], removingReplicas: [], addingReplicas: [],
          leader: 1, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0, directories: [], eligibleLeaderReplicas: null, lastKnownElr: null,
        },
      }),
    ]);
    journal.close();
    const store = await open(dir);
    expect(store.topic("legacy")?.partitions).toHaveLength(1);
    expect(existsSync(join(dir, METADATA_JOURNAL_FILE))).toBe(false);
    expect(existsSync(join(dir, `${METADATA_JOURNAL_FILE}.imported`))).toBe(true);
    await store.close();
    const reopened = await open(dir);
    expect(reopened.topic("legacy")?.topicId).toBe("AAAAAAAAAAAAAAAAAAAAEQ");
    await reopened.close();
  });
});

describe("meta.properties", () => {
  it("formats fresh directories with one cluster id and refuses another node's directory", () => {
    const a = mkdtempSync(join(tmpdir(), "millrace-dir-"));
    const b = mkdtempSync(join(tmpdir(), "millrace-dir-"));
    const clusterId = ensureMetaProperties([a, b], 3);
    expect(readMetaProperties(a)?.clusterId).toBe(clusterId);
    expect(readMetaProperties(b)?.nodeId).toBe(3);
    expect(ensureMetaProperties([a, b], 3)).toBe(clusterId);
    expect(() => ensureMetaProperties([a], 4)).toThrow(/belongs to node 3/);
  });
});

describe("topic names", () => {
  it("applies Kafka's rules", () => {
    expect(invalidTopicNameReason("orders.v1_x-y")).toBeNull();
    expect(invalidTopicNameReason("")).toMatch(/empty/);
    expect(invalidTopicNameReason("..")).not.toBeNull();
    expect(invalidTopicNameReason("a/b")).toMatch(/illegal/);
    expect(invalidTopicNameReason("x".repeat(250))).toMatch(/249/);
  });
});
