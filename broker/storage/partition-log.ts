// One partition's log: appends (validate, assign offsets, write), reads, the high watermark,
// durability, rolling, retention and the hooks compaction and recovery need.
//
// Appends are decided synchronously — validation, producer checks, offset assignment, index
// book-keeping — so concurrent appends never interleave; the bytes then go through a write queue
// that coalesces whatever piled up into one writev, and through group commit when fsync is due.
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { Uuid } from "../protocol/primitives.js";
import {
  BATCH,
  INT32_MAX,
  type RecordBatchView,
  decodeRecords,
  isRecordsError,
  parseControlRecord,
  readInt64Number,
  validateBatches,
  writeInt64Number,
} from "../protocol/records.js";
import { type CleanStats, type CompactOptions, compactLog } from "./cleaner.js";
import { type Clock, schedule, systemClock } from "./clock.js";
import type { AppendError, ReadErrorName } from "./errors.js";
import { LogOfflineError, describeError } from "./errors.js";
import { type FileIo, nodeFileIo, writeFileAtomic, writeFileAtomicAsync } from "./file-io.js";
import { DELETED_SUFFIX, LEADER_EPOCH_CHECKPOINT, SNAPSHOT_SUFFIX, offsetFileName, parseOffsetFileName } from "./file-names.js";
import { GroupCommit, flushDueByMessages, flushDueByTime, syncsEveryAppend } from "./flush-policy.js";
import { LeaderEpochCache, UNDEFINED_EPOCH } from "./leader-epoch-cache.js";
import { type LogConfig, isCompacted } from "./log-config.js";
import { readPartitionMetadata, writePartitionMetadata } from "./partition-metadata.js";
import { decodeSnapshot, encodeSnapshot } from "./producer-snapshot.js";
import {
  type BatchMetadata,
  type ProducerBatch,
  type ProducerOrigin,
  ProducerStateManager,
  type ProducerStateOptions,
  type ProducerSummary,
} from "./producer-state.js";
import { RecentBatches } from "./recent-batches.js";
import { recoverSegments } from "./recovery.js";
import { segmentsToDelete } from "./retention.js";
import { LogSegment, segmentOptions } from "./segment.js";

export type AppendOrigin = "client" | "coordinator";

export interface AppendOptions {
  leaderEpoch: number;
  origin: AppendOrigin;
  /** Defaults to the topic's max.message.bytes. */
  maxMessageBytes?: number;
}

export interface AppendSuccess {
  baseOffset: bigint;
  lastOffset: bigint;
  /** -1n unless the topic uses LogAppendTime. */
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  /** A retried batch already in the log: these are its original offsets, nothing was written. */
  duplicate?: boolean;
}

export type AppendResult = AppendSuccess | AppendError;

export type UpperBound = "highWatermark" | "lastStable" | "logEnd";

export interface ReadOptions {
  minOneMessage: boolean;
  upperBound: UpperBound;
}

export interface ReadSuccess {
  records: Buffer;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

export interface ReadError {
  error: ReadErrorName;
  message: string;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

export type ReadResult = ReadSuccess | ReadError;

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
  /** Leader epoch of the batch holding the offset, or -1 when unknown. */
  leaderEpoch: number;
}

/** ListOffsets' special timestamps. */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;
export const EARLIEST_LOCAL_TIMESTAMP = -4n;

export interface LogStats {
  appends: number;
  /** writev calls: fewer than appends when writes were coalesced. */
  writes: number;
  /** fdatasync calls made by group commit (not counting roll/close syncs). */
  fsyncs: number;
  bytesAppended: number;
  cacheReads: number;
  diskReads: number;
}

export interface PartitionLogHooks {
  onLogStartOffsetChanged?: (log: PartitionLog) => void;
  onOffline?: (log: PartitionLog, err: unknown) => void;
}

export interface PartitionLogOptions {
  /** The partition directory (`<log.dir>/<topic>-<partition>`). */
  dir: string;
  topic: string;
  partition: number;
  topicId?: Uuid;
  config: LogConfig;
  logger: Logger;
  clock?: Clock;
  io?: FileIo;
  /** From recovery-point-offset-checkpoint: where recovery starts after an unclean shutdown. */
  recoveryPoint?: bigint;
  /** From log-start-offset-checkpoint. */
  logStartOffset?: bigint;
  /** The log dir held .kafka_cleanshutdown: trust the files. */
  cleanShutdown?: boolean;
  /** Per-partition budget for the in-memory tail (default 8 MiB). */
  cacheBytes?: number;
  producerState?: ProducerStateOptions;
  hooks?: PartitionLogHooks;
}

export const DEFAULT_CACHE_BYTES = 8 * 1024 * 1024;

interface WriteItem {
  kind: "write";
  segment: LogSegment;
  position: number;
  buf: Buffer;
  endOffset: number;
  messages: number;
  done: (err?: unknown) => void;
}

interface TaskItem {
  kind: "task";
  run: () => Promise<void>;
}

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  private topicIdValue: Uuid | undefined;
  private cfg: LogConfig;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly io: FileIo;
  private readonly hooks: PartitionLogHooks;

