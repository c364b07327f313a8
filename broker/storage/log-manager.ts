// All partition logs of one broker across its log.dirs: opening and recovering them, creating
// and deleting logs, the log-dir checkpoints (high watermarks included) and the clean-shutdown
// marker, and the periodic retention, flush, checkpoint and compaction work.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { Uuid } from "../protocol/primitives.js";
import { offsetCheckpointLines, readOffsetCheckpoint, splitTopicPartition } from "./checkpoint-file.js";
import { CacheBudget, DEFAULT_CACHE_MAX_BYTES } from "./cache-budget.js";
import { DEFAULT_INLINE_WRITE_MAX_BYTES, InlineWrites } from "./inline-writes.js";
import { CheckpointWriter } from "./checkpoint-writer.js";
import { DEFAULT_MAX_KEYS } from "./cleaner.js";
import { type Clock, schedule, systemClock } from "./clock.js";
import { describeError } from "./errors.js";
import { type FileIo, nodeFileIo, syncDir, writeFileAtomic } from "./file-io.js";
import {
  CLEANER_OFFSET_CHECKPOINT,
  CLEAN_SHUTDOWN_MARKER,
  DELETE_DIR_SUFFIX,
  LOG_START_OFFSET_CHECKPOINT,
  METADATA_TOPIC,
  RECOVERY_POINT_CHECKPOINT,
  REPLICATION_OFFSET_CHECKPOINT,
} from "./file-names.js";
import { DEFAULT_LOG_CONFIG, type LogConfig, isCompacted } from "./log-config.js";
import { DEFAULT_CACHE_BYTES, PartitionLog } from "./partition-log.js";
import type { ProducerStateOptions } from "./producer-state.js";

export interface LogManagerOptions {
  /** log.dirs */
  logDirs: readonly string[];
  /** Broker-level resolved defaults, used for logs whose topic config is unknown. */
  defaultConfig?: LogConfig;
  /** The config of a topic found on disk at startup. */
  topicConfig?: (topic: string) => LogConfig | undefined;
  logger: Logger;
  clock?: Clock;
  io?: FileIo;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs?: number;
  /** How often flush.ms is checked (log.flush.scheduler.interval.ms). */
  flushCheckIntervalMs?: number;
  /** log.flush.offset.checkpoint.interval.ms and log.flush.start.offset.checkpoint.interval.ms */
  checkpointIntervalMs?: number;
  /** log.cleaner.backoff.ms */
  cleanerIntervalMs?: number;
  /** log.cleaner.enable */
  cleanerEnabled?: boolean;
  /** Keys per compaction pass (stands in for log.cleaner.dedupe.buffer.size). */
  cleanerMaxKeys?: number;
  /** producer.id.expiration.ms */
  producerIdExpirationMs?: number;
  /** producer.id.expiration.check.interval.ms */
  producerIdExpirationCheckIntervalMs?: number;
  cacheBytesPerPartition?: number;
  /** millrace.log.cache.max.bytes: all partitions' recent-batches caches together (cache-budget.ts). */
  cacheMaxBytes?: number;
  /** millrace.log.inline.write.max.bytes: appends up to this size are written on the event loop (inline-writes.ts); 0 = never. */
  inlineWriteMaxBytes?: number;
  /** Closed segments' indexes unused this long are dropped from memory (default 10 minutes). */
  indexIdleMs?: number;
  producerState?: ProducerStateOptions;
  /** Off in tests that drive the periodic work by hand. */
  startTimers?: boolean;
  /**
   * Replication owns the high watermarks (a broker): each log opens at its high watermark from the
   * dir's replication-offset-checkpoint (Kafka's rule: capped at the log end, the log start when
   * absent) and keeps it until replication moves it; the checkpoint is written every
   * highWatermarkCheckpointIntervalMs and on close. Off (tests and tools without replication),
   * logs move their own high watermark, from the log end on open, and no such checkpoint is kept.
   */
  replicatedHighWatermarks?: boolean;
  /** replica.high.watermark.checkpoint.interval.ms */
  highWatermarkCheckpointIntervalMs?: number;
}

