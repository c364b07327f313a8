// The durable copy of the metadata log: Kafka's __cluster_metadata-0 partition directory (record
// batches in segments, with leader-epoch-checkpoint), written through a PartitionLog that fsyncs
// every append. It follows the in-memory RaftLog: appends and truncations are replayed on disk
// in the order they happened, and `flushed` reports how far the disk has caught up.
import { join } from "node:path";
import type { Logger } from "pino";
import type { Uuid } from "../../protocol/primitives.js";
import { batchViews } from "../../protocol/records.js";
import { METADATA_TOPIC } from "../../storage/file-names.js";
import { logConfig } from "../../storage/log-config.js";
import { PartitionLog } from "../../storage/partition-log.js";
import { toRaftBatch } from "./raft-batches.js";
import { RaftLog, type RaftLogListener } from "./raft-log.js";
import type { RaftBatch } from "./raft-types.js";

/** The quorum's fixed topic id for __cluster_metadata (Kafka's Uuid.METADATA_TOPIC_ID, 0…01). */
export const METADATA_TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAQ" as Uuid;
export const METADATA_PARTITION_DIR = `${METADATA_TOPIC}-0`;

const READ_CHUNK_BYTES = 8 * 1024 * 1024;

export class MetadataLogStore implements RaftLogListener {
  /** Bumped by every truncation: an append that completes after one no longer says anything about the log. */
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();
  private failed: unknown;

  private constructor(
    readonly dir: string,
    private readonly disk: PartitionLog,
    readonly log: RaftLog,
    private readonly logger: Logger,
    private readonly onFlushed: (offset: bigint) => void,
  ) {}

  /** Opens (creating) the metadata log under `metadataDir` and loads every batch into memory. */
  static async open(metadataDir: string, logger: Logger, onFlushed: (offset: bigint) => void): Promise<MetadataLogStore> {
    const dir = join(metadataDir, METADATA_PARTITION_DIR);
    const disk = await PartitionLog.open({
      dir,
      topic: METADATA_TOPIC,
      partition: 0,
      topicId: METADATA_TOPIC_ID,
      // Every append is fsynced before it counts: the quorum's promises rest on it.
      config: logConfig({ flushMessages: 1, retentionMs: -1, retentionBytes: -1 }),
      logger,
      externalHighWatermark: true,
    });
    const log = new RaftLog({ offset: disk.logStartOffset, epoch: 0 });
    const batches: RaftBatch[] = [];
    for (let offset = disk.logStartOffset; offset < disk.logEndOffset; ) {
      const read = await disk.read(offset, READ_CHUNK_BYTES, { upperBound: "logEnd", minOneMessage: true });
      if ("error" in read) throw new Error(`metadata log ${dir}: ${read.message}`);
      let last = offset;
      for (const view of batchViews(read.records)) {
        const bytes = Buffer.from(read.records.subarray(view.pos, view.pos + view.size));
        const batch = toRaftBatch(bytes);
        batches.push(batch);
        last = batch.lastOffset + 1n;
      }
      if (last === offset) throw new Error(`metadata log ${dir}: no batch at offset ${offset}`);
      offset = last;
    }
    log.append(batches);
    log.markFlushed(log.endOffset);
    const store = new MetadataLogStore(dir, disk, log, logger, onFlushed);
    log.listen(store);
    logger.info({ dir, startOffset: log.startOffset, endOffset: log.endOffset, lastEpoch: log.lastEpoch }, "metadata log loaded");
    return store;
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