  private segments: LogSegment[];
  private nextOffset: number;
  private writtenEnd: number;
  private hw: number;
  private logStart: number;
  private readonly epochs: LeaderEpochCache;
  private readonly producers: ProducerStateManager;
  private readonly cache: RecentBatches;
  private readonly commit: GroupCommit;

  private queue: (WriteItem | TaskItem)[] = [];
  private pumping = false;
  private idleWaiters: (() => void)[] = [];
  private unflushedMessages = 0;
  private lastFlushMs: number;
  private hwListeners = new Set<(hw: bigint) => void>();
  private maintenance: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  private closed = false;
  /** Where the next compaction's dirty section starts (cleaner-offset-checkpoint). */
  cleanerCheckpoint = 0;

  readonly stats: LogStats = { appends: 0, writes: 0, fsyncs: 0, bytesAppended: 0, cacheReads: 0, diskReads: 0 };

  private constructor(
    opts: PartitionLogOptions,
    segments: LogSegment[],
    nextOffset: number,
    logStart: number,
    epochs: LeaderEpochCache,
    producers: ProducerStateManager,
  ) {
    this.topic = opts.topic;
    this.partition = opts.partition;
    this.dir = opts.dir;
    this.topicIdValue = opts.topicId;
    this.cfg = opts.config;
    this.logger = opts.logger;
    this.clock = opts.clock ?? systemClock;
    this.io = opts.io ?? nodeFileIo;
    this.hooks = opts.hooks ?? {};
    this.segments = segments;
    this.nextOffset = nextOffset;
    this.writtenEnd = nextOffset;
    this.hw = nextOffset;
    this.logStart = logStart;
    this.epochs = epochs;
    this.producers = producers;
    this.cache = new RecentBatches(opts.cacheBytes ?? DEFAULT_CACHE_BYTES);
    this.lastFlushMs = this.clock.nowMs();
    this.commit = new GroupCommit(
      nextOffset,
      () => this.writtenEnd,
      () => this.syncDirtySegments(),
      (end) => this.onSynced(end),
    );
  }

  /** Opens (creating if needed) and recovers the log in `opts.dir`. */
  static async open(opts: PartitionLogOptions): Promise<PartitionLog> {
    const { dir, logger } = opts;
    const io = opts.io ?? nodeFileIo;
    const clock = opts.clock ?? systemClock;
    fs.mkdirSync(dir, { recursive: true });
    const stored = readPartitionMetadata(dir);
    if (opts.topicId !== undefined) {
      if (stored !== undefined && stored !== opts.topicId) {
        throw new Error(`partition ${dir} belongs to topic id ${stored}, not ${opts.topicId}`);
      }
      if (stored === undefined) writePartitionMetadata(dir, opts.topicId);
    }
    const topicId = opts.topicId ?? stored;
    const cleanShutdown = opts.cleanShutdown ?? false;
    const loadedEpochs = LeaderEpochCache.load(path.join(dir, LEADER_EPOCH_CHECKPOINT));
    const epochs = loadedEpochs.cache;
    const initialOffset = opts.logStartOffset !== undefined ? Number(opts.logStartOffset) : 0;
    const recovered = await recoverSegments({
      dir,
      segmentOptions: segmentOptions(opts.config),
      io,
      logger,
      cleanShutdown,
      recoveryPoint: opts.recoveryPoint !== undefined ? Number(opts.recoveryPoint) : undefined,
      initialOffset,
      onRecoveredBatch: (view) => {
        const epoch = view.partitionLeaderEpoch;
        if (epoch >= 0 && epoch > (epochs.latestEpoch ?? -1)) epochs.assign(epoch, readInt64Number(view.buf, view.pos));
      },
    });
    const segments = recovered.segments;
    const nextOffset = recovered.nextOffset;
    let logStart = Math.max(initialOffset, segments[0]!.baseOffset);
    if (logStart > nextOffset) logStart = nextOffset;
    const epochsChanged = epochs.truncateFromEnd(nextOffset) || epochs.truncateFromStart(logStart);
    if (epochsChanged || recovered.recovered || !loadedEpochs.valid) epochs.persist();

    const producers = new ProducerStateManager(opts.producerState);
    const log = new PartitionLog({ ...opts, topicId }, segments, nextOffset, logStart, epochs, producers);
    await log.loadProducerState(nextOffset);
    const active = log.active;
    const now = clock.nowMs();
    if (active.size === 0 || active.rollBaseMs < 0 || active.rollBaseMs > now) active.rollBaseMs = now;
    log.logger.info(
      {
        topic: log.topic,
        partition: log.partition,
        logStartOffset: logStart,
        logEndOffset: nextOffset,
        segments: segments.length,
        recovered: recovered.recovered,
        truncatedBytes: recovered.truncatedBytes,
      },
      "log loaded",
    );
    return log;
  }

  // -------------------------------------------------------------------------------------------
  // State

