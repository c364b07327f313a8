// Creating, growing and deleting topics as metadata changes, committed by the quorum: the part of
// topic administration the active controller does. A node without partition logs (a
// controller-only node) uses it as it is; a broker's TopicManager extends it so that each change
// also waits until the local logs follow it.
import type { Logger } from "pino";
import { TopicExistsError, type MetadataStore } from "../metadata/metadata-store.js";
import type { TopicImage } from "../metadata/metadata-image.js";
import { invalidTopicNameReason } from "../metadata/topic-names.js";
import type { KafkaErrorName } from "../protocol/errors.js";
import { placeReplicas } from "../metadata/controller/replica-placer.js";
import { replicationFactorError } from "../handlers/placement.js";

export type TopicResult<T> = { ok: true; value: T } | { ok: false; error: KafkaErrorName; message: string };

/** How a new topic's partitions are laid out: a count and factor to place, or explicit replica lists. */
export type TopicLayout = { partitions: number; replicationFactor: number } | { assignment: number[][] };

export interface TopicAdminOptions {
  metadata: MetadataStore;
  /** Validates topic config overrides; returns an error message naming the bad key, or null. */
  validateConfigs: (overrides: ReadonlyMap<string, string>) => string | null;
  log: Logger;
  /** Where placement starts in the broker rotation (random by default, as Kafka's is). */
  placementStart?: () => number;
}

export class TopicAdmin {
  constructor(protected readonly adminOpts: TopicAdminOptions) {}

  async createTopic(
    name: string,
    layout: TopicLayout,
    configs: Map<string, string>,
    validateOnly = false,
  ): Promise<TopicResult<TopicImage | null>> {
    const { metadata, log } = this.adminOpts;
    const nameProblem = invalidTopicNameReason(name);
    if (nameProblem) return { ok: false, error: "INVALID_TOPIC_EXCEPTION", message: nameProblem };
    if (metadata.topic(name)) return { ok: false, error: "TOPIC_ALREADY_EXISTS", message: `Topic '${name}' already exists.` };
    const collision = this.collidingTopic(name);
    if (collision) {
      return {
        ok: false,
        error: "INVALID_TOPIC_EXCEPTION",
        message: `Topic '${name}' collides with existing topic: ${collision}`,
      };
    }
    const partitions = "assignment" in layout ? layout.assignment.length : layout.partitions;
    if (partitions < 1) return { ok: false, error: "INVALID_PARTITIONS", message: "Number of partitions must be larger than 0." };
    const configProblem = this.adminOpts.validateConfigs(configs);
    if (configProblem) return { ok: false, error: "INVALID_CONFIG", message: configProblem };
    const assignment = "assignment" in layout ? { ok: true as const, value: layout.assignment } : this.place(layout.partitions, layout.replicationFactor, 0);
    if (!assignment.ok) return assignment;
    if (validateOnly) return { ok: true, value: null };
    let topic: TopicImage;
    try {
      topic = await metadata.createTopic(name, assignment.value, configs);
    } catch (err) {
      // Another request created it between our check and our turn in the metadata queue.
      if (err instanceof TopicExistsError) return { ok: false, error: "TOPIC_ALREADY_EXISTS", message: err.message };
      throw err;
    }
    await this.localLogsFollowed();
    log.info({ topic: name, topicId: topic.topicId, partitions }, "topic created");
    return { ok: true, value: topic };
  }

  /** Replica lists for `count` new partitions of factor RF over the usable brokers, or why not. */
  place(count: number, replicationFactor: number, firstPartition: number): TopicResult<number[][]> {
    const brokers = this.adminOpts.metadata.usableBrokers();
    const problem = replicationFactorError(replicationFactor, brokers.map((b) => b.id));
    if (problem) return { ok: false, error: "INVALID_REPLICATION_FACTOR", message: problem };
    const start = this.adminOpts.placementStart?.() ?? Math.floor(Math.random() * brokers.length);
    return { ok: true, value: placeReplicas(count, replicationFactor, brokers, start, firstPartition) };
  }

  /** Grows a topic to `total` partitions, placed like its first (or as `assignment` says). */
  async createPartitions(topic: TopicImage, total: number, assignment: number[][] | null = null, validateOnly = false): Promise<TopicResult<null>> {
    const current = topic.partitions.length;
    // Kafka 4's messages (ReplicationControlManager.createPartitions).
    if (total === current) {
      return { ok: false, error: "INVALID_PARTITIONS", message: `Topic already has ${current} partition(s).` };
    }
    if (total < current) {
      return {
        ok: false,
        error: "INVALID_PARTITIONS",
        message: `The topic ${topic.name} currently has ${current} partition(s); ${total} would not be an increase.`,
      };
    }
    const placed = assignment ? { ok: true as const, value: assignment } : this.place(total - current, topic.partitions[0]?.replicas.length ?? 1, current);
    if (!placed.ok) return placed;
    if (validateOnly) return { ok: true, value: null };
    await this.adminOpts.metadata.createPartitions(topic, placed.value);
    await this.localLogsFollowed();
    this.adminOpts.log.info({ topic: topic.name, from: current, to: total }, "partitions added");
    return { ok: true, value: null };
  }

  async deleteTopic(topic: TopicImage): Promise<void> {
    await this.adminOpts.metadata.deleteTopic(topic);
    await this.localLogsFollowed();
    this.adminOpts.log.info({ topic: topic.name, topicId: topic.topicId }, "topic deleted");
  }

  /** Applies a topic's new config overrides to the local logs: none here (see TopicManager). */
  applyConfigs(_topic: TopicImage): void {}

  /** Re-derives every local log's config after the broker-level defaults changed: none here. */
  applyAllConfigs(): void {}

  /** Resolves once the local logs match the metadata after a change: at once without local logs. */
  protected localLogsFollowed(): Promise<void> {
    return Promise.resolve();
  }

  /** Kafka refuses names that differ only by '.' vs '_' because metric names would collide. */
  private collidingTopic(name: string): string | null {
    const unified = name.replace(/\./g, "_");
    for (const existing of this.adminOpts.metadata.image.topicsByName.keys()) {
      if (existing !== name && existing.replace(/\./g, "_") === unified) return existing;
    }
    return null;
  }
}