interface LogDirState {
  dir: string;
  cleanShutdown: boolean;
  recoveryPoints: Map<string, number>;
  logStartOffsets: Map<string, number>;
  cleanerOffsets: Map<string, number>;
  /** replication-offset-checkpoint (only with replicatedHighWatermarks). */
  highWatermarks: Map<string, number>;
  files: {
    recoveryPoints: CheckpointWriter;
    logStartOffsets: CheckpointWriter;
    cleanerOffsets: CheckpointWriter;
    highWatermarks: CheckpointWriter;
  };
}

const OPEN_CONCURRENCY = 8;

export class LogManager {
  private readonly logs = new Map<string, { log: PartitionLog; dir: LogDirState }>();
  private readonly creating = new Map<string, Promise<PartitionLog>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private readonly busy = new Set<string>();
  private closed = false;
  private readonly clock: Clock;
  private readonly io: FileIo;
  private readonly cacheBudget: CacheBudget;
  /** Undefined when inline writes are off (the default): every append then goes to the pool without a check. */
  private readonly inlineWrites: InlineWrites | undefined;
  private readonly logger: Logger;
  private readonly defaultConfig: LogConfig;

  private constructor(
    private readonly opts: LogManagerOptions,
    private readonly dirs: LogDirState[],
  ) {
    this.clock = opts.clock ?? systemClock;
    this.io = opts.io ?? nodeFileIo;
    this.cacheBudget = new CacheBudget(opts.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES);
    this.logger = opts.logger;
    const inlineMaxBytes = opts.inlineWriteMaxBytes ?? DEFAULT_INLINE_WRITE_MAX_BYTES;
    this.inlineWrites =
      inlineMaxBytes > 0
        ? new InlineWrites({
            maxBytes: inlineMaxBytes,
            onPause: (tookMs, pauseMs) =>
              this.logger.warn({ tookMs: Math.round(tookMs), pauseMs }, "a log write blocked the event loop; writing from the thread pool for a while"),
          })
        : undefined;
    this.defaultConfig = opts.defaultConfig ?? { ...DEFAULT_LOG_CONFIG };
  }

