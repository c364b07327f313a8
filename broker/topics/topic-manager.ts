// Creating, growing and deleting topics: the metadata change first (committed by the quorum),
// then the logs. Logs follow the metadata image on every node: after each committed change a
// reconcile pass creates the logs of this node's replicas and deletes the rest, so a topic made
// through another node's controller gets its logs here too.
import type { Logger } from "pino";
import { TopicExistsError, type MetadataStore } from "../metadata/metadata-store.js";
import type { TopicImage } from "../metadata/metadata-image.js";
import { invalidTopicNameReason } from "../metadata/topic-names.js";
import type { KafkaErrorName } from "../protocol/errors.js";
import type { LogConfig, LogManager } from "../storage/index.js";
import { placeReplicas } from "../metadata/controller/replica-placer.js";
import { replicationFactorError } from "../handlers/placement.js";

/**
 * Creating or deleting a log is synchronous file work (~1 ms). A request may touch 10,000 of them
 * (Kafka's per-request limit): without yielding now and then, the broker stopped answering every
 * other connection for 12 s (found by the fuzzer, test/fuzz). Kafka creates them off its request
 * threads; we interleave instead.
 */
const LOGS_PER_YIELD = 16;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export type TopicResult<T> = { ok: true; value: T } | { ok: false; error: KafkaErrorName; message: string };

/** How a new topic's partitions are laid out: a count and factor to place, or explicit replica lists. */
export type TopicLayout = { partitions: number; replicationFactor: number } | { assignment: number[][] };

export interface TopicManagerOptions {
  nodeId: number;
  metadata: MetadataStore;
  logs: LogManager;
  /** The effective log config of a topic from its overrides (broker defaults filled in). */
  logConfigFor: (overrides: ReadonlyMap<string, string>) => LogConfig;
  /** Validates topic config overrides; returns an error message naming the bad key, or null. */
  validateConfigs: (overrides: ReadonlyMap<string, string>) => string | null;
  log: Logger;
  /** Where placement starts in the broker rotation (random by default, as Kafka's is). */
  placementStart?: () => number;
}

export class TopicManager {
  /** Reconcile passes asked for and finished (see reconciled). */
  private wanted = 0;
  private finished = 0;
  private running = false;
  private readonly waiters: { pass: number; resolve: () => void }[] = [];
  private readonly reconciledListeners: (() => void)[] = [];
  /** The log config last applied per topic id, to notice changes made elsewhere (JSON). */
  private readonly appliedConfigs = new Map<string, string>();

  constructor(private readonly opts: TopicManagerOptions) {
    // Every committed metadata change may add, move or remove this node's replicas.
    opts.metadata.onApplied(() => void this.reconciled());
  }

  async createTopic(
    name: string,
    layout: TopicLayout,
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
    const partitions = "assignment" in layout ? layout.assignment.length : layout.partitions;
    if (partitions < 1) return { ok: false, error: "INVALID_PARTITIONS", message: "Number of partitions must be larger than 0." };
    const configProblem = this.opts.validateConfigs(configs);
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
    await this.reconciled();
    log.info({ topic: name, topicId: topic.topicId, partitions }, "topic created");
    return { ok: true, value: topic };
  }

  /** Replica lists for `count` new partitions of factor RF over the usable brokers, or why not. */
  place(count: number, replicationFactor: number, firstPartition: number): TopicResult<number[][]> {
    const brokers = this.opts.metadata.usableBrokers();
    const problem = replicationFactorError(replicationFactor, brokers.map((b) => b.id));
    if (problem) return { ok: false, error: "INVALID_REPLICATION_FACTOR", message: problem };
    const start = this.opts.placementStart?.() ?? Math.floor(Math.random() * brokers.length);
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
    await this.opts.metadata.createPartitions(topic, placed.value);
    await this.reconciled();
    this.opts.log.info({ topic: topic.name, from: current, to: total }, "partitions added");
    return { ok: true, value: null };
  }

  async deleteTopic(topic: TopicImage): Promise<void> {
    await this.opts.metadata.deleteTopic(topic);
    await this.reconciled();
    this.opts.log.info({ topic: topic.name, topicId: topic.topicId }, "topic deleted");
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
    this.appliedConfigs.set(topic.topicId, JSON.stringify(config));
    for (const p of topic.partitions) this.opts.logs.getLog(topic.name, p.partition)?.updateConfig(config);
  }

  /**
   * Resolves once a pass that started after this call has made the local logs match the image:
   * a log for every partition this node is a replica of, none for anything else, configs current.
   * One pass runs at a time, so log work never interleaves: a delete arriving while logs were
   * still being created once missed the ones in flight, which then outlived their topic (found by
   * the fuzzer, test/fuzz).
   */
  reconciled(): Promise<void> {
    const pass = ++this.wanted;
    const done = new Promise<void>((resolve) => this.waiters.push({ pass, resolve }));
    void this.runPasses();
    return done;
  }

  /** Calls `listener` after every reconcile pass (replication re-derives roles then). */
  onReconciled(listener: () => void): void {
    this.reconciledListeners.push(listener);
  }

  private async runPasses(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.finished < this.wanted) {
        const target = this.wanted;
        try {
          await this.reconcilePass();
        } catch (err) {
          this.opts.log.error({ err }, "reconciling logs with metadata failed; will try again on the next change");
        }
        this.finished = target;
        for (const l of this.reconciledListeners) {
          try {
            l();
          } catch (err) {
            this.opts.log.error({ err }, "a reconcile listener failed");
          }
        }
        const ready = this.waiters.filter((w) => w.pass <= target);
        this.waiters.splice(0, this.waiters.length, ...this.waiters.filter((w) => w.pass > target));
        for (const w of ready) w.resolve();
      }
    } finally {
      this.running = false;
    }
  }

  private async reconcilePass(): Promise<void> {
    const { metadata, logs, nodeId } = this.opts;
    let work = 0;
    const pace = async () => {
      if (++work % LOGS_PER_YIELD === 0) await yieldToEventLoop();
    };
    for (const log of logs.allLogs()) {
      const topic = metadata.topic(log.topic);
      const state = topic?.partitions[log.partition];
      const sameTopic = topic !== undefined && (log.topicId === undefined || log.topicId === topic.topicId);
      if (sameTopic && state?.replicas.includes(nodeId)) continue;
      await logs.deleteLog(log.topic, log.partition);
      await pace();
    }
    for (const topic of [...metadata.image.topicsByName.values()]) {
      const config = this.opts.logConfigFor(topic.configs);
      const configJson = JSON.stringify(config);
      const configChanged = this.appliedConfigs.get(topic.topicId) !== configJson;
      this.appliedConfigs.set(topic.topicId, configJson);
      for (const p of topic.partitions) {
        if (!p.replicas.includes(nodeId)) continue;
        const existing = logs.getLog(topic.name, p.partition);
        if (existing) {
          if (configChanged) existing.updateConfig(config);
          continue;
        }
        // Read again after every yield: a topic deleted meanwhile must not get its logs back.
        if (metadata.topic(topic.name)?.topicId !== topic.topicId) break;
        await logs.createLog(topic.name, p.partition, topic.topicId, config);
        await pace();
      }
    }
    for (const id of this.appliedConfigs.keys()) if (!metadata.topicById(id as TopicImage["topicId"])) this.appliedConfigs.delete(id);
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
