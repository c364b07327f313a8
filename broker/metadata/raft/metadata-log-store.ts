// The durable copy of the metadata log: Kafka's __cluster_metadata-0 partition directory (record
// batches in segments, with leader-epoch-checkpoint), written through a PartitionLog that fsyncs
// every append. It follows the in-memory RaftLog: appends and truncations are replayed on disk
// in the order they happened, and `flushed` reports how far the disk has caught up.
// Snapshots (snapshot-file.ts) live beside the segments: the log starts at the oldest one kept,
// and a restarted node loads the newest and replays the log from its end.
import { join } from "node:path";
import type { Logger } from "pino";
import type { Uuid } from "../../protocol/primitives.js";
import { batchViews } from "../../protocol/records.js";
import { METADATA_TOPIC } from "../../storage/file-names.js";
import { logConfig } from "../../storage/log-config.js";
import { PartitionLog } from "../../storage/partition-log.js";
import { toRaftBatch } from "./raft-batches.js";
import { RaftLog, type RaftLogListener } from "./raft-log.js";
import type { OffsetAndEpoch, RaftBatch, RaftSnapshot } from "./raft-types.js";
import { deleteSnapshotFile, loadSnapshots, writeSnapshotFile } from "./snapshot-file.js";

/** The quorum's fixed topic id for __cluster_metadata (Kafka's Uuid.METADATA_TOPIC_ID, 0…01). */
export const METADATA_TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAQ" as Uuid;
export const METADATA_PARTITION_DIR = `${METADATA_TOPIC}-0`;

const READ_CHUNK_BYTES = 8 * 1024 * 1024;

export interface MetadataLogStoreOptions {
  /** metadata.log.segment.bytes: the log loses its front a whole segment at a time. */
  segmentBytes?: number;
  /** Told (synchronously, once the snapshot is durable) when a snapshot from the leader replaced the log. */
  onSnapshotInstalled?: (snapshot: RaftSnapshot) => void;
}

export class MetadataLogStore implements RaftLogListener {
  /** Bumped by every truncation: an append that completes after one no longer says anything about the log. */
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();
  private failed: unknown;
  /** Snapshot ids on disk, oldest first. */
  private snapshotIds: OffsetAndEpoch[] = [];

  private constructor(
    readonly dir: string,
    private readonly disk: PartitionLog,
    readonly log: RaftLog,
    private readonly logger: Logger,
    private readonly onFlushed: (offset: bigint) => void,
    private readonly onInstalled?: (snapshot: RaftSnapshot) => void,
  ) {}

  /** Opens (creating) the metadata log under `metadataDir` and loads every batch into memory. */
  static async open(metadataDir: string, logger: Logger, onFlushed: (offset: bigint) => void, opts: MetadataLogStoreOptions = {}): Promise<MetadataLogStore> {
    const dir = join(metadataDir, METADATA_PARTITION_DIR);
    const disk = await PartitionLog.open({
      dir,
      topic: METADATA_TOPIC,
      partition: 0,
      topicId: METADATA_TOPIC_ID,
      // Every append is fsynced before it counts: the quorum's promises rest on it. Retention is
      // the quorum's (only below a snapshot), not the log's own.
      config: logConfig({ flushMessages: 1, retentionMs: -1, retentionBytes: -1, ...(opts.segmentBytes ? { segmentBytes: opts.segmentBytes } : {}) }),
      logger,
      externalHighWatermark: true,
    });
    let snapshots = loadSnapshots(dir, logger);
    // Snapshots below what the log still holds describe nothing we could replay from.
    for (const s of snapshots.filter((s) => s.id.offset < disk.logStartOffset)) {
      logger.warn({ dir, snapshotOffset: s.id.offset, logStartOffset: disk.logStartOffset }, "metadata snapshot: deleting a snapshot below the log start");
      deleteSnapshotFile(dir, s.id);
    }
    snapshots = snapshots.filter((s) => s.id.offset >= disk.logStartOffset);
    const latest = snapshots.at(-1);
    let batches = await readBatches(disk, dir, disk.logStartOffset);
    if (latest && !reaches(disk.logStartOffset, disk.logEndOffset, batches, latest.id)) {
      // A snapshot fetched from the leader whose log truncation did not reach the disk before a
      // stop (the log ends before it, or diverges from it): the log starts again at the snapshot.
      logger.info(
        { dir, snapshotOffset: latest.id.offset, snapshotEpoch: latest.id.epoch, logEndOffset: disk.logEndOffset },
        "metadata log: starting again at a snapshot the log does not reach",
      );
      await disk.truncateFullyAndStartAt(latest.id.offset);
      for (const s of snapshots.slice(0, -1)) deleteSnapshotFile(dir, s.id);
      snapshots = [latest];
      batches = [];
    }
    // The log starts at the oldest snapshot kept (its epoch is the one before the log's first batch).
    const anchor = snapshots[0]?.id ?? { offset: disk.logStartOffset, epoch: 0 };
    const log = new RaftLog(anchor);
    log.append(batches.filter((b) => b.baseOffset >= anchor.offset));
    log.markFlushed(log.endOffset);
    for (const s of snapshots) log.addSnapshot(s);
    const store = new MetadataLogStore(dir, disk, log, logger, onFlushed, opts.onSnapshotInstalled);
    store.snapshotIds = snapshots.map((s) => s.id);
    log.listen(store);
    logger.info(
      { dir, startOffset: log.startOffset, endOffset: log.endOffset, lastEpoch: log.lastEpoch, snapshots: snapshots.map((s) => `${s.id.offset}-${s.id.epoch}`) },
      "metadata log loaded",
    );
    return store;
  }

