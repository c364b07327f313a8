// The storage the coordinator depends on: partitions of __consumer_offsets holding Kafka's own
// key/value record formats. The broker wires it to the partition logs; tests use MemoryCoordinatorLog.

export interface CoordinatorLogRecord {
  readonly key: Buffer;
  /** null is a tombstone: compaction removes the key. */
  readonly value: Buffer | null;
}

export interface CoordinatorLog {
  /**
   * Appends a batch of key/value records to partition p of __consumer_offsets; resolves with the
   * last offset when durable per the topic's flush policy. Appends to one partition must land in
   * the order they were called: the coordinator's state is a replay of that order.
   */
  append(partition: number, records: CoordinatorLogRecord[]): Promise<bigint>;
  /** Reads every record of partition p from log start, for loading state on start-up. */
  readAll(partition: number): AsyncIterable<{ offset: bigint; key: Buffer | null; value: Buffer | null }>;
}
