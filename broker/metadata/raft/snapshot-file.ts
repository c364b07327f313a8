// Snapshots of the metadata log in Kafka's on-disk form (KIP-630): a file
// `<20-digit end offset>-<10-digit epoch>.checkpoint` in the __cluster_metadata-0 directory,
// holding RecordBatches from offset 0: a control batch with SnapshotHeaderRecord, data batches
// with the records that rebuild the state, a control batch with SnapshotFooterRecord. Every
// batch carries the snapshot's epoch. Files are written to `.checkpoint.part`, fsynced, renamed.
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { Reader, Writer } from "../../protocol/primitives.js";
import { buildRecordBatch, decodeRecords, isRecordsError, validateBatches, type RecordBatchView } from "../../protocol/records.js";
import { readSnapshotHeaderRecord, writeSnapshotHeaderRecord } from "../../protocol/generated/snapshot-header-record.gen.js";
import { writeSnapshotFooterRecord } from "../../protocol/generated/snapshot-footer-record.gen.js";
import { ControlRecordType } from "./raft-batches.js";
import type { OffsetAndEpoch, RaftSnapshot } from "./raft-types.js";
import { votersSnapshotBatch, type VoterSet } from "./voter-set.js";

export const SNAPSHOT_SUFFIX = ".checkpoint";
export const PARTIAL_SUFFIX = ".checkpoint.part";

/** Records per data batch (Kafka's snapshot writer batches by size, about 8 KiB; any split reads the same). */
const RECORDS_PER_BATCH = 500;

const NAME = /^(\d{20})-(\d{10})\.checkpoint$/;

export function snapshotFileName(id: OffsetAndEpoch): string {
  return `${id.offset.toString().padStart(20, "0")}-${id.epoch.toString().padStart(10, "0")}${SNAPSHOT_SUFFIX}`;
}

export function parseSnapshotFileName(name: string): OffsetAndEpoch | undefined {
  const m = NAME.exec(name);
  return m ? { offset: BigInt(m[1]!), epoch: Number(m[2]!) } : undefined;
}

function controlRecord(type: number, value: Buffer, baseOffset: bigint, epoch: number, timestamp: bigint): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return buildRecordBatch([{ key, value, timestamp }], { baseOffset, partitionLeaderEpoch: epoch, control: true });
}

/**
 * The bytes of a snapshot holding `values` (framed metadata records, or any opaque values). A
 * dynamic quorum's snapshot also holds its voter set (KRaftVersionRecord and VotersRecord in a
 * control batch after the header, as Kafka writes it).
 */
export function buildSnapshot(id: OffsetAndEpoch, values: readonly Buffer[], lastContainedLogTimestamp: bigint, nowMs: number, voters?: VoterSet): Buffer {
  const timestamp = BigInt(nowMs);
  const header = new Writer(16);
  writeSnapshotHeaderRecord(header, 0, { version: 0, lastContainedLogTimestamp });
  const footer = new Writer(8);
  writeSnapshotFooterRecord(footer, 0, { version: 0 });
  const batches: Buffer[] = [controlRecord(ControlRecordType.snapshotHeader, Buffer.from(header.finish()), 0n, id.epoch, timestamp)];
  let offset = 1n;
  if (voters) {
    batches.push(votersSnapshotBatch(offset, id.epoch, voters, nowMs));
    offset += 2n;
  }
  for (let i = 0; i < values.length; i += RECORDS_PER_BATCH) {
    const chunk = values.slice(i, i + RECORDS_PER_BATCH);
    batches.push(buildRecordBatch(chunk.map((value) => ({ value, timestamp })), { baseOffset: offset, partitionLeaderEpoch: id.epoch }));
    offset += BigInt(chunk.length);
  }
  batches.push(controlRecord(ControlRecordType.snapshotFooter, Buffer.from(footer.finish()), offset, id.epoch, timestamp));
  return Buffer.concat(batches);
}

export class InvalidSnapshotError extends Error {}

export interface SnapshotContents {
  readonly values: Buffer[];
  readonly lastContainedLogTimestamp: bigint;
}

