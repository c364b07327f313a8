// A broker's topics: the metadata change first (TopicAdmin, committed by the quorum), then the
// logs. Logs follow the metadata image on every broker: after each committed change a reconcile
// pass creates the logs of this node's replicas and deletes the rest, so a topic made through
// another node's controller gets its logs here too.
import type { TopicImage } from "../metadata/metadata-image.js";
import type { LogConfig, LogManager } from "../storage/index.js";
import { TopicAdmin, type TopicAdminOptions } from "./topic-admin.js";

export type { TopicLayout, TopicResult } from "./topic-admin.js";

/**
 * Creating or deleting a log is synchronous file work (~1 ms). A request may touch 10,000 of them
 * (Kafka's per-request limit): without yielding now and then, the broker stopped answering every
 * other connection for 12 s (found by the fuzzer, test/fuzz). Kafka creates them off its request
 * threads; we interleave instead.
 */
const LOGS_PER_YIELD = 16;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface TopicManagerOptions extends TopicAdminOptions {
  nodeId: number;
  logs: LogManager;
  /** The effective log config of a topic from its overrides (broker defaults filled in). */
  logConfigFor: (overrides: ReadonlyMap<string, string>) => LogConfig;
}

export class TopicManager extends TopicAdmin {
  /** Reconcile passes asked for and finished (see reconciled). */
  private wanted = 0;
  private finished = 0;
  private running = false;
  private readonly waiters: { pass: number; resolve: () => void }[] = [];
  private readonly reconciledListeners: (() => void)[] = [];
  /** The log config last applied per topic id, to notice changes made elsewhere (JSON). */
  private readonly appliedConfigs = new Map<string, string>();

  constructor(private readonly opts: TopicManagerOptions) {
    super(opts);
    // Every committed metadata change may add, move or remove this node's replicas.
    opts.metadata.onApplied(() => void this.reconciled());
  }

  /** A metadata change is answered once this node's logs follow it. */
  protected override localLogsFollowed(): Promise<void> {
    return this.reconciled();
  }

  /** Applies new config overrides to the live logs of a topic (after the metadata change). */
  override applyConfigs(topic: TopicImage): void {
    this.updateLogConfigs(topic);
    this.opts.log.info({ topic: topic.name, partitions: topic.partitions.length }, "topic log config updated");
  }

  /** Re-derives every topic's live log config, after the broker-level defaults changed. */
  override applyAllConfigs(): void {
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
}
