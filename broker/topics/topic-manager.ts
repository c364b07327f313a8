// Creating, growing and deleting topics: the metadata change first (durable), then the logs.
// On start-up `reconcileLogs` makes the log directories match the metadata image.
import type { Logger } from "pino";
import { TopicExistsError, type MetadataStore } from "../metadata/metadata-store.js";
import type { TopicImage } from "../metadata/metadata-image.js";
import { invalidTopicNameReason } from "../metadata/topic-names.js";
import type { KafkaErrorName } from "../protocol/errors.js";
import type { LogConfig, LogManager } from "../storage/index.js";

/**
 * Creating or deleting a log is synchronous file work (~1 ms). A request may touch 10,000 of them
 * (Kafka's per-request limit): without yielding now and then, the broker stopped answering every
 * other connection for 12 s (found by the fuzzer, test/fuzz). Kafka creates them off its request
 * threads; we interleave instead.
 */
const LOGS_PER_YIELD = 16;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export type TopicResult<T> = { ok: true; value: T } | { ok: false; error: KafkaErrorName; message: string };

export interface TopicManagerOptions {
  metadata: MetadataStore;
  logs: LogManager;
  /** The effective log config of a topic from its overrides (broker defaults filled in). */
  logConfigFor: (overrides: ReadonlyMap<string, string>) => LogConfig;
  /** Validates topic config overrides; returns an error message naming the bad key, or null. */
  validateConfigs: (overrides: ReadonlyMap<string, string>) => string | null;
  log: Logger;
}

export class TopicManager {
  /** The tail of each topic name's queue of log work (see serialized). */
  private readonly logWork = new Map<string, Promise<void>>();

  constructor(private readonly opts: TopicManagerOptions) {}

  async createTopic(
    name: string,
    partitions: number,
    configs: Map<string, string>,
    validateOnly = false,
  ): Promise<TopicResult<TopicImage | null>> {
    const { metadata, log } = this.opts;
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
    if (partitions < 1) return { ok: false, error: "INVALID_PARTITIONS", message: "Number of partitions must be larger than 0." };
    const configProblem = this.opts.validateConfigs(configs);
    if (configProblem) return { ok: false, error: "INVALID_CONFIG", message: configProblem };
    if (validateOnly) return { ok: true, value: null };
    let topic: TopicImage;
    try {
      topic = await metadata.createTopic(name, partitions, configs);
    } catch (err) {
      // Another request created it between our check and our turn in the metadata queue.
      if (err instanceof TopicExistsError) return { ok: false, error: "TOPIC_ALREADY_EXISTS", message: err.message };
      throw err;
    }
    await this.serialized(name, () => this.createLogs(topic, 0));
    log.info({ topic: name, topicId: topic.topicId, partitions }, "topic created");
    return { ok: true, value: topic };
  }

  async createPartitions(topic: TopicImage, total: number, validateOnly = false): Promise<TopicResult<null>> {
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
    if (validateOnly) return { ok: true, value: null };
    await this.opts.metadata.createPartitions(topic, total);
    await this.serialized(topic.name, () => this.createLogs(topic, current));
    this.opts.log.info({ topic: topic.name, from: current, to: total }, "partitions added");
    return { ok: true, value: null };
  }

  async deleteTopic(topic: TopicImage): Promise<void> {
    await this.opts.metadata.deleteTopic(topic);
    await this.serialized(topic.name, () => this.deleteLogs(topic));
    this.opts.log.info({ topic: topic.name, topicId: topic.topicId }, "topic deleted");
  }

  private async deleteLogs(topic: TopicImage): Promise<void> {
    let deleted = 0;
    for (const p of topic.partitions) {
      await this.opts.logs.deleteLog(topic.name, p.partition);
      if (++deleted % LOGS_PER_YIELD === 0) await yieldToEventLoop();
    }
  }

  /**
   * Runs log work for a topic name after the work queued before it. Metadata changes are
   * immediate, log work is not (it yields): without this, a delete arriving while the logs were
   * still being created missed the ones in flight, which then outlived their topic, and the next
   * topic of that name failed with "belongs to topic id ..." (found by the fuzzer, test/fuzz).
   */
  private serialized(name: string, work: () => Promise<void>): Promise<void> {
    const done = (this.logWork.get(name) ?? Promise.resolve()).then(work);
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.logWork.set(name, settled);
    void settled.then(() => {
      if (this.logWork.get(name) === settled) this.logWork.delete(name);
    });
    return done;
  }

  /** Applies new config overrides to the live logs of a topic (after the metadata change). */
  applyConfigs(topic: TopicImage): void {
    this.updateLogConfigs(topic);
    this.opts.log.info({ topic: topic.name, partitions: topic.partitions.length }, "topic log config updated");
  }

  /** Re-derives every topic's live log config, after the broker-level defaults changed. */
  applyAllConfigs(): void {
    const topics = [...this.opts.metadata.image.topicsByName.values()];
    for (const topic of topics) this.updateLogConfigs(topic);
    this.opts.log.info({ topics: topics.length }, "log configs updated from broker defaults");
  }

  private updateLogConfigs(topic: TopicImage): void {
    const config = this.opts.logConfigFor(topic.configs);
    for (const p of topic.partitions) this.opts.logs.getLog(topic.name, p.partition)?.updateConfig(config);
  }

  /** Creates missing logs for every partition in the image (start-up, or after a crash mid-create). */
  async reconcileLogs(): Promise<void> {
    for (const topic of this.opts.metadata.image.topicsByName.values()) await this.createLogs(topic, 0);
  }

  private async createLogs(topic: TopicImage, fromPartition: number): Promise<void> {
    const config = this.opts.logConfigFor(topic.configs);
    let created = 0;
    for (let i = fromPartition; ; i++) {
      // Read again after every yield: a topic deleted meanwhile must not get its logs back.
      const current = this.opts.metadata.topic(topic.name);
      const p = current?.topicId === topic.topicId ? current.partitions[i] : undefined;
      if (!p) return;
      if (this.opts.logs.getLog(topic.name, p.partition)) continue;
      await this.opts.logs.createLog(topic.name, p.partition, topic.topicId, config);
      if (++created % LOGS_PER_YIELD === 0) await yieldToEventLoop();
    }
  }

  /** Kafka refuses names that differ only by '.' vs '_' because metric names would collide. */
  private collidingTopic(name: string): string | null {
    const unified = name.replace(/\./g, "_");
    for (const existing of this.opts.metadata.image.topicsByName.keys()) {
      if (existing !== name && existing.replace(/\./g, "_") === unified) return existing;
    }
    return null;
  }
}