function controlType(batch: RecordBatchView): number | undefined {
  if (!batch.isControl) return undefined;
  const decoded = decodeRecords(batch);
  if (isRecordsError(decoded)) return undefined;
  const key = decoded.records[0]?.key;
  return key && key.length >= 4 ? key.readInt16BE(2) : undefined;
}

/** Checks a snapshot's framing (CRCs, header first, footer last) and returns its record values. */
export function readSnapshot(bytes: Buffer): SnapshotContents {
  const valid = validateBatches(bytes, { maxMessageBytes: Number.MAX_SAFE_INTEGER, origin: "replication" });
  if (isRecordsError(valid)) throw new InvalidSnapshotError(`${valid.code}: ${valid.message}`);
  const batches = valid.batches;
  if (batches.length < 2) throw new InvalidSnapshotError(`${batches.length} record batches; a snapshot has at least a header and a footer`);
  const first = batches[0]!;
  if (controlType(first) !== ControlRecordType.snapshotHeader) throw new InvalidSnapshotError("the first batch is not a SnapshotHeaderRecord");
  if (controlType(batches.at(-1)!) !== ControlRecordType.snapshotFooter) throw new InvalidSnapshotError("no SnapshotFooterRecord at the end (a partial snapshot?)");
  const headerRecord = decodeRecords(first);
  if (isRecordsError(headerRecord)) throw new InvalidSnapshotError(headerRecord.message);
  const header = readSnapshotHeaderRecord(new Reader(headerRecord.records[0]!.value ?? Buffer.alloc(0)), 0);
  const values: Buffer[] = [];
  for (const batch of batches.slice(1, -1)) {
    if (batch.isControl) continue;
    const decoded = decodeRecords(batch);
    if (isRecordsError(decoded)) throw new InvalidSnapshotError(`batch at ${batch.baseOffset}: ${decoded.message}`);
    for (const r of decoded.records) {
      if (r.value === null) throw new InvalidSnapshotError(`batch at ${batch.baseOffset}: a record without a value`);
      values.push(Buffer.from(r.value));
    }
  }
  return { values, lastContainedLogTimestamp: header.lastContainedLogTimestamp };
}

/** Writes a snapshot atomically: `.part`, fsync, rename, fsync of the directory. */
export function writeSnapshotFile(dir: string, snapshot: RaftSnapshot): string {
  const path = join(dir, snapshotFileName(snapshot.id));
  const partial = join(dir, snapshotFileName(snapshot.id).replace(SNAPSHOT_SUFFIX, PARTIAL_SUFFIX));
  const fd = openSync(partial, "w");
  try {
    writeSync(fd, snapshot.bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return path;
}

export function deleteSnapshotFile(dir: string, id: OffsetAndEpoch): void {
  const path = join(dir, snapshotFileName(id));
  if (existsSync(path)) unlinkSync(path);
}

/**
 * The valid snapshots in `dir`, oldest first. Leftover `.part` files and snapshots that do not
 * read back (torn, corrupt, misnamed) are deleted with a warning saying why.
 */
export function loadSnapshots(dir: string, logger: Logger): RaftSnapshot[] {
  if (!existsSync(dir)) return [];
  const found: RaftSnapshot[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name.endsWith(PARTIAL_SUFFIX)) {
      logger.warn({ path }, "metadata snapshot: deleting a partial snapshot left by a crash");
      unlinkSync(path);
      continue;
    }
    if (!name.endsWith(SNAPSHOT_SUFFIX)) continue;
    const id = parseSnapshotFileName(name);
    if (!id) {
      logger.warn({ path }, "metadata snapshot: ignoring a file whose name is not <20-digit offset>-<10-digit epoch>.checkpoint");
      continue;
    }
    const bytes = readFileSync(path);
    try {
      readSnapshot(bytes);
    } catch (err) {
      logger.warn({ path, snapshotOffset: id.offset, snapshotEpoch: id.epoch, reason: (err as Error).message }, "metadata snapshot: deleting an invalid snapshot");
      unlinkSync(path);
      continue;
    }
    found.push({ id, bytes });
  }
  return found.sort((a, b) => (a.id.offset < b.id.offset ? -1 : a.id.offset > b.id.offset ? 1 : 0));
}
