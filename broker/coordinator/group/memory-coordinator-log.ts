// An in-memory CoordinatorLog for tests: appends are durable at once (or fail on demand), and a
// new coordinator over the same instance sees everything, as after a broker restart.
import type { CoordinatorLog, CoordinatorLogRecord } from "./coordinator-log.js";

export class MemoryCoordinatorLog implements CoordinatorLog {
  private readonly partitions = new Map<number, { offset: bigint; key: Buffer; value: Buffer | null }[]>();
  /** When set, the next appends reject with this error (tests of write failures). */
  failAppends: Error | null = null;

  async append(partition: number, records: CoordinatorLogRecord[]): Promise<bigint> {
    if (this.failAppends) throw this.failAppends;
    let log = this.partitions.get(partition);
    if (!log) this.partitions.set(partition, (log = []));
    for (const r of records) {
      log.push({ offset: BigInt(log.length), key: Buffer.from(r.key), value: r.value && Buffer.from(r.value) });
    }
    return BigInt(log.length - 1);
  }

  async *readAll(partition: number): AsyncIterable<{ offset: bigint; key: Buffer | null; value: Buffer | null }> {
    for (const r of this.partitions.get(partition) ?? []) yield r;
  }

  /** Every record of a partition, in order. */
  records(partition: number): readonly { offset: bigint; key: Buffer; value: Buffer | null }[] {
    return this.partitions.get(partition) ?? [];
  }

  /** Total records across partitions. */
  get size(): number {
    let n = 0;
    for (const log of this.partitions.values()) n += log.length;
    return n;
  }
}
