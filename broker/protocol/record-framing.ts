// Walks the records inside a (decompressed) v2 batch the way Kafka's LogValidator does for a
// produced batch: exactly `count` records, each exactly as long as its length prefix says, nothing
// after the last one. Keys, values and headers are skipped, not copied. Kafka rejects a batch that
// fails this with INVALID_RECORD even when its CRC is right (checked against Kafka 4.4.0); without
// the walk such a batch would be stored and break every consumer that later fetched it.
import { ProtocolDecodeError, Reader } from "./primitives.js";

const INT64_BITS = 64;

export type RecordFraming = { ok: true; maxTimestamp: bigint } | { ok: false; message: string };

/** Never throws on bad bytes. `maxTimestamp` is the largest record timestamp, as a Java long. */
export function walkRecordFraming(records: Buffer, count: number, baseTimestamp: bigint): RecordFraming {
  const r = new Reader(records);
  let maxDelta: bigint | undefined;
  try {
    for (let i = 0; i < count; i++) {
      if (r.remaining === 0) return { ok: false, message: `batch declares ${count} records but holds ${i}` };
      const length = r.varint();
      if (length < 0 || length > r.remaining) return { ok: false, message: `record ${i} claims ${length} bytes, ${r.remaining} remain` };
      const end = r.offset + length;
      const rec = new Reader(records, r.offset, end);
      rec.int8(); // attributes: unused in v2
      const timestampDelta = rec.varlong();
      rec.varint(); // offset delta
      skipVarBytes(rec);
      skipVarBytes(rec);
      const headers = rec.varint();
      if (headers < 0) return { ok: false, message: `record ${i} has ${headers} headers` };
      for (let h = 0; h < headers; h++) {
        const keyLength = rec.varint();
        if (keyLength < 0) return { ok: false, message: `record ${i} has a null header key` };
        rec.raw(keyLength);
        skipVarBytes(rec);
      }
      if (rec.remaining !== 0) return { ok: false, message: `record ${i} has ${rec.remaining} bytes beyond its fields` };
      if (maxDelta === undefined || timestampDelta > maxDelta) maxDelta = timestampDelta;
      r.offset = end;
    }
  } catch (err) {
    if (err instanceof ProtocolDecodeError) return { ok: false, message: `malformed record: ${err.message}` };
    throw err;
  }
  if (r.remaining !== 0) return { ok: false, message: `${r.remaining} bytes after the last of ${count} records` };
  // Java long arithmetic, as Kafka computes it: a wild delta wraps rather than throws.
  return { ok: true, maxTimestamp: BigInt.asIntN(INT64_BITS, baseTimestamp + (maxDelta ?? 0n)) };
}

function skipVarBytes(r: Reader): void {
  const n = r.varint();
  if (n > 0) r.raw(n);
}
