// The group coordinator's view of __consumer_offsets: appends key/value records to one of its
// partitions and reads a partition back from its start when loading groups. The topic is created
// on first use, compacted, with offsets.topic.* settings, as Kafka creates it.
import type { BrokerConfig } from "../config/index.js";
import type { CoordinatorLog } from "../coordinator/group/coordinator-log.js";
import type { MetadataStore } from "../metadata/metadata-store.js";
import { buildRecordBatch, decodeRecords, batchViews } from "../protocol/records.js";
import type { LogManager, PartitionLog } from "../storage/index.js";
import type { TopicManager } from "./topic-manager.js";

export const OFFSETS_TOPIC = "__consumer_offsets";
const READ_CHUNK_BYTES = 1024 * 1024;

export class OffsetsTopicLog implements CoordinatorLog {
  constructor(
    private readonly config: BrokerConfig,
    private readonly metadata: MetadataStore,
    private readonly topics: TopicManager,
    private readonly logs: LogManager,
  ) {}

  get partitionCount(): number {
    return this.metadata.topic(OFFSETS_TOPIC)?.partitions.length ?? this.config.offsetsTopicNumPartitions;
  }

  private async partitionLog(partition: number): Promise<PartitionLog> {
    if (!this.metadata.topic(OFFSETS_TOPIC)) {
      const configs = new Map([
        ["cleanup.policy", "compact"],
        ["compression.type", "producer"],
        ["segment.bytes", String(this.config.offsetsTopicSegmentBytes)],
      ]);
      const created = await this.topics.createTopic(
        OFFSETS_TOPIC,
        { partitions: this.config.offsetsTopicNumPartitions, replicationFactor: this.config.offsetsTopicReplicationFactor },
        configs,
      );
      if (!created.ok && created.error !== "TOPIC_ALREADY_EXISTS") {
        throw new Error(`cannot create ${OFFSETS_TOPIC}: ${created.message}`);
      }
    }
    const log = this.logs.getLog(OFFSETS_TOPIC, partition);
    if (!log) throw new Error(`${OFFSETS_TOPIC}-${partition} has no log`);
    return log;
  }

  async append(partition: number, records: { key: Buffer; value: Buffer | null }[]): Promise<bigint> {
    const log = await this.partitionLog(partition);
    const batch = buildRecordBatch(
      records.map((r) => ({ key: r.key, value: r.value })),
    );
    const result = await log.append(batch, { leaderEpoch: 0, origin: "coordinator" });
    if ("error" in result) throw new Error(`append to ${OFFSETS_TOPIC}-${partition} failed: ${result.error} ${result.message}`);
    return result.lastOffset;
  }

  async *readAll(partition: number): AsyncIterable<{ offset: bigint; key: Buffer | null; value: Buffer | null }> {
    if (!this.metadata.topic(OFFSETS_TOPIC)) return;
    const log = await this.partitionLog(partition);
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const read = await log.read(offset, READ_CHUNK_BYTES, { minOneMessage: true, upperBound: "logEnd" });
      if ("error" in read) throw new Error(`reading ${OFFSETS_TOPIC}-${partition}: ${read.error} ${read.message}`);
      if (read.records.length === 0) break;
      for (const batch of batchViews(read.records)) {
        const decoded = decodeRecords(batch);
        if (!("records" in decoded)) throw new Error(`${OFFSETS_TOPIC}-${partition}: undecodable batch: ${decoded.message}`);
        for (const record of decoded.records) {
          if (record.offset < offset) continue;
          yield { offset: record.offset, key: record.key, value: record.value };
        }
        offset = batch.lastOffset + 1n;
      }
    }
  }
}
