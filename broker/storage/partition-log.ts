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
  isRecordsError,
  readInt64Number,
  validateBatches,
  writeInt64Number,
} from "../protocol/records.js";
import { checkKeys, describeProducerBatch, describeProducerBatches } from "./batch-inspection.js";
import { type CleanStats, type CompactOptions, compactLog } from "./cleaner.js";
import { type Clock, schedule, systemClock } from "./clock.js";
import type { AppendError } from "./errors.js";
import { LogOfflineError, describeError } from "./errors.js";
import { type FileIo, nodeFileIo } from "./file-io.js";
import { DELETED_SUFFIX, LEADER_EPOCH_CHECKPOINT } from "./file-names.js";
import { GroupCommit, flushDueByMessages, flushDueByTime, syncsEveryAppend } from "./flush-policy.js";
import { LeaderEpochCache, UNDEFINED_EPOCH } from "./leader-epoch-cache.js";
import { type LogConfig, isCompacted } from "./log-config.js";
import {
  type AppendOptions,
  type AppendResult,
  type AppendSuccess,
  EARLIEST_LOCAL_TIMESTAMP,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  type LogStats,
  MAX_TIMESTAMP,
  type ReadError,
  type ReadOptions,
  type ReadResult,
  type TimestampOffset,
} from "./log-types.js";
import { LogWriter, type WriteItem } from "./log-writer.js";
import { readPartitionMetadata, writePartitionMetadata } from "./partition-metadata.js";
import {
  type BatchMetadata,
  type PreparedAppend,
  type ProducerBatch,
  type ProducerOrigin,
  ProducerStateManager,
  type ProducerStateOptions,
  type ProducerSummary,
} from "./producer-state.js";
import {
  deleteSnapshotsAfter,
  deleteSnapshotsBefore,
  rebuildProducerState,
  snapshotBytes,
  writeSnapshot,
  writeSnapshotSync,
} from "./producer-state-store.js";
import { ioBuffers } from "../buffer-pool.js";
import type { CacheBudget } from "./cache-budget.js";
import type { InlineWrites } from "./inline-writes.js";
import { RecentBatches } from "./recent-batches.js";
import { recoverSegments } from "./recovery.js";
import { segmentsToDelete } from "./retention.js";
import { LogSegment, segmentOptions } from "./segment.js";
import { findMaxTimestampOffset, findOffsetForTimestamp } from "./timestamp-lookup.js";

export * from "./log-types.js";

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
  /** The broker-wide budget shared by every partition's cache (none: only `cacheBytes` bounds it). */
  cacheBudget?: CacheBudget;
  /** The broker-wide policy for appends written on the event loop (none: always the thread pool). */
  inlineWrites?: InlineWrites;
  producerState?: ProducerStateOptions;
  hooks?: PartitionLogHooks;
  /**
   * Replication sets the high watermark (updateHighWatermark) instead of the log moving it as
   * appends become durable, which is what a single-node log does.
   */
  externalHighWatermark?: boolean;
  /**
   * With externalHighWatermark: the high watermark to resume from (replication-offset-checkpoint),
   * kept within [log start, log end]. Absent, or with the log's own rule, it opens at the log end.
   */
  highWatermark?: bigint;
}

