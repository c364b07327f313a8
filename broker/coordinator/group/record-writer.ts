// Appends a group's records to its __consumer_offsets partition. Appends are issued at once (so
// the log can batch them) but complete in call order per partition, so callbacks that apply state
// after durability apply it in log order.
import type { CoordinatorLog } from "./coordinator-log.js";
import { partitionFor } from "./partition-for.js";
import type { CoordinatorRecord } from "./records/coordinator-record.js";
import { encodeCoordinatorRecord } from "./records/record-codec.js";

export class RecordWriter {
  private readonly tails = new Map<number, Promise<void>>();

  constructor(
    private readonly log: CoordinatorLog,
    private readonly numPartitions: number,
  ) {}

  partitionOf(groupId: string): number {
    return partitionFor(groupId, this.numPartitions);
  }

  /** Resolves when the records are durable; rejects with the log's error. */
  append(groupId: string, records: readonly CoordinatorRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const partition = this.partitionOf(groupId);
    let written: Promise<bigint>;
    try {
      written = this.log.append(partition, records.map(encodeCoordinatorRecord));
    } catch (err) {
      written = Promise.reject(err);
    }
    const previous = this.tails.get(partition) ?? Promise.resolve();
    const done = previous.then(() => written).then(() => undefined);
    const tail = done.catch(() => undefined);
    this.tails.set(partition, tail);
    void tail.then(() => {
      if (this.tails.get(partition) === tail) this.tails.delete(partition);
    });
    return done;
  }

  /** Resolves once every append issued so far has completed (either way). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
