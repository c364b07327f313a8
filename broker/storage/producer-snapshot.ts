// Producer state snapshots in Kafka's format (ProducerSnapshot v1): int16 version, uint32 CRC32C
// of everything after it, then an int32 count of 46-byte entries. Only each producer's last
// batch is kept, as in Kafka.
import { crc32c } from "@node-rs/crc32";
import { readInt64Number, writeInt64Number } from "../protocol/records.js";

const VERSION = 1;
const CRC_OFFSET = 2;
const ENTRIES_OFFSET = 6;
const ENTRY_SIZE = 46;

export interface SnapshotEntry {
  producerId: number;
  epoch: number;
  lastSequence: number;
  lastOffset: number;
  offsetDelta: number;
  timestamp: number;
  coordinatorEpoch: number;
  currentTxnFirstOffset: number;
}

export function encodeSnapshot(entries: readonly SnapshotEntry[]): Buffer {
  const buf = Buffer.alloc(ENTRIES_OFFSET + 4 + entries.length * ENTRY_SIZE);
  buf.writeInt16BE(VERSION, 0);
  buf.writeInt32BE(entries.length, ENTRIES_OFFSET);
  let pos = ENTRIES_OFFSET + 4;
  for (const e of entries) {
    writeInt64Number(buf, pos, e.producerId);
    buf.writeInt16BE(e.epoch, pos + 8);
    buf.writeInt32BE(e.lastSequence, pos + 10);
    writeInt64Number(buf, pos + 14, e.lastOffset);
    buf.writeInt32BE(e.offsetDelta, pos + 22);
    writeInt64Number(buf, pos + 26, e.timestamp);
    buf.writeInt32BE(e.coordinatorEpoch, pos + 34);
    writeInt64Number(buf, pos + 38, e.currentTxnFirstOffset);
    pos += ENTRY_SIZE;
  }
  buf.writeUInt32BE(crc32c(buf.subarray(ENTRIES_OFFSET)), CRC_OFFSET);
  return buf;
}

/** Decodes a snapshot; throws on a bad version, CRC or length (the caller discards the file). */
export function decodeSnapshot(buf: Buffer): SnapshotEntry[] {
  if (buf.length < ENTRIES_OFFSET + 4) throw new Error("snapshot too short");
  const version = buf.readInt16BE(0);
  if (version !== VERSION) throw new Error(`unsupported snapshot version ${version}`);
  const crc = buf.readUInt32BE(CRC_OFFSET);
  if (crc32c(buf.subarray(ENTRIES_OFFSET)) !== crc) throw new Error("snapshot CRC mismatch");
  const count = buf.readInt32BE(ENTRIES_OFFSET);
  if (count < 0 || buf.length !== ENTRIES_OFFSET + 4 + count * ENTRY_SIZE) throw new Error("snapshot length mismatch");
  const entries: SnapshotEntry[] = [];
  let pos = ENTRIES_OFFSET + 4;
  for (let i = 0; i < count; i++) {
    entries.push({
      producerId: readInt64Number(buf, pos),
      epoch: buf.readInt16BE(pos + 8),
      lastSequence: buf.readInt32BE(pos + 10),
      lastOffset: readInt64Number(buf, pos + 14),
      offsetDelta: buf.readInt32BE(pos + 22),
      timestamp: readInt64Number(buf, pos + 26),
      coordinatorEpoch: buf.readInt32BE(pos + 34),
      currentTxnFirstOffset: readInt64Number(buf, pos + 38),
    });
    pos += ENTRY_SIZE;
  }
  return entries;
}
