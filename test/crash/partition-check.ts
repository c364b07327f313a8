// Checks what a restarted broker serves for one partition against the ledger: the batches chain
// without gaps from offset 0 to the high watermark, each CRC verifies, every record is one the test
// sent to this partition, intact and only once, and every settled record is at its offset.
import { CURRENT_MAGIC, decodeRecords, type RecordBatchView } from "../../broker/protocol/records.js";
import type { PartitionContents } from "./partition-reader.js";
import { idOfValue, type RecordLedger } from "./record-ledger.js";

export interface ReadRecord {
  offset: number;
  id: string;
}

export interface PartitionCheck {
  problems: string[];
  /** The records read, in offset order (those that passed the per-record checks). */
  records: ReadRecord[];
  batches: number;
  /** Settled records found at their offsets. */
  settledVerified: number;
}

/**
 * @param seenIds ids already read from other partitions in this pass (a record must appear once
 *   in the whole topic); this partition's ids are added.
 */
export function checkPartition(
  partition: number,
  contents: PartitionContents,
  ledger: RecordLedger,
  seenIds: Set<string>,
): PartitionCheck {
  const problems: string[] = [];
  const where = (offset: number) => `partition ${partition} offset ${offset}`;
  if (contents.logStartOffset !== 0) problems.push(`partition ${partition}: log start offset ${contents.logStartOffset}, expected 0`);

  const records: ReadRecord[] = [];
  let next = 0;
  for (const batch of contents.batches) {
    const base = Number(batch.baseOffset);
    if (base !== next) problems.push(`${where(base)}: batch starts at ${base}, expected ${next} (gap or overlap)`);
    problems.push(...checkBatchFrame(batch, where(base)));
    next = Number(batch.lastOffset) + 1;
    const decoded = decodeRecords(batch);
    if ("code" in decoded) {
      problems.push(`${where(base)}: records do not decode: ${decoded.code} ${decoded.message}`);
      continue;
    }
    decoded.records.forEach((record, i) => {
      const offset = Number(record.offset);
      if (offset !== base + i) problems.push(`${where(offset)}: record ${i} of the batch at ${base} has offset ${offset}`);
      const problem = checkRecord(partition, record.value?.toString("utf8") ?? null, ledger, seenIds);
      if (typeof problem === "string") problems.push(`${where(offset)}: ${problem}`);
      else records.push({ offset, id: problem.id });
    });
  }
  if (next !== contents.highWatermark) {
    problems.push(`partition ${partition}: batches end at ${next}, the high watermark is ${contents.highWatermark}`);
  }

  const byOffset = new Map(records.map((r) => [r.offset, r.id]));
  let settledVerified = 0;
  const missing: MissingRecord[] = [];
  for (const [offset, settled] of ledger.settledIn(partition)) {
    const found = byOffset.get(offset);
    if (found === settled.id) {
      settledVerified++;
      continue;
    }
    const reason = found !== undefined ? "another record is there" : offset >= contents.highWatermark ? `beyond the high watermark ${contents.highWatermark}` : "nothing valid is there";
    const instead = found !== undefined ? `, found ${found}` : "";
    missing.push({ offset, description: `${settled.by} record ${settled.id} (cycle ${settled.cycle}${instead})`, reason });
  }
  problems.push(...describeMissing(partition, missing));
  return { problems, records, batches: contents.batches.length, settledVerified };
}

interface MissingRecord {
  offset: number;
  description: string;
  reason: string;
}

/** One line per run of consecutive missing offsets with the same reason: a lost tail is one line. */
function describeMissing(partition: number, missing: MissingRecord[]): string[] {
  missing.sort((a, b) => a.offset - b.offset);
  const lines: string[] = [];
  for (let i = 0; i < missing.length; ) {
    let j = i + 1;
    while (j < missing.length && missing[j]!.offset === missing[j - 1]!.offset + 1 && missing[j]!.reason === missing[i]!.reason) j++;
    const first = missing[i]!;
    const last = missing[j - 1]!;
    lines.push(
      j - i === 1
        ? `partition ${partition} offset ${first.offset}: ${first.description} is missing: ${first.reason}`
        : `partition ${partition} offsets ${first.offset}-${last.offset}: ${j - i} records missing, ` +
            `from ${first.description} to ${last.description}: ${first.reason}`,
    );
    i = j;
  }
  return lines;
}

function checkBatchFrame(batch: RecordBatchView, where: string): string[] {
  const problems: string[] = [];
  if (batch.magic !== CURRENT_MAGIC) problems.push(`${where}: magic ${batch.magic}`);
  if (!batch.isCrcValid()) problems.push(`${where}: CRC 0x${batch.crc.toString(16)} stored, 0x${batch.computeCrc().toString(16)} computed`);
  if (batch.recordCount !== batch.lastOffsetDelta + 1) {
    problems.push(`${where}: ${batch.recordCount} records for last offset delta ${batch.lastOffsetDelta}`);
  }
  return problems;
}

/** A problem description, or the id of a record that is ours, intact, in its partition and new. */
function checkRecord(partition: number, value: string | null, ledger: RecordLedger, seenIds: Set<string>): string | { id: string } {
  const id = value === null ? undefined : idOfValue(value);
  if (id === undefined) return `a record the test did not write: ${JSON.stringify(value?.slice(0, 60))}`;
  const sent = ledger.sentRecord(id);
  if (!sent) return `record ${id} was never sent`;
  if (sent.partition !== partition) return `record ${id} was sent to partition ${sent.partition}`;
  if (sent.value !== value) return `record ${id} has a different value than sent`;
  if (seenIds.has(id)) return `record ${id} appears more than once`;
  seenIds.add(id);
  return { id };
}