  get topicId(): Uuid | undefined {
    return this.topicIdValue;
  }
  get config(): LogConfig {
    return this.cfg;
  }
  get logStartOffset(): bigint {
    return BigInt(this.logStart);
  }
  get logEndOffset(): bigint {
    return BigInt(this.nextOffset);
  }
  get highWatermark(): bigint {
    return BigInt(this.hw);
  }
  get lastStableOffset(): bigint {
    return BigInt(this.lso());
  }
  /** Everything below is fsynced: recovery after a crash starts here. */
  get recoveryPoint(): bigint {
    return BigInt(this.commit.synced);
  }
  get sizeInBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }
  get numberOfSegments(): number {
    return this.segments.length;
  }
  get latestEpoch(): number | undefined {
    return this.epochs.latestEpoch;
  }
  get offline(): boolean {
    return this.failure !== undefined || this.closed;
  }
  /** Closed after a successful final flush (the log dir may get its clean-shutdown marker). */
  get closedCleanly(): boolean {
    return this.closed && this.failure === undefined;
  }
  /** @internal The segments, oldest first (compaction and tests). */
  get segmentList(): readonly LogSegment[] {
    return this.segments;
  }
  /** @internal */
  get producerState(): ProducerStateManager {
    return this.producers;
  }
  /** @internal */
  get logClock(): Clock {
    return this.clock;
  }
  /** @internal */
  get log(): Logger {
    return this.logger;
  }
  /** @internal */
  get fileIo(): FileIo {
    return this.io;
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  private lso(): number {
    const unstable = this.producers.firstUnstableOffset();
    return unstable === undefined ? this.hw : Math.min(unstable, this.hw);
  }

  updateConfig(config: LogConfig): void {
    const before = this.cfg;
    this.cfg = config;
    if (before.indexIntervalBytes !== config.indexIntervalBytes || before.segmentIndexBytes !== config.segmentIndexBytes) {
      this.active.updateOptions(segmentOptions(config));
    }
    this.logger.info({ topic: this.topic, partition: this.partition }, "log config updated");
  }

  onHighWatermark(listener: (hw: bigint) => void): () => void {
    this.hwListeners.add(listener);
    return () => this.hwListeners.delete(listener);
  }

  activeProducers(): ProducerSummary[] {
    return this.producers.summaries();
  }

  // -------------------------------------------------------------------------------------------
  // Append

  /**
   * Appends one produce request's records (or a coordinator's batches). Takes ownership of
   * `records`: base offsets, leader epochs and (LogAppendTime) timestamps are rewritten in place.
   */
  append(records: Buffer, opts: AppendOptions): Promise<AppendResult> {
    if (this.offline) return Promise.resolve(this.storageError());
    const maxMessageBytes = opts.maxMessageBytes ?? this.cfg.maxMessageBytes;
    const valid = validateBatches(records, { maxMessageBytes, origin: opts.origin });
    if (isRecordsError(valid)) return Promise.resolve({ error: valid.code, message: valid.message });
    if (records.length > this.cfg.segmentBytes) {
      return Promise.resolve({
        error: "RECORD_LIST_TOO_LARGE",
        message: `${records.length} bytes exceed segment.bytes ${this.cfg.segmentBytes}`,
      });
    }
    const batches = valid.batches;
    if (opts.origin === "client" && isCompacted(this.cfg)) {
      const keyError = checkKeys(batches, this.topic, this.partition);
      if (keyError) return Promise.resolve(keyError);
    }
    const now = this.clock.nowMs();
    const base = this.nextOffset;
    const end = base + valid.offsetCount;
    const producerBatches = describeProducerBatches(batches, base);
    let prepared;
    if (producerBatches.length > 0) {
      prepared = this.producers.prepare(producerBatches, opts.origin as ProducerOrigin);
      if ("error" in prepared) return Promise.resolve(prepared);
      if ("duplicate" in prepared) return this.answerDuplicate(prepared.duplicate);
    }
    try {
      const logAppendTime = this.cfg.messageTimestampType === "LogAppendTime";
      let offset = base;
      for (const b of batches) {
        writeInt64Number(b.buf, b.pos, offset);
        b.partitionLeaderEpoch = opts.leaderEpoch;
        if (logAppendTime) b.setLogAppendTime(BigInt(now));
        else if (b.timestampType === "LogAppendTime") b.setCreateTime();
        offset += b.lastOffsetDelta + 1;
      }
      this.maybeRoll(records.length, end - 1, now);
      const seg = this.active;
      if (seg.size === 0) seg.rollBaseMs = now;
      const position = seg.size;
      let pos = position;
      for (const b of batches) {
        const size = b.size;
        const batchMax = readInt64Number(b.buf, b.pos + BATCH.maxTimestamp);
        seg.onBatch(pos, size, readInt64Number(b.buf, b.pos) + b.lastOffsetDelta, batchMax);
        pos += size;
      }
      seg.size = pos;
      if (opts.leaderEpoch >= 0 && this.epochs.assign(opts.leaderEpoch, base)) this.epochs.persist();
      if (prepared && "updates" in prepared) this.producers.commit(prepared, end);
      else this.producers.mapEndOffset = end;
      this.nextOffset = end;
      // Keep our own copy only when the caller's buffer is mostly other data (a whole request
      // frame): caching a small view would pin the large frame in memory.
      const buf = records.length * 2 < records.buffer.byteLength ? Buffer.from(records) : records;
      this.cache.add(base, end, buf);
      this.stats.appends++;
      this.stats.bytesAppended += buf.length;
      let resolveFn!: (r: AppendResult) => void;
      const result = new Promise<AppendResult>((r) => (resolveFn = r));
      const success: AppendSuccess = {
        baseOffset: BigInt(base),
        lastOffset: BigInt(end - 1),
        logAppendTimeMs: logAppendTime ? BigInt(now) : -1n,
        logStartOffset: 0n,
      };
      this.enqueue({
        kind: "write",
        segment: seg,
        position,
        buf,
        endOffset: end,
        messages: valid.offsetCount,
        done: (err) => {
          if (err !== undefined) resolveFn(this.storageError());
          else resolveFn({ ...success, logStartOffset: BigInt(this.logStart) });
        },
      });
      return result;
    } catch (err) {
      this.fail(err);
      return Promise.resolve(this.storageError());
    }
  }

  private async answerDuplicate(dup: BatchMetadata): Promise<AppendResult> {
    try {
      await this.waitForHighWatermark(dup.lastOffset + 1);
    } catch {
      return this.storageError();
    }
    const lat = this.cfg.messageTimestampType === "LogAppendTime";
    return {
      baseOffset: BigInt(dup.firstOffset),
      lastOffset: BigInt(dup.lastOffset),
      logAppendTimeMs: lat ? BigInt(dup.timestamp) : -1n,
      logStartOffset: BigInt(this.logStart),
      duplicate: true,
    };
  }

  private waitForHighWatermark(offset: number): Promise<void> {
    if (this.hw >= offset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.onHighWatermark(() => {
        if (this.offline) {
          off();
          reject(new LogOfflineError("log offline"));
        } else if (this.hw >= offset) {
          off();
          resolve();
        }
      });
    });
  }

  private maybeRoll(bytes: number, lastOffset: number, now: number): void {
    const seg = this.active;
    if (seg.size === 0) return;
    const reason =
      seg.size + bytes > this.cfg.segmentBytes
        ? "segment.bytes"
        : now - seg.rollBaseMs > this.cfg.segmentMs
          ? "segment.ms"
          : seg.isIndexFull
            ? "index full"
            : lastOffset - seg.baseOffset > INT32_MAX
              ? "offset overflow"
              : undefined;
    if (reason) this.rollNow(reason);
  }

  /** Starts a new active segment at the log end; the old one is sealed and synced in the background. */
  private rollNow(reason: string): void {
    const old = this.active;
    const base = this.nextOffset;
    if (old.size === 0) return;
    const seg = LogSegment.create(this.dir, base, segmentOptions(this.cfg), this.io);
    seg.rollBaseMs = this.clock.nowMs();
    this.segments.push(seg);
    const snapshot = encodeSnapshot(this.producers.toSnapshot());
    this.enqueue({
      kind: "task",
      run: async () => {
        old.seal();
        await this.commit.request(base);
        await writeFileAtomicAsync(path.join(this.dir, offsetFileName(base, SNAPSHOT_SUFFIX)), snapshot);
        this.deleteSnapshotsBefore(this.segments[0]!.baseOffset);
      },
    });
    this.logger.info({ topic: this.topic, partition: this.partition, baseOffset: base, reason }, "segment rolled");
  }

  /** Rolls now if the active segment holds data (tests, and retention emptying the log). */
  async roll(): Promise<void> {
    if (this.offline) throw new LogOfflineError("log offline");
    this.rollNow("requested");
    await this.drain();
  }

  // -------------------------------------------------------------------------------------------
  // Write queue and durability

  private enqueue(item: WriteItem | TaskItem): void {
    this.queue.push(item);
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const first = this.queue[0]!;
        if (first.kind === "task") {
          this.queue.shift();
          // Runs beside later writes: it touches only the sealed segment and sync state.
          first.run().catch((err) => this.fail(err));
          continue;
        }
        let n = 1;
        let bytes = first.buf.length;
        while (n < this.queue.length) {
          const next = this.queue[n]!;
          if (next.kind !== "write" || next.segment !== first.segment || next.position !== first.position + bytes) break;
          bytes += next.buf.length;
          n++;
        }
        const items = this.queue.splice(0, n) as WriteItem[];
        try {
          await this.io.writev(first.segment.fd, items.map((i) => i.buf), first.position);
        } catch (err) {
          this.fail(err);
          for (const i of items) i.done(err);
          return;
        }
        this.stats.writes++;
        const last = items[items.length - 1]!;
        first.segment.writtenSize = first.position + bytes;
        this.dirty.add(first.segment);
        this.writtenEnd = last.endOffset;
        this.cache.markWritten(this.writtenEnd);
        let messages = 0;
        for (const i of items) messages += i.messages;
        this.unflushedMessages += messages;
        this.afterWrite(items);
      }
    } finally {
      this.pumping = false;
      if (this.failure !== undefined) this.rejectQueued();
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private afterWrite(items: WriteItem[]): void {
    if (syncsEveryAppend(this.cfg)) {
      const target = this.writtenEnd;
      this.commit.request(target).then(
        () => {
          for (const i of items) i.done();
        },
        (err) => {
          this.fail(err);
          for (const i of items) i.done(err);
        },
      );
      return;
    }
    this.setHighWatermark(this.writtenEnd);
    if (flushDueByMessages(this.cfg, this.unflushedMessages)) {
      this.commit.request(this.writtenEnd).then(
        () => {
          for (const i of items) i.done();
        },
        (err) => {
          this.fail(err);
          for (const i of items) i.done(err);
        },
      );
      return;
    }
    for (const i of items) i.done();
  }

  private dirty = new Set<LogSegment>();

  private async syncDirtySegments(): Promise<void> {
    const segs = [...this.dirty];
    this.dirty.clear();
    this.unflushedMessages = 0;
    this.lastFlushMs = this.clock.nowMs();
    try {
      await Promise.all(segs.map((s) => (s.isClosed ? undefined : this.io.datasync(s.fd))));
    } catch (err) {
      for (const s of segs) this.dirty.add(s);
      throw err;
    }
    this.stats.fsyncs++;
  }

  private onSynced(end: number): void {
    if (syncsEveryAppend(this.cfg)) this.setHighWatermark(end);
  }

  private setHighWatermark(offset: number): void {
    const hw = Math.min(offset, this.nextOffset);
    if (hw <= this.hw) return;
    this.hw = hw;
    if (!(this.logStart <= this.hw && this.hw <= this.nextOffset)) {
      throw new Error(`invariant broken: logStart ${this.logStart} <= hw ${this.hw} <= logEnd ${this.nextOffset}`);
    }
    this.notify();
  }

  /**
   * For replication: the leader sets the high watermark from follower progress. Single-node logs
   * move it themselves as appends become durable.
   */
  updateHighWatermark(offset: bigint): void {
    this.setHighWatermark(Number(offset));
  }

  private notify(): void {
    const hw = BigInt(this.hw);
    for (const l of this.hwListeners) {
      try {
        l(hw);
      } catch (err) {
        this.logger.error({ err, topic: this.topic, partition: this.partition }, "high watermark listener failed");
      }
    }
  }

  /** Resolves when every queued write has been issued. */
  private drain(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** fsyncs everything appended so far. */
  async flush(): Promise<void> {
    await this.drain();
    if (this.failure !== undefined) throw new LogOfflineError(describeError(this.failure));
    await this.commit.request(this.writtenEnd);
  }

  /** Flushes when flush.ms has passed since the last flush (called by the LogManager's scheduler). */
  async flushIfDue(nowMs = this.clock.nowMs()): Promise<boolean> {
    if (this.offline || !flushDueByTime(this.cfg, this.lastFlushMs, nowMs, this.unflushedMessages)) return false;
    await this.flush();
    return true;
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err ?? new Error("unknown storage failure");
    this.logger.error({ err, topic: this.topic, partition: this.partition }, "log offline after a storage error");
    this.rejectQueued();
    this.notify();
    this.hooks.onOffline?.(this, err);
  }

  private rejectQueued(): void {
    const items = this.queue;
    this.queue = [];
    for (const i of items) if (i.kind === "write") i.done(this.failure);
  }

  private storageError(): AppendError & ReadError {
    return {
      error: "KAFKA_STORAGE_ERROR",
      message: this.closed ? "log is closed" : `log is offline: ${describeError(this.failure)}`,
      logStartOffset: BigInt(this.logStart),
      logEndOffset: BigInt(this.nextOffset),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Read

  async read(fetchOffset: bigint, maxBytes: number, opts: ReadOptions): Promise<ReadResult> {
    if (this.offline) return this.storageError();
    const offset = Number(fetchOffset);
    if (offset < this.logStart || offset > this.nextOffset) {
      return {
        error: "OFFSET_OUT_OF_RANGE",
        message: `offset ${fetchOffset} is outside [${this.logStart}, ${this.nextOffset}]`,
        logStartOffset: BigInt(this.logStart),
        logEndOffset: BigInt(this.nextOffset),
      };
    }
    const bound = opts.upperBound === "logEnd" ? this.nextOffset : opts.upperBound === "lastStable" ? this.lso() : this.hw;
    let records: Buffer = EMPTY;
    if (offset < bound) {
      const cached = this.cache.read(offset, maxBytes, bound, opts.minOneMessage);
      if (cached !== undefined) {
        records = cached;
        this.stats.cacheReads++;
      } else {
        try {
          records = await this.readFromSegments(offset, maxBytes, bound, opts.minOneMessage);
        } catch (err) {
          this.fail(err);
          return this.storageError();
        }
        this.stats.diskReads++;
      }
    }
    return {
      records,
      highWatermark: BigInt(this.hw),
      lastStableOffset: BigInt(this.lso()),
      logStartOffset: BigInt(this.logStart),
      logEndOffset: BigInt(this.nextOffset),
    };
  }

  private async readFromSegments(offset: number, maxBytes: number, bound: number, minOne: boolean): Promise<Buffer> {
    let idx = this.floorSegmentIndex(offset);
    // Compaction can empty the tail of a segment: move on to the next until data or the bound.
    while (idx >= 0 && idx < this.segments.length) {
      const seg = this.segments[idx]!;
      if (seg.baseOffset >= bound) break;
      const data = await seg.read(Math.max(offset, seg.baseOffset), maxBytes, bound, minOne);
      if (data.length > 0) return data;
      idx++;
    }
    return EMPTY;
  }

  private floorSegmentIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  // -------------------------------------------------------------------------------------------
  // ListOffsets, OffsetForLeaderEpoch, DeleteRecords

  /**
   * ListOffsets: -2 earliest (and -4 earliest-local), -1 latest (the log end: callers cap it at
   * the high watermark or LSO), -3 the record with the largest timestamp, otherwise the first
   * record whose timestamp is at or after `ts`. Null when no record qualifies.
   */
  async offsetForTimestamp(ts: bigint): Promise<TimestampOffset | null> {
    if (this.offline) throw new LogOfflineError("log offline");
    if (ts === EARLIEST_TIMESTAMP || ts === EARLIEST_LOCAL_TIMESTAMP) {
      return { timestamp: -1n, offset: BigInt(this.logStart), leaderEpoch: this.epochs.epochForOffset(this.logStart) };
    }
    if (ts === LATEST_TIMESTAMP) {
      return { timestamp: -1n, offset: BigInt(this.nextOffset), leaderEpoch: this.epochs.latestEpoch ?? UNDEFINED_EPOCH };
    }
    if (ts === MAX_TIMESTAMP) return this.maxTimestampOffset();
    if (ts < 0n) return null;
    const target = Number(ts);
    for (const seg of this.segments) {
      if (seg.nextOffset <= this.logStart && seg !== this.active) continue;
      if ((await seg.largestTimestamp()) < target || seg.maxTimestamp < target) continue;
      const view = await seg.findBatchByTimestamp(target, this.logStart);
      if (!view) continue;
      return firstRecordAtOrAfter(view, target, this.logStart);
    }
    return null;
  }

  private async maxTimestampOffset(): Promise<TimestampOffset | null> {
    let best: LogSegment | undefined;
    for (const seg of this.segments) {
      await seg.ensureLoaded();
      if (seg.maxTimestamp >= 0 && (!best || seg.maxTimestamp > best.maxTimestamp)) best = seg;
    }
    if (!best || best.offsetOfMaxTimestamp < this.logStart) return null;
    const view = await best.batchAt(best.offsetOfMaxTimestamp);
    if (!view) return null;
    return firstRecordAtOrAfter(view, best.maxTimestamp, this.logStart);
  }

  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: bigint } {
    const r = this.epochs.endOffsetFor(epoch, this.nextOffset);
    return { epoch: r.epoch, endOffset: BigInt(r.endOffset) };
  }

  /** DeleteRecords: moves the log start forward (-1n means the high watermark). */
  async deleteRecordsBefore(
    offset: bigint,
  ): Promise<{ lowWatermark: bigint } | { error: "OFFSET_OUT_OF_RANGE" | "KAFKA_STORAGE_ERROR"; message: string }> {
    if (this.offline) return this.storageError();
    const target = offset === -1n ? this.hw : Number(offset);
    if (target < 0 || target > this.hw) {
      return { error: "OFFSET_OUT_OF_RANGE", message: `offset ${offset} is above the high watermark ${this.hw}` };
    }
    if (target > this.logStart) {
      this.advanceLogStart(target, "delete-records");
      try {
        await this.deleteOldSegments();
      } catch (err) {
        this.fail(err);
        return this.storageError();
      }
    }
    return { lowWatermark: BigInt(this.logStart) };
  }

  private advanceLogStart(offset: number, reason: string): void {
    if (offset <= this.logStart) return;
    this.logStart = offset;
    if (this.epochs.truncateFromStart(offset)) this.epochs.persist();
    this.logger.info({ topic: this.topic, partition: this.partition, logStartOffset: offset, reason }, "log start offset advanced");
    this.hooks.onLogStartOffsetChanged?.(this);
  }

  // -------------------------------------------------------------------------------------------
  // Retention, compaction, truncation

  /** Runs `fn` exclusively with other maintenance (retention, compaction, truncation). */
  withMaintenance<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(fn, fn);
    this.maintenance = run.catch(() => undefined);
    return run;
  }

  /** Applies retention.ms, retention.bytes and the log start offset; returns segments deleted. */
  deleteOldSegments(): Promise<number> {
    return this.withMaintenance(async () => {
      if (this.offline) return 0;
      const now = this.clock.nowMs();
      const infos = [];
      for (let i = 0; i < this.segments.length; i++) {
        const seg = this.segments[i]!;
        const isActive = i === this.segments.length - 1;
        infos.push({
          size: seg.size,
          largestTimestamp: await seg.largestTimestamp(),
          upperBoundOffset: isActive ? this.nextOffset : this.segments[i + 1]!.baseOffset,
          isActive,
        });
      }
      const decision = segmentsToDelete({
        segments: infos,
        config: this.cfg,
        nowMs: now,
        logStartOffset: this.logStart,
        highWatermark: this.hw,
      });
      if (decision.count === 0) return 0;
      if (decision.count === this.segments.length) {
        this.rollNow("retention");
        await this.drain();
      }
      const doomed = this.segments.slice(0, decision.count);
      this.removeSegments(doomed, decision.reasons[0] ?? "retention");
      return doomed.length;
    });
  }

  /** @internal Takes segments out of the log and deletes their files after file.delete.delay.ms. */
  removeSegments(doomed: readonly LogSegment[], reason: string): void {
    const set = new Set(doomed);
    this.segments = this.segments.filter((s) => !set.has(s));
    for (const seg of doomed) {
      this.dirty.delete(seg);
      seg.markDeleted();
      seg.renameFiles("", DELETED_SUFFIX);
      schedule(this.cfg.fileDeleteDelayMs, () => {
        seg.close();
        seg.deleteFiles(DELETED_SUFFIX);
      });
      this.logger.info({ topic: this.topic, partition: this.partition, baseOffset: seg.baseOffset, reason }, "segment deleted");
    }
    const first = this.segments[0]!.baseOffset;
    if (first > this.logStart) this.advanceLogStart(first, reason);
    this.deleteSnapshotsBefore(first);
  }

  /** @internal Compaction's swap: `replacement` takes the place of `old` (contiguous, oldest first). */
  replaceSegments(old: readonly LogSegment[], replacement: LogSegment): void {
    const i = this.segments.indexOf(old[0]!);
    if (i < 0) throw new Error("segments to replace are no longer in the log");
    this.segments.splice(i, old.length, replacement);
  }

  /** Compacts the log now if it is compacted (and dirty enough, unless forced). */
  compact(opts: CompactOptions = {}): Promise<CleanStats | null> {
    return this.withMaintenance(() => compactLog(this, opts));
  }

  /** Removes everything at and after `offset` (replication truncation). */
  truncateTo(offset: bigint): Promise<void> {
    return this.withMaintenance(async () => {
      const target = Number(offset);
      await this.drain();
      if (target >= this.nextOffset) return;
      if (target < this.logStart) throw new Error(`cannot truncate to ${target} below the log start ${this.logStart}`);
      while (this.segments.length > 1 && this.active.baseOffset >= target) {
        const seg = this.segments.pop()!;
        seg.close();
        seg.deleteFiles("");
      }
      await this.active.truncateTo(target);
      this.active.sealed = false;
      this.nextOffset = this.active.nextOffset;
      this.writtenEnd = this.nextOffset;
      this.hw = Math.min(this.hw, this.nextOffset);
      this.commit.reset(this.nextOffset);
      this.cache.clear();
      if (this.epochs.truncateFromEnd(this.nextOffset)) this.epochs.persist();
      this.deleteSnapshotsAfter(this.nextOffset);
      await this.loadProducerState(this.nextOffset);
      this.logger.info({ topic: this.topic, partition: this.partition, logEndOffset: this.nextOffset }, "log truncated");
    });
  }

  // -------------------------------------------------------------------------------------------
  // Producer state persistence

  private snapshotOffsets(): number[] {
    return fs
      .readdirSync(this.dir)
      .filter((n) => /^\d{20}\.snapshot$/.test(n))
      .map((n) => parseOffsetFileName(n)!)
      .sort((a, b) => a - b);
  }

  private deleteSnapshotsBefore(offset: number): void {
    const offsets = this.snapshotOffsets();
    // Keep the newest snapshot at or below `offset` too: it is where a replay would start.
    const keepFrom = offsets.filter((o) => o <= offset).at(-1) ?? offset;
    for (const o of offsets) if (o < keepFrom) fs.rmSync(path.join(this.dir, offsetFileName(o, SNAPSHOT_SUFFIX)), { force: true });
  }

  private deleteSnapshotsAfter(offset: number): void {
    for (const o of this.snapshotOffsets()) {
      if (o > offset) fs.rmSync(path.join(this.dir, offsetFileName(o, SNAPSHOT_SUFFIX)), { force: true });
    }
  }

  /** Loads the newest usable snapshot at or below `end` and replays the log from there. */
  private async loadProducerState(end: number): Promise<void> {
    this.deleteSnapshotsAfter(end);
    let from = this.segments[0]!.baseOffset;
    this.producers.clear(from);
    for (const o of this.snapshotOffsets().reverse()) {
      const file = path.join(this.dir, offsetFileName(o, SNAPSHOT_SUFFIX));
      try {
        this.producers.loadSnapshot(decodeSnapshot(fs.readFileSync(file)), o);
        from = Math.max(o, from);
        break;
      } catch (err) {
        this.logger.warn({ err, topic: this.topic, partition: this.partition, file }, "discarding an unreadable producer snapshot");
        fs.rmSync(file, { force: true });
      }
    }
    if (from >= end) return;
    let replayed = 0;
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const next = this.segments[i + 1];
      if (next && next.baseOffset <= from) continue;
      const found = await seg.locate(Math.max(from, seg.baseOffset));
      if (!found) continue;
      for await (const { view } of seg.scan(found.position)) {
        const base = readInt64Number(view.buf, view.pos);
        const last = base + view.lastOffsetDelta;
        if (last < from) continue;
        if (base >= end) break;
        const pid = readInt64Number(view.buf, view.pos + BATCH.producerId);
        if (pid >= 0) {
          this.producers.replay(describeProducerBatch(view, base));
          replayed++;
        } else {
          this.producers.mapEndOffset = last + 1;
        }
      }
    }
    this.producers.mapEndOffset = end;
    if (replayed > 0) {
      this.logger.info({ topic: this.topic, partition: this.partition, from, to: end, batches: replayed }, "producer state rebuilt");
    }
  }

  /** Drops producers idle longer than producer.id.expiration.ms. */
  removeExpiredProducers(expirationMs: number): number {
    return this.producers.removeExpired(this.clock.nowMs(), expirationMs);
  }

  // -------------------------------------------------------------------------------------------
  // Close

  /** Flushes, writes indexes, the producer snapshot and the epoch checkpoint, closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.maintenance.catch(() => undefined);
    await this.drain();
    if (this.failure === undefined) {
      try {
        await this.commit.request(this.writtenEnd);
        for (const seg of this.segments) seg.persistIndexes();
        writeFileAtomic(path.join(this.dir, offsetFileName(this.nextOffset, SNAPSHOT_SUFFIX)), encodeSnapshot(this.producers.toSnapshot()));
        this.epochs.persist();
      } catch (err) {
        this.fail(err);
      }
    }
    this.closed = true;
    for (const seg of this.segments) seg.close();
    this.notify();
    this.hwListeners.clear();
    this.logger.info({ topic: this.topic, partition: this.partition, logEndOffset: this.nextOffset }, "log closed");
  }

  /** Closes without flushing or checkpoints: what a crash leaves behind (tests). */
  closeAbruptly(): void {
    this.closed = true;
    for (const seg of this.segments) seg.close();
  }
}

