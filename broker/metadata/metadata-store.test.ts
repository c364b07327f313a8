import { appendFileSync, mkdtempSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { METADATA_JOURNAL_FILE, MetadataStore } from "./metadata-store.js";
import { ensureMetaProperties, readMetaProperties } from "./meta-properties.js";
import { invalidTopicNameReason } from "./topic-names.js";

const log = pino({ level: "silent" });

describe("MetadataStore", () => {
  it("rebuilds topics, partitions, configs and producer-id blocks by replaying its journal", () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-meta-"));
    const store = MetadataStore.open(dir, 1, log);
    const orders = store.createTopic("orders", 3, new Map([["retention.ms", "1000"]]));
    store.createPartitions(orders, 5);
    store.alterTopicConfigs(orders, new Map([["retention.ms", null], ["cleanup.policy", "compact"]]));
    const gone = store.createTopic("gone", 1, new Map());
    store.deleteTopic(gone);
    const first = store.allocateProducerIdBlock();
    store.close();

    const reopened = MetadataStore.open(dir, 1, log);
    const topic = reopened.topic("orders")!;
    expect(topic.topicId).toBe(orders.topicId);
    expect(topic.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual(
      [0, 1, 2, 3, 4].map((p) => [p, 1, [1], [1]]),
    );
    expect([...topic.configs]).toEqual([["cleanup.policy", "compact"]]);
    expect(reopened.topic("gone")).toBeUndefined();
    expect(reopened.topicById(gone.topicId)).toBeUndefined();
    expect(reopened.allocateProducerIdBlock().firstId).toBe(first.firstId + first.size);
    reopened.close();
  });

  it("cuts a torn tail written by a crash and keeps every complete record", () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-meta-"));
    const store = MetadataStore.open(dir, 1, log);
    store.createTopic("a", 1, new Map());
    store.close();
    const path = join(dir, METADATA_JOURNAL_FILE);
    const intact = statSync(path).size;
    // A record header promising more bytes than follow, as a crash mid-append leaves it.
    appendFileSync(path, Buffer.from([0, 0, 1, 0, 1, 2, 3, 4, 9, 9]));
    const reopened = MetadataStore.open(dir, 1, log);
    expect(reopened.topic("a")).toBeDefined();
    expect(statSync(path).size).toBe(intact);
    reopened.createTopic("b", 1, new Map());
    reopened.close();
    const again = MetadataStore.open(dir, 1, log);
    expect([...again.image.topicsByName.keys()].sort()).toEqual(["a", "b"]);
    again.close();
  });

  it("drops a record whose checksum does not match", () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-meta-"));
    const store = MetadataStore.open(dir, 1, log);
    store.createTopic("a", 1, new Map());
    store.close();
    const path = join(dir, METADATA_JOURNAL_FILE);
    truncateSync(path, statSync(path).size - 1);
    appendFileSync(path, Buffer.from([0xff]));
    const reopened = MetadataStore.open(dir, 1, log);
    // The topic record precedes the corrupted partition record; the partition is lost with it.
    expect(reopened.topic("a")?.partitions.length ?? 0).toBe(0);
    reopened.close();
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