  /** Snapshot ids on disk, oldest first. */
  get snapshots(): readonly OffsetAndEpoch[] {
    return this.snapshotIds;
  }

  /** Writes a snapshot of the committed log (atomically, durable on return) and makes it the log's latest. */
  saveSnapshot(snapshot: RaftSnapshot): string {
    const path = writeSnapshotFile(this.dir, snapshot);
    this.snapshotIds.push(snapshot.id);
    this.log.addSnapshot(snapshot);
    return path;
  }

  deleteSnapshot(id: OffsetAndEpoch): void {
    this.log.forgetSnapshot(id);
    deleteSnapshotFile(this.dir, id);
    this.snapshotIds = this.snapshotIds.filter((s) => s.offset !== id.offset || s.epoch !== id.epoch);
  }

  /** Drops the log before `start` (a snapshot's end): in memory now, whole segments on disk in turn. */
  dropPrefix(start: OffsetAndEpoch): void {
    this.log.dropPrefix(start);
    this.enqueue(async () => {
      this.disk.updateHighWatermark(start.offset);
      const result = await this.disk.deleteRecordsBefore(start.offset);
      if ("error" in result) throw new Error(`metadata log: deleting before ${start.offset}: ${result.error} ${result.message}`);
    });
  }

  snapshotInstalled(snapshot: RaftSnapshot): void {
    // Durable before the log forgets what it had: a restart finds the snapshot beyond the log and starts there.
    writeSnapshotFile(this.dir, snapshot);
    for (const id of this.snapshotIds) deleteSnapshotFile(this.dir, id);
    this.snapshotIds = [snapshot.id];
    this.generation++;
    this.enqueue(() => this.disk.truncateFullyAndStartAt(snapshot.id.offset));
    this.onInstalled?.(snapshot);
  }

  appended(batches: readonly RaftBatch[]): void {
    const generation = this.generation;
    const end = batches.at(-1)!.lastOffset + 1n;
    const bytes = batches.length === 1 ? batches[0]!.bytes : Buffer.concat(batches.map((b) => b.bytes));
    this.enqueue(async () => {
      const result = await this.disk.appendAsFollower(bytes);
      if ("error" in result) throw new Error(`metadata log append at ${batches[0]!.baseOffset}: ${result.error} ${result.message ?? ""}`);
      if (generation === this.generation) this.onFlushed(end);
    });
  }

  truncated(offset: bigint): void {
    this.generation++;
    this.enqueue(() => this.disk.truncateTo(offset));
  }

  /** Waits for every queued write; the log is then as durable as it will get. */
  async drain(): Promise<void> {
    await this.queue;
    if (this.failed) throw this.failed;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.disk.close();
  }

  private enqueue(op: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.failed) return;
      try {
        await op();
      } catch (err) {
        // A metadata log that cannot be written cannot make promises: stop flushing for good;
        // the node stops counting towards the high watermark and the broker reports it.
        this.failed = err;
        this.logger.error({ err, dir: this.dir }, "metadata log write failed; the log is no longer flushed");
      }
    });
  }
}

/** Every batch of the durable log from `from` (a batch boundary) to its end. */
async function readBatches(disk: PartitionLog, dir: string, from: bigint): Promise<RaftBatch[]> {
  const batches: RaftBatch[] = [];
  for (let offset = from; offset < disk.logEndOffset; ) {
    const read = await disk.read(offset, READ_CHUNK_BYTES, { upperBound: "logEnd", minOneMessage: true });
    if ("error" in read) throw new Error(`metadata log ${dir}: ${read.message}`);
    let last = offset;
    for (const view of batchViews(read.records)) {
      const batch = toRaftBatch(Buffer.from(read.records.subarray(view.pos, view.pos + view.size)));
      if (batch.lastOffset < offset) continue;
      batches.push(batch);
      last = batch.lastOffset + 1n;
    }
    if (last === offset) throw new Error(`metadata log ${dir}: no batch at offset ${offset}`);
    offset = last;
  }
  return batches;
}

/**
 * Whether the durable log (from `start` to `end`, these batches) reaches a snapshot's end: a batch
 * of the snapshot's epoch ends right before it, or the log starts there (nothing before it to compare).
 */
function reaches(start: bigint, end: bigint, batches: readonly RaftBatch[], id: OffsetAndEpoch): boolean {
  if (id.offset > end) return false;
  if (id.offset === start) return true;
  return batches.some((b) => b.lastOffset === id.offset - 1n && b.epoch === id.epoch);
}