export const DEFAULT_CACHE_BYTES = 8 * 1024 * 1024;

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
  private externalHw: boolean;

  private segments: LogSegment[];
  private nextOffset: number;
  private writtenEnd: number;
  private hw: number;
  private logStart: number;
  private readonly epochs: LeaderEpochCache;
  private readonly producers: ProducerStateManager;
  private readonly cache: RecentBatches;
  private readonly commit: GroupCommit;

  private readonly writer: LogWriter;
  private unflushedMessages = 0;
  private lastFlushMs: number;
  private hwListeners = new Set<(hw: bigint) => void>();
  private writeListeners = new Set<() => void>();
  private hwSignals = 0;
  private writeSignals = 0;
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
    this.externalHw = opts.externalHighWatermark ?? false;
    this.segments = segments;
    this.nextOffset = nextOffset;
    this.writtenEnd = nextOffset;
    this.logStart = logStart;
    this.hw = this.externalHw && opts.highWatermark !== undefined ? initialHighWatermark(opts.highWatermark, logStart, nextOffset) : nextOffset;
    this.epochs = epochs;
    this.producers = producers;
    this.cache = new RecentBatches(opts.cacheBytes ?? DEFAULT_CACHE_BYTES, ioBuffers, opts.cacheBudget);
    this.lastFlushMs = this.clock.nowMs();
    this.writer = new LogWriter(this.io, {
      // With an fsync per append, parallel writes only split what one sync could cover.
      maxInFlight: () => (syncsEveryAppend(this.cfg) ? 1 : MAX_WRITES_IN_FLIGHT),
      // A write right after the previous append's fsync meets that journal commit: keep it off the loop.
      inlineWrites: () => (syncsEveryAppend(this.cfg) ? undefined : opts.inlineWrites),
      failure: () => this.failure,
      fail: (err) => this.fail(err),
      written: (items, segment, end) => this.written(items, segment, end),
    });
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
      contiguousOffsets: !isCompacted(opts.config),
      onRecoveredBatch: (view) => {
        const epoch = view.partitionLeaderEpoch;
        if (epoch >= 0 && epoch > (epochs.latestEpoch ?? -1)) epochs.assign(epoch, readInt64Number(view.buf, view.pos));
      },
    });
    const segments = recovered.segments;
    const nextOffset = recovered.nextOffset;
    let logStart = Math.max(initialOffset, segments[0]!.baseOffset);
    if (logStart > nextOffset) logStart = nextOffset;
    const truncatedEnd = epochs.truncateFromEnd(nextOffset);
    const epochsChanged = epochs.truncateFromStart(logStart) || truncatedEnd;
    if (epochsChanged || recovered.recovered || !loadedEpochs.valid) epochs.persist();

    const producers = new ProducerStateManager(opts.producerState);
    const log = new PartitionLog({ ...opts, topicId }, segments, nextOffset, logStart, epochs, producers);
    await log.rebuildProducerState(nextOffset);
    // Closed segments: recovery rebuilt some indexes in memory; sealing writes them out.
    for (const seg of segments.slice(0, -1)) {
      if (seg.isLoaded) seg.seal();
      else seg.sealed = true;
    }
    const active = log.active;
    const now = clock.nowMs();
    if (active.size === 0 || active.rollBaseMs < 0 || active.rollBaseMs > now) active.rollBaseMs = now;
    log.logger.info(
      {
        topic: log.topic,
        partition: log.partition,
        logStartOffset: logStart,
        logEndOffset: nextOffset,
        highWatermark: log.hw,
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
  /** Offsets below have been written to the segment files (appends at or past it are in flight). */
  get writtenEndOffset(): bigint {
    return BigInt(this.writtenEnd);
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
    // Debug: a topic of 10,000 partitions would otherwise log 10,000 lines per config change;
    // TopicManager.applyConfigs logs one line per topic.
    this.logger.debug({ topic: this.topic, partition: this.partition }, "log config updated");
  }

  onHighWatermark(listener: (hw: bigint) => void): () => void {
    this.hwListeners.add(listener);
    return () => this.hwListeners.delete(listener);
  }

  /**
   * How many times high-watermark listeners have been called (and, with `written`, write
   * listeners too). A long poll notes it before reading and waits only if it is unchanged when
   * it subscribes: a signal during an awaited read would otherwise be missed.
   */
  signalCount(opts: { written: boolean }): number {
    return opts.written ? this.hwSignals + this.writeSignals : this.hwSignals;
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
    let prepared: PreparedAppend | undefined;
    if (producerBatches.length > 0) {
      const checked = this.producers.prepare(producerBatches, opts.origin as ProducerOrigin);
      if ("error" in checked) return Promise.resolve(checked);
      if ("duplicate" in checked) return this.answerDuplicate(checked.duplicate);
      prepared = checked;
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
      if (opts.leaderEpoch >= 0 && this.epochs.assign(opts.leaderEpoch, base)) this.persistEpochs();
      const success: AppendSuccess = {
        baseOffset: BigInt(base),
        lastOffset: BigInt(end - 1),
        logAppendTimeMs: logAppendTime ? BigInt(now) : -1n,
        logStartOffset: 0n,
      };
      return this.place(records, batches, base, end, valid.offsetCount, now, prepared, success);
    } catch (err) {
      this.fail(err);
      return Promise.resolve(this.storageError());
    }
  }

  /**
   * Replication: appends batches fetched from the leader with the offsets, epochs and timestamps
   * the leader gave them. Validates framing and CRCs; the first batch may not start below the log
   * end (gaps are fine: the leader's log may be compacted).
   */
  appendAsFollower(records: Buffer): Promise<AppendResult> {
    if (this.offline) return Promise.resolve(this.storageError());
    const valid = validateBatches(records, { maxMessageBytes: Number.MAX_SAFE_INTEGER, origin: "replication" });
    if (isRecordsError(valid)) return Promise.resolve({ error: valid.code, message: valid.message });
    const batches = valid.batches;
    let expected = this.nextOffset;
    for (const b of batches) {
      const baseOffset = readInt64Number(b.buf, b.pos);
      if (baseOffset < expected) {
        return Promise.resolve({
          error: "INVALID_RECORD",
          message: `batch at offset ${baseOffset} does not follow ${expected - 1} (log end ${this.nextOffset})`,
        });
      }
      expected = baseOffset + b.lastOffsetDelta + 1;
    }
    const base = readInt64Number(batches[0]!.buf, batches[0]!.pos);
    const end = expected;
    try {
      const producerBatches: ProducerBatch[] = [];
      for (const b of batches) {
        const baseOffset = readInt64Number(b.buf, b.pos);
        const epoch = b.partitionLeaderEpoch;
        if (epoch >= 0 && epoch > (this.epochs.latestEpoch ?? -1) && this.epochs.assign(epoch, baseOffset)) this.persistEpochs();
        if (readInt64Number(b.buf, b.pos + BATCH.producerId) >= 0) producerBatches.push(describeProducerBatch(b, baseOffset));
      }
      const prepared = producerBatches.length > 0 ? this.producers.prepare(producerBatches, "replication") : undefined;
      if (prepared && !("updates" in prepared)) throw new Error("replicated producer state rejected");
      if (base > this.nextOffset) this.nextOffset = base;
      const last = batches[batches.length - 1]!;
      const success: AppendSuccess = {
        baseOffset: BigInt(base),
        lastOffset: BigInt(end - 1),
        logAppendTimeMs: last.timestampType === "LogAppendTime" ? last.maxTimestamp : -1n,
        logStartOffset: 0n,
      };
      return this.place(records, batches, base, end, valid.offsetCount, this.clock.nowMs(), prepared, success);
    } catch (err) {
      this.fail(err);
      return Promise.resolve(this.storageError());
    }
  }

  /** The part of an append that cannot fail on input: roll, index, state, cache, write. */
  private place(
    records: Buffer,
    batches: readonly RecordBatchView[],
    base: number,
    end: number,
    messages: number,
    now: number,
    prepared: PreparedAppend | undefined,
    success: AppendSuccess,
  ): Promise<AppendResult> {
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
    if (prepared) this.producers.commit(prepared, end);
    else this.producers.mapEndOffset = end;
    this.nextOffset = end;
    // The cache keeps the caller's bytes, never a copy, and is charged for the whole ArrayBuffer
    // they pin (a request frame shared by the partitions it carries): its budget bounds the
    // memory either way, and copying every produced byte once more cost more than the cache saved.
    const buf = records;
    this.cache.add(base, end, buf);
    this.stats.appends++;
    this.stats.bytesAppended += buf.length;
    return new Promise<AppendResult>((resolve) => {
      this.writer.enqueue({
        kind: "write",
        segment: seg,
        position,
        buf,
        endOffset: end,
        messages,
        done: (err) => {
          if (err !== undefined) resolve(this.storageError());
          else resolve({ ...success, logStartOffset: BigInt(this.logStart) });
        },
      });
    });
  }

  /**
   * A retried batch already in the log is answered as its first append was: once written (and
   * synced, where every append is). With replication, acks=all's wait for the ISR is the produce
   * handler's, bounded by the request's timeout. Waiting here for the high watermark had no bound:
   * a duplicate it did not reach stalled the producer's connection for good (every later request
   * queued behind it), seen after a leader's restart in the fault suite.
   */
  private async answerDuplicate(dup: BatchMetadata): Promise<AppendResult> {
    const end = dup.lastOffset + 1;
    try {
      if (this.externalHw) {
        await this.waitForWritten(end);
        if (syncsEveryAppend(this.cfg)) await this.commit.request(end);
      } else {
        await this.waitForHighWatermark(end);
      }
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

  /**
   * acks=all on a replicated partition: resolves true once the high watermark reaches `offset`
   * (the ISR has the records), false after timeoutMs or when the log goes offline.
   */
  awaitHighWatermark(offset: bigint, timeoutMs: number): Promise<boolean> {
    const target = Number(offset);
    if (this.hw >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const off = this.onHighWatermark(() => {
        if (this.offline) finish(false);
        else if (this.hw >= target) finish(true);
      });
      function finish(reached: boolean): void {
        clearTimeout(timer);
        off();
        resolve(reached);
      }
    });
  }

  private waitForWritten(offset: number): Promise<void> {
    return this.waitUntil(() => this.writtenEnd >= offset, true);
  }

  private waitForHighWatermark(offset: number): Promise<void> {
    return this.waitUntil(() => this.hw >= offset, false);
  }

  /**
   * Resolves once `reached()` holds, checked at every high-watermark move (and every write with
   * `onWrites`); rejects if the log goes offline first (high-watermark listeners hear of that).
   */
  private waitUntil(reached: () => boolean, onWrites: boolean): Promise<void> {
    if (reached()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.offline) {
          stop();
          reject(new LogOfflineError("log offline"));
        } else if (reached()) {
          stop();
          resolve();
        }
      };
      const offHw = this.onHighWatermark(check);
      const offWritten = onWrites ? this.onWritten(check) : () => undefined;
      const stop = () => {
        offHw();
        offWritten();
      };
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
    this.dirEntryUnsynced = true;
    const snapshot = snapshotBytes(this.producers);
    this.writer.enqueue({
      kind: "task",
      run: async () => {
        old.seal();
        await this.commit.request(base);
        await writeSnapshot(this.dir, base, snapshot);
        deleteSnapshotsBefore(this.dir, this.segments[0]!.baseOffset);
      },
    });
    this.logger.info({ topic: this.topic, partition: this.partition, baseOffset: base, reason }, "segment rolled");
  }

  /** Rolls now if the active segment holds data (tests, and retention emptying the log). */
  async roll(): Promise<void> {
    if (this.offline) throw new LogOfflineError("log offline");
    this.rollNow("requested");
    await this.writer.drain();
  }

  // -------------------------------------------------------------------------------------------
  // Write queue and durability

  private written(items: WriteItem[], segment: LogSegment, end: number): void {
    this.stats.writes++;
    segment.writtenSize = end;
    this.dirty.add(segment);
    this.writtenEnd = items[items.length - 1]!.endOffset;
    this.cache.markWritten(this.writtenEnd);
    for (const i of items) this.unflushedMessages += i.messages;
    this.afterWrite(items);
    this.writeSignals++;
    for (const l of this.writeListeners) l();
  }

  /** Calls `listener` whenever appended records have been written (followers' long polls wait on it). */
  onWritten(listener: () => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
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
    if (!this.externalHw) this.setHighWatermark(this.writtenEnd);
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
  /** A segment file was created since the directory was last synced (its entry is not durable yet). */
  private dirEntryUnsynced = false;

  /** An append started a new epoch: persist it off the loop; a failed write takes the log offline. */
  private persistEpochs(): void {
    this.epochs.persistAsync().catch((err) => this.fail(err));
  }

  private async syncDirtySegments(): Promise<void> {
    const segs = [...this.dirty];
    const syncDir = this.dirEntryUnsynced;
    this.dirty.clear();
    this.dirEntryUnsynced = false;
    this.unflushedMessages = 0;
    this.lastFlushMs = this.clock.nowMs();
    try {
      // fdatasync makes a new segment's bytes durable, not its name: without the directory sync a
      // power loss could drop the whole file holding acknowledged records.
      // The epochs of the batches synced here must be durable before the recovery point passes
      // them (leader-epoch-cache.ts): recovery would not re-read those batches.
      await Promise.all([
        ...segs.map((s) => (s.isClosed ? undefined : this.io.datasync(s.fd))),
        syncDir ? this.io.syncDir(this.dir) : undefined,
        this.epochs.durable(),
      ]);
      if (this.failure !== undefined) throw this.failure;
    } catch (err) {
      for (const s of segs) this.dirty.add(s);
      if (syncDir) this.dirEntryUnsynced = true;
      throw err;
    }
    this.stats.fsyncs++;
  }

  private onSynced(end: number): void {
    if (syncsEveryAppend(this.cfg) && !this.externalHw) this.setHighWatermark(end);
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
   * Whether replication sets the high watermark (a replicated partition's leader, or a follower)
   * or the log moves it itself as appends are written (a partition with one replica). Switching
   * back to the log's own rule catches the high watermark up with what is written (fsynced, with
   * an fsync per append): a one-replica partition opened at its checkpointed high watermark
   * commits its whole log as soon as it leads, as Kafka's leader with an ISR of itself does.
   */
  setExternalHighWatermark(external: boolean): void {
    if (this.externalHw === external) return;
    this.externalHw = external;
    if (!external) this.setHighWatermark(syncsEveryAppend(this.cfg) ? this.commit.synced : this.writtenEnd);
  }

  /**
   * For replication: the leader sets the high watermark from follower progress. Single-node logs
   * move it themselves as appends become durable.
   */
  updateHighWatermark(offset: bigint): void {
    this.setHighWatermark(Number(offset));
  }

  private notify(): void {
    this.hwSignals++;
    const hw = BigInt(this.hw);
    for (const l of this.hwListeners) {
      try {
        l(hw);
      } catch (err) {
        this.logger.error({ err, topic: this.topic, partition: this.partition }, "high watermark listener failed");
      }
    }
  }

  /** fsyncs everything appended so far. */
  async flush(): Promise<void> {
    await this.writer.drain();
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
    this.writer.rejectQueued(this.failure);
    // Nothing reads an offline log; its unwritten entries would also stall the shared cache budget.
    this.cache.clear();
    this.notify();
    this.hooks.onOffline?.(this, err);
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
    if (ts === MAX_TIMESTAMP) return findMaxTimestampOffset(this.segments, this.logStart);
    if (ts < 0n) return null;
    return findOffsetForTimestamp(this.segments, Number(ts), this.logStart);
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
        await this.writer.drain();
      }
      const doomed = this.segments.slice(0, decision.count);
      this.removeSegments(doomed, decision.reasons[0] ?? "retention");
      return doomed.length;
    });
  }

  /** @internal Takes segments out of the log and deletes their files after file.delete.delay.ms. */
  removeSegments(doomed: readonly LogSegment[], reason: string): void {
    this.retireSegments(doomed);
    for (const seg of doomed) {
      this.logger.info({ topic: this.topic, partition: this.partition, baseOffset: seg.baseOffset, reason }, "segment deleted");
    }
    const first = this.segments[0]!.baseOffset;
    if (first > this.logStart) this.advanceLogStart(first, reason);
    deleteSnapshotsBefore(this.dir, first);
  }

  /**
   * Takes segments out of the list: their files are renamed to `.deleted` now (so their base
   * offsets are free for new segments, and a restart discards them) and unlinked later.
   * May leave the list empty: the caller adds a segment or goes on with the ones left.
   */
  private retireSegments(doomed: readonly LogSegment[]): void {
    const set = new Set(doomed);
    this.segments = this.segments.filter((s) => !set.has(s));
    for (const seg of doomed) {
      this.dirty.delete(seg);
      seg.markDeleted();
      seg.renameFiles("", DELETED_SUFFIX);
      this.deleteLater(seg);
    }
  }

  /**
   * @internal Closes and unlinks a segment already renamed to `.deleted`, after
   * file.delete.delay.ms so reads in flight finish (a restart removes leftovers).
   */
  deleteLater(seg: LogSegment): void {
    schedule(this.cfg.fileDeleteDelayMs, () => {
      try {
        seg.close();
        seg.deleteFiles(DELETED_SUFFIX);
      } catch (err) {
        this.logger.warn({ err, topic: this.topic, partition: this.partition, baseOffset: seg.baseOffset }, "could not remove a deleted segment");
      }
    });
  }

  /** @internal Compaction's swap: `replacement` takes the place of `old` (contiguous, oldest first). */
  replaceSegments(old: readonly LogSegment[], replacement: LogSegment): void {
    const i = this.segments.indexOf(old[0]!);
    if (i < 0) throw new Error("segments to replace are no longer in the log");
    this.segments.splice(i, old.length, replacement);
    const next = this.segments[i + 1];
    if (next) this.cache.dropBelow(next.baseOffset);
  }

  /** Compacts the log now if it is compacted (and dirty enough, unless forced). */
  compact(opts: CompactOptions = {}): Promise<CleanStats | null> {
    return this.withMaintenance(() => compactLog(this, opts));
  }

  /** Removes everything at and after `offset` (replication truncation). */
  truncateTo(offset: bigint): Promise<void> {
    return this.withMaintenance(async () => {
      const target = Number(offset);
      await this.writer.drain();
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
      deleteSnapshotsAfter(this.dir, this.nextOffset);
      await this.rebuildProducerState(this.nextOffset);
      this.logger.info({ topic: this.topic, partition: this.partition, logEndOffset: this.nextOffset }, "log truncated");
    });
  }

  /**
   * Replication: empties the log and starts it again, empty, at `offset` (Kafka's
   * truncateFullyAndStartAt). A follower does this when the leader no longer has what it would
   * fetch next (its log end is below the leader's log start, e.g. a new replica of a partition
   * whose old data retention deleted), or when the leader's log ends before our log start.
   * `offset` may be above or below the current range. Every segment goes, and with them the
   * leader epochs, producer state and snapshots that described them.
   */
  truncateFullyAndStartAt(offset: bigint): Promise<void> {
    return this.withMaintenance(async () => {
      if (this.offline) throw new LogOfflineError("log offline");
      const target = Number(offset);
      if (!Number.isSafeInteger(target) || target < 0) throw new Error(`cannot start the log at offset ${offset}`);
      await this.writer.drain();
      const before = { logStartOffset: this.logStart, logEndOffset: this.nextOffset, segments: this.segments.length };
      try {
        // The old files are renamed away first: the new segment's base offset may be one of theirs.
        this.retireSegments([...this.segments]);
        const seg = LogSegment.create(this.dir, target, segmentOptions(this.cfg), this.io);
        seg.rollBaseMs = this.clock.nowMs();
        this.segments.push(seg);
        this.dirEntryUnsynced = true;
        this.nextOffset = target;
        this.writtenEnd = target;
        this.logStart = target;
        this.hw = target;
        this.commit.reset(target);
        this.unflushedMessages = 0;
        this.cache.clear();
        // What the cleaner had cleaned is gone; the new data starts dirty.
        this.cleanerCheckpoint = target;
        this.epochs.clear();
        this.epochs.persist();
        this.producers.clear(target);
        // Every snapshot describes records that are gone (snapshot offsets are never negative).
        deleteSnapshotsAfter(this.dir, -1);
      } catch (err) {
        this.fail(err);
        throw err;
      }
      this.logger.info(
        {
          topic: this.topic,
          partition: this.partition,
          offset: target,
          previousLogStartOffset: before.logStartOffset,
          previousLogEndOffset: before.logEndOffset,
          segmentsDeleted: before.segments,
        },
        "log truncated fully; starting at a new offset",
      );
      // The log manager checkpoints the new start: a restart must not take the old one.
      this.hooks.onLogStartOffsetChanged?.(this);
      this.notify();
      // Above the old end the synced end (the recovery point) must catch up with the new start;
      // this syncs the directory, which also makes the renames and the new file durable. Below
      // it, reset() already moved it back and this returns at once.
      try {
        await this.commit.request(target);
      } catch (err) {
        this.fail(err);
        throw err;
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // Producer state persistence

  private rebuildProducerState(end: number): Promise<void> {
    return rebuildProducerState({
      dir: this.dir,
      producers: this.producers,
      segments: this.segments,
      end,
      logger: this.logger,
      context: { topic: this.topic, partition: this.partition },
    });
  }

  /** Frees the in-memory indexes of closed segments nobody read for `idleMs` (they reload on demand). */
  releaseIdleIndexes(idleMs: number): number {
    const now = Date.now();
    let released = 0;
    for (const seg of this.segments) if (seg !== this.active && seg.unloadIfIdle(now, idleMs)) released++;
    return released;
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
    await this.writer.drain();
    if (this.failure === undefined) {
      try {
        await this.commit.request(this.writtenEnd);
        for (const seg of this.segments) seg.persistIndexes();
        // The epoch checkpoint is written on every change; the last write may still be running.
        await this.epochs.durable();
        if (this.failure !== undefined) throw this.failure;
        writeSnapshotSync(this.dir, this.nextOffset, snapshotBytes(this.producers));
      } catch (err) {
        this.fail(err);
      }
    }
    this.closed = true;
    for (const seg of this.segments) seg.close();
    this.cache.clear();
    this.notify();
    this.hwListeners.clear();
    this.writeListeners.clear();
    this.logger.info({ topic: this.topic, partition: this.partition, logEndOffset: this.nextOffset }, "log closed");
  }

  /** Closes without flushing or checkpoints: what a crash leaves behind (tests). */
  closeAbruptly(): void {
    this.closed = true;
    for (const seg of this.segments) seg.close();
    this.cache.clear();
  }
}

/**
 * A replicated partition's high watermark on open (Kafka's rule): the checkpointed one, never
 * beyond the log end (the checkpoint may be newer than a log cut short by a crash) nor below the
 * log start.
 */
export function initialHighWatermark(checkpointed: bigint, logStart: number, logEnd: number): number {
  return Math.max(logStart, Math.min(Number(checkpointed), logEnd));
}

const EMPTY = Buffer.alloc(0);
/** Writes issued before the first completes: keeps the disk busy while the next batch is prepared. */
const MAX_WRITES_IN_FLIGHT = 4;


