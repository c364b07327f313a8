// The coordinator's CoordinatorLog over the local partition logs of __consumer_offsets, on the
// partitions this node leads.
//
// Appends: written in the partition's current leader epoch (so followers and later leaders can
// tell the epochs apart), then complete only once committed — the high watermark has passed them,
// i.e. every in-sync replica has them — within offsets.commit.timeout.ms (REQUEST_TIMED_OUT
// otherwise), and only if this node still leads in that epoch (NOT_LEADER_OR_FOLLOWER otherwise:
// the offset may hold other records now). As Kafka 4's coordinator writes (acks=1 to the leader,
// then waits for the high watermark), min.insync.replicas is not checked: an ISR shrunk to the
// leader commits on the leader alone. A single-replica partition's high watermark follows its own
// flush rule, so there the wait is the write (or fsync) itself.
//
// Loading: a new leader's log may end with records above its high watermark (the old leader had
// them, the ISR has not confirmed them to us yet). They are not loaded until the high watermark
// reaches the log end seen when loading began; see ../group/README.md, "Loading after a failover".
import type { Logger } from "pino";
import type { MetadataStore } from "../../metadata/metadata-store.js";
import { batchViews, buildRecordBatch, decodeRecords } from "../../protocol/records.js";
import type { LogManager, PartitionLog } from "../../storage/index.js";
import { CoordinatorLogError, type CoordinatorLog, type CoordinatorLogRecord } from "../group/coordinator-log.js";
import { OFFSETS_TOPIC } from "./offsets-topic.js";

const READ_CHUNK_BYTES = 1024 * 1024;
/** How often a load waiting for the high watermark checks that this node still leads. */
const LOAD_WAIT_CHECK_MS = 1000;

export interface OffsetsPartitionLogOptions {
  readonly nodeId: number;
  readonly metadata: MetadataStore;
  readonly logs: LogManager;
  /** offsets.commit.timeout.ms: how long an append may wait to be replicated. */
  readonly commitTimeoutMs: number;
  readonly logger: Logger;
}

/** This node's leadership of one partition, as an append or load started under it. */
interface Led {
  readonly log: PartitionLog;
  readonly leaderEpoch: number;
}

export class OffsetsPartitionLog implements CoordinatorLog {
  constructor(private readonly opts: OffsetsPartitionLogOptions) {}

  /** The local log of a partition this node leads, and the epoch; or why not. */
  private led(partition: number): Led | CoordinatorLogError {
    const state = this.opts.metadata.topic(OFFSETS_TOPIC)?.partitions[partition];
    if (!state) return new CoordinatorLogError("UNKNOWN_TOPIC_OR_PARTITION", `${OFFSETS_TOPIC}-${partition} does not exist`);
    const log = this.opts.logs.getLog(OFFSETS_TOPIC, partition);
    if (state.leader !== this.opts.nodeId || !log) {
      return new CoordinatorLogError("NOT_LEADER_OR_FOLLOWER", `${OFFSETS_TOPIC}-${partition} is led by ${state.leader}, not ${this.opts.nodeId}`);
    }
    if (log.offline) return new CoordinatorLogError("KAFKA_STORAGE_ERROR", `${OFFSETS_TOPIC}-${partition} is offline`);
    return { log, leaderEpoch: state.leaderEpoch };
  }

  /** Whether this node still leads the partition in the same epoch, on the same log. */
  private stillLeads(partition: number, led: Led): boolean {
    const now = this.led(partition);
    return !(now instanceof CoordinatorLogError) && now.log === led.log && now.leaderEpoch === led.leaderEpoch;
  }

  append(partition: number, records: CoordinatorLogRecord[]): Promise<bigint> {
    const led = this.led(partition);
    if (led instanceof CoordinatorLogError) return Promise.reject(led);
    const batch = buildRecordBatch(records.map((r) => ({ key: r.key, value: r.value })));
    // Placed synchronously, so appends land in call order.
    const appended = led.log.append(batch, { leaderEpoch: led.leaderEpoch, origin: "coordinator" });
    return this.committed(partition, led, appended);
  }

  private async committed(partition: number, led: Led, appended: ReturnType<PartitionLog["append"]>): Promise<bigint> {
    const result = await appended;
    if ("error" in result) throw new CoordinatorLogError(result.error, `append to ${OFFSETS_TOPIC}-${partition} failed: ${result.message}`);
    const reached = await led.log.awaitHighWatermark(result.lastOffset + 1n, this.opts.commitTimeoutMs);
    if (!this.stillLeads(partition, led)) {
      throw new CoordinatorLogError("NOT_LEADER_OR_FOLLOWER", `leadership of ${OFFSETS_TOPIC}-${partition} moved before offset ${result.lastOffset} was committed`);
    }
    if (!reached) {
      throw new CoordinatorLogError(
        "REQUEST_TIMED_OUT",
        `${OFFSETS_TOPIC}-${partition}: offset ${result.lastOffset} not replicated within offsets.commit.timeout.ms (${this.opts.commitTimeoutMs} ms)`,
      );
    }
    return result.lastOffset;
  }

  async *readAll(partition: number): AsyncIterable<{ offset: bigint; key: Buffer | null; value: Buffer | null }> {
    const led = this.led(partition);
    if (led instanceof CoordinatorLogError) throw led;
    const { log } = led;
    const end = log.logEndOffset;
    await this.awaitCommitted(partition, led, end);
    let offset = log.logStartOffset;
    while (offset < end) {
      const read = await log.read(offset, READ_CHUNK_BYTES, { minOneMessage: true, upperBound: "highWatermark" });
      if ("error" in read) throw new CoordinatorLogError(read.error, `reading ${OFFSETS_TOPIC}-${partition}: ${read.message}`);
      if (read.records.length === 0) break;
      for (const batch of batchViews(read.records)) {
        const decoded = decodeRecords(batch);
        if (!("records" in decoded)) throw new CoordinatorLogError("CORRUPT_MESSAGE", `${OFFSETS_TOPIC}-${partition}: undecodable batch: ${decoded.message}`);
        for (const record of decoded.records) {
          if (record.offset < offset || record.offset >= end) continue;
          yield { offset: record.offset, key: record.key, value: record.value };
        }
        offset = batch.lastOffset + 1n;
      }
    }
  }

  /** Waits until the high watermark reaches `end` (the ISR has everything loaded), while this node leads. */
  private async awaitCommitted(partition: number, led: Led, end: bigint): Promise<void> {
    if (led.log.highWatermark >= end) return;
    this.opts.logger.info(
      { partition, leaderEpoch: led.leaderEpoch, highWatermark: led.log.highWatermark, logEnd: end },
      "waiting for the ISR to reach the log end before loading __consumer_offsets partition",
    );
    while (!(await led.log.awaitHighWatermark(end, LOAD_WAIT_CHECK_MS))) {
      if (!this.stillLeads(partition, led)) {
        throw new CoordinatorLogError("NOT_LEADER_OR_FOLLOWER", `leadership of ${OFFSETS_TOPIC}-${partition} moved while waiting to load it`);
      }
    }
  }
}