  static async open(opts: LogManagerOptions): Promise<LogManager> {
    if (opts.logDirs.length === 0) throw new Error("log.dirs is empty");
    const dirs: LogDirState[] = [];
    for (const dir of opts.logDirs) {
      fs.mkdirSync(dir, { recursive: true });
      const cleanShutdown = fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_MARKER));
      dirs.push({
        dir,
        cleanShutdown,
        recoveryPoints: readCheckpointOrEmpty(path.join(dir, RECOVERY_POINT_CHECKPOINT), opts.logger),
        logStartOffsets: readCheckpointOrEmpty(path.join(dir, LOG_START_OFFSET_CHECKPOINT), opts.logger),
        cleanerOffsets: readCheckpointOrEmpty(path.join(dir, CLEANER_OFFSET_CHECKPOINT), opts.logger),
        highWatermarks: opts.replicatedHighWatermarks ? readHighWatermarkCheckpoint(dir) : new Map(),
        files: {
          recoveryPoints: new CheckpointWriter(path.join(dir, RECOVERY_POINT_CHECKPOINT)),
          logStartOffsets: new CheckpointWriter(path.join(dir, LOG_START_OFFSET_CHECKPOINT)),
          cleanerOffsets: new CheckpointWriter(path.join(dir, CLEANER_OFFSET_CHECKPOINT)),
          highWatermarks: new CheckpointWriter(path.join(dir, REPLICATION_OFFSET_CHECKPOINT)),
        },
      });
    }
    const manager = new LogManager(opts, dirs);
    const started = Date.now();
    for (const state of dirs) await manager.loadDir(state);
    for (const state of dirs) {
      // Only now: a crash while loading must find the marker again and trust the files again.
      fs.rmSync(path.join(state.dir, CLEAN_SHUTDOWN_MARKER), { force: true });
    }
    for (const state of dirs) manager.checkpointDirSync(state);
    opts.logger.info(
      { logDirs: opts.logDirs, logs: manager.logs.size, ms: Date.now() - started, clean: dirs.map((d) => d.cleanShutdown) },
      "logs loaded",
    );
    if (opts.startTimers ?? true) manager.startTimers();
    return manager;
  }

  private async loadDir(state: LogDirState): Promise<void> {
    const entries = fs.readdirSync(state.dir, { withFileTypes: true }).filter((e) => e.isDirectory());
    const toOpen: { name: string; topic: string; partition: number }[] = [];
    for (const e of entries) {
      if (e.name.endsWith(DELETE_DIR_SUFFIX)) {
        void fs.promises.rm(path.join(state.dir, e.name), { recursive: true, force: true });
        continue;
      }
      const tp = splitTopicPartition(e.name);
      if (!tp || tp.topic === METADATA_TOPIC || /-(future|stray)$/.test(e.name)) continue;
      toOpen.push({ name: e.name, ...tp });
    }
    for (let i = 0; i < toOpen.length; i += OPEN_CONCURRENCY) {
      await Promise.all(
        toOpen.slice(i, i + OPEN_CONCURRENCY).map(async ({ name, topic, partition }) => {
          if (this.logs.has(name)) throw new Error(`partition ${name} exists in two log dirs`);
          const config = this.opts.topicConfig?.(topic) ?? this.defaultConfig;
          const log = await this.openLog(state, name, topic, partition, undefined, config);
          this.logs.set(name, { log, dir: state });
        }),
      );
    }
  }

  private async openLog(
    state: LogDirState,
    name: string,
    topic: string,
    partition: number,
    topicId: Uuid | undefined,
    config: LogConfig,
  ): Promise<PartitionLog> {
    const recoveryPoint = state.recoveryPoints.get(name);
    const logStartOffset = state.logStartOffsets.get(name);
    const replicated = this.opts.replicatedHighWatermarks ?? false;
    const log = await PartitionLog.open({
      dir: path.join(state.dir, name),
      topic,
      partition,
      ...(topicId !== undefined ? { topicId } : {}),
      config,
      logger: this.logger,
      clock: this.clock,
      io: this.io,
      ...(recoveryPoint !== undefined ? { recoveryPoint: BigInt(recoveryPoint) } : {}),
      ...(logStartOffset !== undefined ? { logStartOffset: BigInt(logStartOffset) } : {}),
      cleanShutdown: state.cleanShutdown,
      // Kafka's rule for a partition missing from the checkpoint: 0, which the log raises to its start.
      ...(replicated ? { externalHighWatermark: true, highWatermark: BigInt(state.highWatermarks.get(name) ?? 0) } : {}),
      cacheBytes: this.opts.cacheBytesPerPartition ?? DEFAULT_CACHE_BYTES,
      cacheBudget: this.cacheBudget,
      inlineWrites: this.inlineWrites,
      ...(this.opts.producerState ? { producerState: this.opts.producerState } : {}),
      hooks: {
        onLogStartOffsetChanged: () => this.writeLogStartOffsets(state),
        onOffline: (l, err) =>
          this.logger.error({ topic: l.topic, partition: l.partition, dir: state.dir, err: describeError(err) }, "partition offline"),
      },
    });
    log.cleanerCheckpoint = state.cleanerOffsets.get(name) ?? 0;
    return log;
  }

  /** What open() found in `dir`: whether the previous shutdown was clean. */
  hadCleanShutdown(dir: string): boolean {
    return this.dirs.find((d) => d.dir === dir)?.cleanShutdown ?? false;
  }

  get logDirs(): readonly string[] {
    return this.dirs.map((d) => d.dir);
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(`${topic}-${partition}`)?.log;
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()].map((e) => e.log);
  }

  /**
   * Creates the log (in the log dir holding the fewest), or returns the existing one. An existing
   * log of a different topic id is an error: the old topic's data must be deleted first.
   */
  async createLog(topic: string, partition: number, topicId: Uuid, config: LogConfig): Promise<PartitionLog> {
    if (this.closed) throw new Error("log manager is closed");
    const name = `${topic}-${partition}`;
    const existing = this.logs.get(name);
    if (existing) {
      if (existing.log.topicId !== undefined && existing.log.topicId !== topicId) {
        throw new Error(`log ${name} belongs to topic id ${existing.log.topicId}, not ${topicId}`);
      }
      return existing.log;
    }
    const pending = this.creating.get(name);
    if (pending) return pending;
    const state = this.leastLoadedDir();
    const promise = this.openLog(state, name, topic, partition, topicId, config)
      .then((log) => {
        this.logs.set(name, { log, dir: state });
        this.logger.info({ topic, partition, topicId, dir: state.dir }, "log created");
        return log;
      })
      .finally(() => this.creating.delete(name));
    this.creating.set(name, promise);
    return promise;
  }

  private leastLoadedDir(): LogDirState {
    const counts = new Map<LogDirState, number>(this.dirs.map((d) => [d, 0]));
    for (const { dir } of this.logs.values()) counts.set(dir, (counts.get(dir) ?? 0) + 1);
    let best = this.dirs[0]!;
    for (const d of this.dirs) if (counts.get(d)! < counts.get(best)!) best = d;
    return best;
  }

  /** Closes the log, renames its directory to `<tp>.<uuid>-delete` and removes it later. */
  async deleteLog(topic: string, partition: number): Promise<void> {
    const name = `${topic}-${partition}`;
    const entry = this.logs.get(name);
    if (!entry) return;
    this.logs.delete(name);
    const { log, dir: state } = entry;
    await log.close();
    const from = path.join(state.dir, name);
    const to = path.join(state.dir, `${name}.${randomUUID().replaceAll("-", "")}${DELETE_DIR_SUFFIX}`);
    fs.renameSync(from, to);
    syncDir(state.dir);
    state.recoveryPoints.delete(name);
    state.logStartOffsets.delete(name);
    state.cleanerOffsets.delete(name);
    this.checkpointDirSync(state);
    if (this.opts.replicatedHighWatermarks) state.files.highWatermarks.writeSync(this.highWatermarkLines(state));
    schedule(log.config.fileDeleteDelayMs, () => {
      fs.promises.rm(to, { recursive: true, force: true }).catch((err) => {
        this.logger.warn({ dir: to, err: describeError(err) }, "could not remove a deleted log");
      });
    });
    this.logger.info({ topic, partition, dir: to }, "log deleted");
  }

  /** AlterConfigs: applies to every partition of the topic held here. */
  updateConfig(topic: string, config: LogConfig): void {
    for (const { log } of this.logs.values()) if (log.topic === topic) log.updateConfig(config);
  }

  // -------------------------------------------------------------------------------------------
  // Periodic work (public so tests and admin paths can run it now)

  async runRetention(): Promise<number> {
    let deleted = 0;
    const expiration = this.opts.producerIdExpirationMs ?? 24 * 60 * 60 * 1000;
    for (const log of this.allLogs()) {
      if (log.offline) continue;
      try {
        deleted += await log.deleteOldSegments();
        log.removeExpiredProducers(expiration);
        log.releaseIdleIndexes(this.opts.indexIdleMs ?? 10 * 60 * 1000);
      } catch (err) {
        this.logger.error({ topic: log.topic, partition: log.partition, err: describeError(err) }, "retention failed");
      }
    }
    return deleted;
  }

  async flushDue(): Promise<void> {
    const now = this.clock.nowMs();
    await Promise.all(
      this.allLogs().map((log) =>
        log.flushIfDue(now).catch((err) => {
          this.logger.error({ topic: log.topic, partition: log.partition, err: describeError(err) }, "flush failed");
        }),
      ),
    );
  }

  async runCleaner(): Promise<number> {
    let cleaned = 0;
    for (const log of this.allLogs()) {
      if (log.offline || !isCompacted(log.config)) continue;
      try {
        if (await log.compact({ maxKeys: this.opts.cleanerMaxKeys ?? DEFAULT_MAX_KEYS })) cleaned++;
      } catch (err) {
        this.logger.error({ topic: log.topic, partition: log.partition, err: describeError(err) }, "compaction failed");
      }
    }
    if (cleaned > 0) await this.checkpoint();
    return cleaned;
  }

  /**
   * Writes the recovery-point, log-start-offset and cleaner-offset checkpoints of every dir, off
   * the event loop (checkpoint-writer.ts says why).
   */
  async checkpoint(): Promise<void> {
    await Promise.all(
      this.dirs.map(async (state) => {
        this.refreshDirOffsets(state);
        try {
          await Promise.all([
            state.files.recoveryPoints.write(offsetCheckpointLines(state.recoveryPoints)),
            state.files.logStartOffsets.write(offsetCheckpointLines(state.logStartOffsets)),
            state.files.cleanerOffsets.write(offsetCheckpointLines(state.cleanerOffsets)),
          ]);
        } catch (err) {
          this.logger.error({ dir: state.dir, err: describeError(err) }, "could not write log dir checkpoints");
        }
      }),
    );
  }

  /** checkpoint() for one dir, blocking (start-up and log deletion). */
  private checkpointDirSync(state: LogDirState): void {
    this.refreshDirOffsets(state);
    try {
      state.files.recoveryPoints.writeSync(offsetCheckpointLines(state.recoveryPoints));
      state.files.logStartOffsets.writeSync(offsetCheckpointLines(state.logStartOffsets));
      state.files.cleanerOffsets.writeSync(offsetCheckpointLines(state.cleanerOffsets));
    } catch (err) {
      this.logger.error({ dir: state.dir, err: describeError(err) }, "could not write log dir checkpoints");
    }
  }

  private refreshDirOffsets(state: LogDirState): void {
    for (const [name, { log, dir }] of this.logs) {
      if (dir !== state || log.offline) continue;
      state.recoveryPoints.set(name, Number(log.recoveryPoint));
      state.logStartOffsets.set(name, Number(log.logStartOffset));
      state.cleanerOffsets.set(name, log.cleanerCheckpoint);
    }
  }

  /** Writes every dir's replication-offset-checkpoint (with replicatedHighWatermarks), off the event loop. */
  async checkpointHighWatermarks(): Promise<void> {
    if (!this.opts.replicatedHighWatermarks) return;
    await Promise.all(
      this.dirs.map((state) =>
        state.files.highWatermarks.write(this.highWatermarkLines(state)).catch((err: unknown) => {
          this.logger.error({ dir: state.dir, err: describeError(err) }, "could not write the high watermark checkpoint");
        }),
      ),
    );
  }

  /**
   * The high watermarks of the logs held in this dir now: a log that failed keeps the value last
   * written (its high watermark is no longer maintained), a log no longer held here leaves.
   */
  private highWatermarkLines(state: LogDirState): string[] {
    for (const name of state.highWatermarks.keys()) if (this.logs.get(name)?.dir !== state) state.highWatermarks.delete(name);
    for (const [name, { log, dir }] of this.logs) {
      if (dir === state && (!log.offline || log.closedCleanly)) state.highWatermarks.set(name, Number(log.highWatermark));
    }
    return offsetCheckpointLines(state.highWatermarks);
  }

  private writeLogStartOffsets(state: LogDirState): void {
    for (const [name, { log, dir }] of this.logs) {
      if (dir === state && !log.offline) state.logStartOffsets.set(name, Number(log.logStartOffset));
    }
    // Blocking, so DeleteRecords answers only once the new start is durable (rare, unlike the periodic writes).
    try {
      state.files.logStartOffsets.writeSync(offsetCheckpointLines(state.logStartOffsets));
    } catch (err) {
      this.logger.error({ dir: state.dir, err: describeError(err) }, "could not write the log start offset checkpoint");
    }
  }

  private startTimers(): void {
    const every = (name: string, ms: number, fn: () => Promise<unknown> | unknown) => {
      const t = setInterval(() => {
        if (this.closed || this.busy.has(name)) return;
        this.busy.add(name);
        const p = Promise.resolve()
          .then(fn)
          .catch((err) => this.logger.error({ task: name, err: describeError(err) }, "scheduled storage task failed"))
          .finally(() => {
            this.busy.delete(name);
            this.running.delete(p);
          });
        this.running.add(p);
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every("retention", this.opts.retentionCheckIntervalMs ?? 300_000, () => this.runRetention());
    every("flush", this.opts.flushCheckIntervalMs ?? 1_000, () => this.flushDue());
    every("checkpoint", this.opts.checkpointIntervalMs ?? 60_000, () => this.checkpoint());
    if (this.opts.replicatedHighWatermarks) {
      every("high-watermark-checkpoint", this.opts.highWatermarkCheckpointIntervalMs ?? 5_000, () => this.checkpointHighWatermarks());
    }
    if (this.opts.cleanerEnabled ?? true) every("cleaner", this.opts.cleanerIntervalMs ?? 15_000, () => this.runCleaner());
  }

  /** Stops the timers, closes every log, writes checkpoints and the clean-shutdown markers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.running, ...this.creating.values()]);
    const logs = this.allLogs();
    // Recovery points are final only once each log has flushed on close.
    await Promise.all(logs.map((l) => l.close()));
    // Async checkpoint writes still running would otherwise be dropped (the writes below are newer) half-way.
    await Promise.all(this.dirs.flatMap((state) => Object.values(state.files).map((f) => f.idle())));
    for (const state of this.dirs) {
      for (const [name, { log, dir }] of this.logs) {
        if (dir !== state) continue;
        state.recoveryPoints.set(name, Number(log.closedCleanly ? log.logEndOffset : log.recoveryPoint));
        state.logStartOffsets.set(name, Number(log.logStartOffset));
        state.cleanerOffsets.set(name, log.cleanerCheckpoint);
      }
      const failed = logs.some((l) => this.logs.get(`${l.topic}-${l.partition}`)?.dir === state && !l.closedCleanly);
      // Replication stopped before the logs closed: these are the last high watermarks.
      try {
        if (this.opts.replicatedHighWatermarks) state.files.highWatermarks.writeSync(this.highWatermarkLines(state));
        state.files.recoveryPoints.writeSync(offsetCheckpointLines(state.recoveryPoints));
        state.files.logStartOffsets.writeSync(offsetCheckpointLines(state.logStartOffsets));
        state.files.cleanerOffsets.writeSync(offsetCheckpointLines(state.cleanerOffsets));
        if (!failed) writeFileAtomic(path.join(state.dir, CLEAN_SHUTDOWN_MARKER), JSON.stringify({ version: 0, brokerEpoch: -1 }));
      } catch (err) {
        this.logger.error({ dir: state.dir, err: describeError(err) }, "could not write shutdown checkpoints");
      }
    }
    this.logger.info({ logs: logs.length }, "log manager closed");
  }
}

/**
 * The dir's high watermarks. An unreadable file fails the log dir, as Kafka treats it (a storage
 * error: the dir goes offline, and a broker whose only dir failed halts). Starting from the log
 * starts would be safe as well (replication raises them again), but a file written atomically is
 * unreadable only after a disk or operator error, which should not go unnoticed.
 */
function readHighWatermarkCheckpoint(dir: string): Map<string, number> {
  const file = path.join(dir, REPLICATION_OFFSET_CHECKPOINT);
  try {
    return readOffsetCheckpoint(file);
  } catch (err) {
    throw new Error(
      `log dir ${dir} failed: ${REPLICATION_OFFSET_CHECKPOINT} is unreadable (${describeError(err)}); ` +
        "repair or remove the file (without it each partition's high watermark starts at its log start offset)",
      { cause: err },
    );
  }
}

function readCheckpointOrEmpty(file: string, logger: Logger): Map<string, number> {
  try {
    return readOffsetCheckpoint(file);
  } catch (err) {
    logger.warn({ file, err: describeError(err) }, "ignoring an unreadable checkpoint");
    return new Map();
  }
}
