// Changes to cluster metadata: each operation validates against the image, turns into metadata
// records, makes them durable in the journal, then applies them. Readers use `image`.
// Single node for now: this node leads every partition with itself as the only replica.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Logger } from "pino";
import { ZERO_UUID, uuidFromBytes, type Uuid } from "../protocol/primitives.js";
import { MetadataJournal } from "./metadata-journal.js";
import { CONFIG_RESOURCE_BROKER, CONFIG_RESOURCE_TOPIC, MetadataImage, type TopicImage } from "./metadata-image.js";
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from "./metadata-records.js";

export const METADATA_JOURNAL_FILE = "__cluster_metadata.journal";

/** Producer ids are handed out in blocks, as KRaft's AllocateProducerIds does. */
const PRODUCER_ID_BLOCK = 1000n;

export class MetadataStore {
  readonly image = new MetadataImage();

  private constructor(
    private readonly journal: MetadataJournal,
    private readonly nodeId: number,
  ) {}

  static open(metadataDir: string, nodeId: number, log: Logger): MetadataStore {
    const { journal, records } = MetadataJournal.open(join(metadataDir, METADATA_JOURNAL_FILE), log);
    const store = new MetadataStore(journal, nodeId);
    for (const bytes of records) {
      const record = decodeMetadataRecord(bytes);
      if (record) store.image.apply(record);
    }
    log.info({ records: records.length, topics: store.image.topicsByName.size }, "metadata replayed");
    return store;
  }

  private commit(records: MetadataRecord[]): void {
    this.journal.append(records.map(encodeMetadataRecord));
    for (const record of records) this.image.apply(record);
  }

  topic(name: string): TopicImage | undefined {
    return this.image.topicsByName.get(name);
  }

  topicById(topicId: Uuid): TopicImage | undefined {
    return this.image.topicsById.get(topicId);
  }

  /** Creates a topic; the caller has validated name, partition count and configs. */
  createTopic(name: string, partitions: number, configs: Map<string, string>): TopicImage {
    if (this.image.topicsByName.has(name)) throw new Error(`topic ${name} exists`);
    const topicId = newTopicId(this.image);
    const records: MetadataRecord[] = [{ type: "topic", record: { name, topicId } }];
    for (const [key, value] of configs) {
      records.push({ type: "config", record: { resourceType: CONFIG_RESOURCE_TOPIC, resourceName: name, name: key, value } });
    }
    for (let p = 0; p < partitions; p++) records.push(this.partitionRecord(topicId, p));
    this.commit(records);
    return this.image.topicsById.get(topicId)!;
  }

  /** Grows a topic to `total` partitions. */
  createPartitions(topic: TopicImage, total: number): void {
    const records: MetadataRecord[] = [];
    for (let p = topic.partitions.length; p < total; p++) records.push(this.partitionRecord(topic.topicId, p));
    this.commit(records);
  }

  deleteTopic(topic: TopicImage): void {
    this.commit([{ type: "removeTopic", record: { topicId: topic.topicId } }]);
  }

  /** Sets (value) or removes (null) topic config overrides. */
  alterTopicConfigs(topic: TopicImage, changes: Map<string, string | null>): void {
    this.commit(
      [...changes].map(([key, value]) => ({
        type: "config" as const,
        record: { resourceType: CONFIG_RESOURCE_TOPIC, resourceName: topic.name, name: key, value },
      })),
    );
  }

  /** Sets or removes dynamic broker configs; resource "" is the cluster-wide default. */
  alterBrokerConfigs(resourceName: string, changes: Map<string, string | null>): void {
    this.commit(
      [...changes].map(([key, value]) => ({
        type: "config" as const,
        record: { resourceType: CONFIG_RESOURCE_BROKER, resourceName, name: key, value },
      })),
    );
  }

  /** Reserves a block of producer ids and returns its first id. */
  allocateProducerIdBlock(): { firstId: bigint; size: bigint } {
    const firstId = this.image.nextProducerId;
    this.commit([
      { type: "producerIds", record: { brokerId: this.nodeId, brokerEpoch: -1n, nextProducerId: firstId + PRODUCER_ID_BLOCK } },
    ]);
    return { firstId, size: PRODUCER_ID_BLOCK };
  }

  private partitionRecord(topicId: Uuid, partitionId: number): MetadataRecord {
    return {
      type: "partition",
      record: {
        partitionId,
        topicId,
        replicas: [this.nodeId],
        isr: [this.nodeId],
        removingReplicas: [],
        addingReplicas: [],
        leader: this.nodeId,
        leaderRecoveryState: 0,
        leaderEpoch: 0,
        partitionEpoch: 0,
        directories: [],
        eligibleLeaderReplicas: null,
        lastKnownElr: null,
      },
    };
  }

  close(): void {
    this.journal.close();
  }
}

/** A random topic id that is neither the zero UUID nor already used (Kafka's Uuid.randomUuid rules). */
function newTopicId(image: MetadataImage): Uuid {
  for (;;) {
    const id = uuidFromBytes(randomBytes(16));
    // Kafka also reserves ids whose base64 form starts with "-", which tools would misread as a flag.
    if (id !== ZERO_UUID && !id.startsWith("-") && !image.topicsById.has(id)) return id;
  }
}
