// Appends a group's records to its __consumer_offsets partition. Appends are issued at once (so
// the log can batch them) but complete in call order per partition, so callbacks that apply state
// after durability apply it in log order.
//
// Only partitions this coordinator owns (loading or loaded) take appends. An append still in
// flight when its partition is given up (or given up and taken again) fails with NOT_COORDINATOR,
// so nothing a previous leadership started changes the state of the next one — the next load reads
// whatever of it was committed from the log.
import type { CoordinatorLog } from "./coordinator-log.js";
import { GroupError } from "./group-errors.js";
import { partitionFor } from "./partition-for.js";
import type { CoordinatorRecord } from "./records/coordinator-record.js";
import { encodeCoordinatorRecord } from "./records/record-codec.js";

/** One ownership of a partition; `lost` rejects when it ends, failing the appends still waiting. */
class Ownership {
  readonly lost: Promise<never>;
  readonly end: () => void;

  constructor(partition: number) {
    let reject!: (err: Error) => void;
    this.lost = new Promise<never>((_, r) => (reject = r));
    this.lost.catch(() => undefined);
    this.end = () => reject(notOwned(partition));
  }
}

export class RecordWriter {
  private readonly tails = new Map<number, Promise<void>>();
  /** Owned partitions and their current ownership. */
  private readonly owned = new Map<number, Ownership>();

  constructor(
    private readonly log: CoordinatorLog,
    private readonly numPartitions: number,
  ) {}

  partitionOf(groupId: string): number {
    return partitionFor(groupId, this.numPartitions);
  }

  /** Starts a new ownership of partition p (appends in flight from an earlier one fail). */
  own(partition: number): void {
    this.disown(partition);
    this.owned.set(partition, new Ownership(partition));
  }

  /**
   * Ends the ownership of partition p: new appends are refused, and those in flight fail at once
   * with NOT_COORDINATOR (Kafka fails a resigned coordinator's pending writes the same way) — their
   * records may still become committed; the next load of the partition finds them in the log.
   */
  disown(partition: number): void {
    this.owned.get(partition)?.end();
    this.owned.delete(partition);
  }

  /** Resolves when the records are committed; rejects with the log's error, or NOT_COORDINATOR. */
  append(groupId: string, records: readonly CoordinatorRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const partition = this.partitionOf(groupId);
    const ownership = this.owned.get(partition);
    if (!ownership) return Promise.reject(notOwned(partition));
    let written: Promise<bigint>;
    try {
      written = this.log.append(partition, records.map(encodeCoordinatorRecord));
    } catch (err) {
      written = Promise.reject(err);
    }
    // It may fail before the appends ahead of it complete: handled now, so the process does not
    // see an unhandled rejection meanwhile (the chain below still reports it to the caller).
    written.catch(() => undefined);
    const previous = this.tails.get(partition) ?? Promise.resolve();
    const completed = previous
      .then(() => written)
      .then(() => {
        if (this.owned.get(partition) !== ownership) throw notOwned(partition);
      });
    const done = Promise.race([completed, ownership.lost]);
    // The tail follows the log's own completion: order and idle() wait for it, not for the race.
    const tail = completed.catch(() => undefined);
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

function notOwned(partition: number): GroupError {
  return new GroupError("NOT_COORDINATOR", `__consumer_offsets-${partition} is not coordinated here (any more)`);
}
