// The storage the coordinator depends on: partitions of __consumer_offsets holding Kafka's own
// key/value record formats. The broker wires it to the partition logs (replicated, on a cluster);
// tests use MemoryCoordinatorLog.
import type { KafkaErrorName } from "../../protocol/errors.js";

export interface CoordinatorLogRecord {
  readonly key: Buffer;
  /** null is a tombstone: compaction removes the key. */
  readonly value: Buffer | null;
}

export interface CoordinatorLog {
  /**
   * Appends a batch of key/value records to partition p of __consumer_offsets; resolves with the
   * last offset once committed (on a replicated partition: the high watermark has passed it),
   * rejects with a CoordinatorLogError saying why not. Appends to one partition must land in the
   * order they were called: the coordinator's state is a replay of that order.
   */
  append(partition: number, records: CoordinatorLogRecord[]): Promise<bigint>;
  /**
   * Reads the committed records of partition p from log start, for loading its groups. Records
   * above the high watermark are never read (see README.md, "Loading after a failover").
   */
  readAll(partition: number): AsyncIterable<{ offset: bigint; key: Buffer | null; value: Buffer | null }>;
}

/**
 * Why an append or read failed, in the partition log's own Kafka error (NOT_LEADER_OR_FOLLOWER
 * when leadership moved, REQUEST_TIMED_OUT when replication did not reach the append in time, …).
 * group-errors.ts maps it to what a group client is told.
 */
export class CoordinatorLogError extends Error {
  override name = "CoordinatorLogError";
  constructor(
    readonly error: KafkaErrorName,
    message?: string,
  ) {
    super(message ?? error);
  }
}