const EMPTY = Buffer.alloc(0);

function describeProducerBatch(view: RecordBatchView, base: number): ProducerBatch {
  const lastOffset = base + view.lastOffsetDelta;
  let control: ProducerBatch["control"];
  if (view.isControl) {
    const decoded = decodeRecords(view);
    const first = !isRecordsError(decoded) ? decoded.records[0] : undefined;
    const parsed = first ? parseControlRecord(first) : undefined;
    if (parsed) control = parsed;
  }
  return {
    producerId: readInt64Number(view.buf, view.pos + BATCH.producerId),
    epoch: view.producerEpoch,
    firstSeq: view.baseSequence,
    lastSeq: view.lastSequence,
    firstOffset: base,
    lastOffset,
    maxTimestamp: readInt64Number(view.buf, view.pos + BATCH.maxTimestamp),
    isTransactional: view.isTransactional,
    isControl: view.isControl,
    control,
  };
}

function describeProducerBatches(batches: readonly RecordBatchView[], base: number): ProducerBatch[] {
  const out: ProducerBatch[] = [];
  let offset = base;
  for (const b of batches) {
    if (readInt64Number(b.buf, b.pos + BATCH.producerId) >= 0) out.push(describeProducerBatch(b, offset));
    offset += b.lastOffsetDelta + 1;
  }
  return out;
}

