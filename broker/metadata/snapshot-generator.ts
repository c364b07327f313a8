// When and how a node snapshots its metadata image (KIP-630, Kafka's SnapshotGenerator): after
// metadata.log.max.record.bytes.between.snapshots bytes of committed records, or once
// metadata.log.max.snapshot.interval.ms has passed with new records. The snapshot is the image
// written as records (image-records.ts) in Kafka's checkpoint form (raft/snapshot-file.ts), at
// the offset the image has applied up to; the quorum node stores it and trims its log.
import type { Logger } from "pino";
import { RecordBatchView } from "../protocol/records.js";
import { imageToRecords } from "./image-records.js";
import type { MetadataImage } from "./metadata-image.js";
import { decodeMetadataRecord, encodeMetadataRecord } from "./metadata-records.js";
import type { QuorumNode } from "./raft/quorum-node.js";
import type { RaftBatch, RaftSnapshot } from "./raft/raft-types.js";
import { buildSnapshot, readSnapshot } from "./raft/snapshot-file.js";

/** Kafka's defaults. */
export const DEFAULT_SNAPSHOT_MAX_BYTES = 20 * 1024 * 1024;
export const DEFAULT_SNAPSHOT_INTERVAL_MS = 60 * 60 * 1000;
/** How often the time rule is checked at most. */
const INTERVAL_CHECK_MS = 60_000;

export interface SnapshotGeneratorOptions {
  snapshotMaxBytes?: number;
  snapshotIntervalMs?: number;
  logger: Logger;
}

export class SnapshotGenerator {
  private bytesSince = 0;
  private lastSnapshotMs = Date.now();
  private lastTimestamp = -1n;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly maxBytes: number;
  private readonly intervalMs: number;

  constructor(
    private readonly quorum: QuorumNode,
    private readonly image: MetadataImage,
    private readonly opts: SnapshotGeneratorOptions,
  ) {
    this.maxBytes = opts.snapshotMaxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
    this.intervalMs = opts.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS;
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.maybeSnapshot(), Math.min(this.intervalMs, INTERVAL_CHECK_MS));
      this.timer.unref();
    }
  }

  /** Committed batches were applied to the image. */
  committed(batches: readonly RaftBatch[]): void {
    for (const b of batches) this.bytesSince += b.bytes.length;
    const last = batches.at(-1);
    if (last) this.lastTimestamp = new RecordBatchView(last.bytes, 0).maxTimestamp;
    this.maybeSnapshot();
  }

  /** Replaces the image with the snapshot's records; returns how many were applied. */
  load(snapshot: RaftSnapshot): number {
    const { values, lastContainedLogTimestamp } = readSnapshot(snapshot.bytes);
    this.image.clear();
    let applied = 0;
    for (const bytes of values) {
      const record = decodeMetadataRecord(bytes);
      if (record) this.image.apply(record);
      applied++;
    }
    this.bytesSince = 0;
    this.lastSnapshotMs = Date.now();
    this.lastTimestamp = lastContainedLogTimestamp;
    return applied;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private maybeSnapshot(): void {
    if (this.bytesSince === 0) return;
    const now = Date.now();
    const bySize = this.bytesSince >= this.maxBytes;
    const byTime = this.intervalMs > 0 && now - this.lastSnapshotMs >= this.intervalMs;
    if (!bySize && !byTime) return;
    const endOffset = this.quorum.appliedEnd;
    const latest = this.quorum.latestSnapshotId;
    if (latest && latest.offset >= endOffset) return;
    const reason = bySize ? "bytes" : "interval";
    const bytesSince = this.bytesSince;
    this.bytesSince = 0;
    this.lastSnapshotMs = now;
    try {
      const values = imageToRecords(this.image).map(encodeMetadataRecord);
      const { id, path } = this.quorum.saveSnapshot(endOffset, (snapshotId, voters) => buildSnapshot(snapshotId, values, this.lastTimestamp, now, voters));
      this.opts.logger.info(
        { snapshotOffset: id.offset, snapshotEpoch: id.epoch, records: values.length, reason, bytesSince, path, logStartOffset: this.quorum.logStartOffset },
        "metadata snapshot written",
      );
    } catch (err) {
      this.opts.logger.error({ err, endOffset }, "metadata snapshot failed");
    }
  }
}
