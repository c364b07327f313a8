// What the crash test knows about its records: which it sent where, and which must be in the log
// at which offset from now on. A record becomes "settled" at an offset when the broker
// acknowledged it (acks=-1 answered with its offset) or when it was read back below the high
// watermark after a restart (a consumer may have seen it, so it may never change again).
// Records whose send failed or was in flight at the kill are neither: they may be present, once.

/** A record's value: `<id>|<length>|<filler>`, the filler derived from the id, so any changed byte shows. */
export function recordValue(id: string, length: number): string {
  const head = `${id}|${length}|`;
  let seed = 0;
  for (let i = 0; i < id.length; i++) seed = (seed * 31 + id.charCodeAt(i)) >>> 0;
  let filler = "";
  for (let i = head.length; i < length; i++) filler += String.fromCharCode(97 + ((seed + i * 7) % 26));
  return head + filler;
}

/** The id a value claims to carry, or undefined when it is not one of ours. */
export function idOfValue(value: string): string | undefined {
  const [id, length] = value.split("|", 2);
  if (id === undefined || length === undefined || !/^c\d+p\d+s\d+$/.test(id)) return undefined;
  return id;
}

export function recordId(cycle: number, producer: number, sequence: number): string {
  return `c${cycle}p${producer}s${sequence}`;
}

export type SettledBy = "acknowledged" | "read back";

export interface SettledRecord {
  id: string;
  by: SettledBy;
  /** The crash cycle in which it was settled, for failure messages. */
  cycle: number;
}

export class RecordLedger {
  /** id → the value and partition it was sent with. */
  private readonly sent = new Map<string, { value: string; partition: number }>();
  /** partition → offset → the record that must be there. */
  private readonly settled = new Map<number, Map<number, SettledRecord>>();
  /** Contradictions found while recording (two records acknowledged at one offset). */
  readonly conflicts: string[] = [];
  acknowledged = 0;

  recordSent(partition: number, records: readonly { id: string; value: string }[]): void {
    for (const r of records) {
      if (this.sent.has(r.id)) throw new Error(`record id ${r.id} sent twice by the test itself`);
      this.sent.set(r.id, { value: r.value, partition });
    }
  }

  /** The broker acknowledged `ids`, in order, starting at `baseOffset`. */
  recordAcknowledged(partition: number, baseOffset: number, ids: readonly string[], cycle: number): void {
    ids.forEach((id, i) => this.settle(partition, baseOffset + i, { id, by: "acknowledged", cycle }));
    this.acknowledged += ids.length;
  }

  /** A record read back after a restart must stay at its offset. */
  recordReadBack(partition: number, offset: number, id: string, cycle: number): void {
    if (this.settled.get(partition)?.get(offset)?.id === id) return;
    this.settle(partition, offset, { id, by: "read back", cycle });
  }

  sentRecord(id: string): { value: string; partition: number } | undefined {
    return this.sent.get(id);
  }

  settledIn(partition: number): ReadonlyMap<number, SettledRecord> {
    return this.settled.get(partition) ?? new Map();
  }

  private settle(partition: number, offset: number, record: SettledRecord): void {
    let byOffset = this.settled.get(partition);
    if (!byOffset) this.settled.set(partition, (byOffset = new Map()));
    const before = byOffset.get(offset);
    if (before && before.id !== record.id) {
      this.conflicts.push(
        `partition ${partition} offset ${offset}: ${record.id} ${record.by} in cycle ${record.cycle}, ` +
          `but ${before.id} was ${before.by} there in cycle ${before.cycle}`,
      );
      return;
    }
    byOffset.set(offset, record);
  }
}