/** Compacted topics need a key on every record (Kafka's LogValidator); the cleaner relies on it. */
function checkKeys(batches: readonly RecordBatchView[], topic: string, partition: number): AppendError | undefined {
  for (const b of batches) {
    const decoded = decodeRecords(b);
    if (isRecordsError(decoded)) return { error: decoded.code, message: decoded.message };
    const recordErrors = [];
    for (let i = 0; i < decoded.records.length; i++) {
      if (decoded.records[i]!.key === null) {
        recordErrors.push({ batchIndex: i, message: `Compacted topic cannot accept message without key in topic partition ${topic}-${partition}.` });
      }
    }
    if (recordErrors.length > 0) {
      return { error: "INVALID_RECORD", message: "One or more records have been rejected", recordErrors };
    }
  }
  return undefined;
}

/** The first record of `view` at or after `target` ms and at or after `minOffset`. */
function firstRecordAtOrAfter(view: RecordBatchView, target: number, minOffset: number): TimestampOffset {
  const epoch = view.partitionLeaderEpoch;
  const lat = view.timestampType === "LogAppendTime";
  const decoded = decodeRecords(view);
  if (!isRecordsError(decoded)) {
    for (const r of decoded.records) {
      const ts = lat ? view.maxTimestamp : r.timestamp;
      if (ts >= BigInt(target) && r.offset >= BigInt(minOffset)) return { timestamp: ts, offset: r.offset, leaderEpoch: epoch };
    }
  }
  // Undecodable batch: its first offset is the best honest answer.
  const base = readInt64Number(view.buf, view.pos);
  return { timestamp: view.maxTimestamp, offset: BigInt(Math.max(base, minOffset)), leaderEpoch: epoch };
}
