// Walks the records inside a (decompressed) v2 batch the way Kafka's LogValidator does for a
// produced batch: exactly `count` records, each exactly as long as its length prefix says, nothing
// after the last one. Keys, values and headers are skipped, not copied. Kafka rejects a batch that
// fails this with INVALID_RECORD even when its CRC is right (checked against Kafka 4.4.0); without
// the walk such a batch would be stored and break every consumer that later fetched it.
//
// This runs once per produced record, so it allocates nothing per record: plain number offsets,
// varints decoded inline, and timestamp deltas as numbers (a BigInt per record was the largest
// source of garbage on the produce path). Only a delta wider than 49 bits takes the BigInt path.
import { ProtocolDecodeError, Reader } from "./primitives.js";

const INT64_BITS = 64;
/** A zig-zag varlong of at most 7 bytes holds < 2^49: exact as a double. */
const EXACT_VARLONG_BYTES = 7;

export type RecordFraming = { ok: true; maxTimestamp: bigint } | { ok: false; message: string };

/** Read position of the helpers below: module state instead of a cursor object per call. */
let at = 0;

/** Kafka's 32-bit zig-zag varint at `at`, below `limit`; NaN when truncated or too long. */
function varint(buf: Buffer, limit: number): number {
  let raw = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (at >= limit) return NaN;
    const byte = buf[at++]!;
    raw += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }
  return NaN;
}

/**
 * A zig-zag varlong at `at`, below `limit`: a number when it is exact as one, a bigint when
 * wider, NaN when truncated or longer than 10 bytes.
 */
function varlong(buf: Buffer, limit: number): number | bigint {
  const start = at;
  let raw = 0;
  for (let i = 0; i < EXACT_VARLONG_BYTES; i++) {
    if (at >= limit) return NaN;
    const byte = buf[at++]!;
    raw += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }
  const r = new Reader(buf, start, limit);
  try {
    const wide = r.varlong();
    at = r.offset;
    return wide;
  } catch (err) {
    if (err instanceof ProtocolDecodeError) return NaN;
    throw err;
  }
}

/** Skips a varint-length-prefixed field (negative length = null); false when it overruns `limit`. */
function skipVarBytes(buf: Buffer, limit: number): boolean {
  const n = varint(buf, limit);
  if (Number.isNaN(n)) return false;
  if (n > 0) {
    if (n > limit - at) return false;
    at += n;
  }
  return true;
}

/** Never throws on bad bytes. `maxTimestamp` is the largest record timestamp, as a Java long. */
export function walkRecordFraming(records: Buffer, count: number, baseTimestamp: bigint): RecordFraming {
  const end = records.length;
  at = 0;
  let maxDelta = -Infinity;
  let maxWide: bigint | undefined;
  for (let i = 0; i < count; i++) {
    if (at === end) return { ok: false, message: `batch declares ${count} records but holds ${i}` };
    const length = varint(records, end);
    if (Number.isNaN(length)) return { ok: false, message: `malformed record ${i}: bad length varint` };
    if (length < 0 || length > end - at) return { ok: false, message: `record ${i} claims ${length} bytes, ${end - at} remain` };
    const recordEnd = at + length;
    if (at === recordEnd) return { ok: false, message: `malformed record ${i}: empty` };
    at++; // attributes: unused in v2
    const delta = varlong(records, recordEnd);
    if (typeof delta === "number" && Number.isNaN(delta)) return { ok: false, message: `malformed record ${i}: bad timestamp delta` };
    if (Number.isNaN(varint(records, recordEnd))) return { ok: false, message: `malformed record ${i}: bad offset delta` };
    if (!skipVarBytes(records, recordEnd)) return { ok: false, message: `malformed record ${i}: bad key` };
    if (!skipVarBytes(records, recordEnd)) return { ok: false, message: `malformed record ${i}: bad value` };
    const headers = varint(records, recordEnd);
    if (Number.isNaN(headers)) return { ok: false, message: `malformed record ${i}: bad header count` };
    if (headers < 0) return { ok: false, message: `record ${i} has ${headers} headers` };
    for (let h = 0; h < headers; h++) {
      const keyLength = varint(records, recordEnd);
      if (Number.isNaN(keyLength)) return { ok: false, message: `malformed record ${i}: bad header ${h} key length` };
      if (keyLength < 0) return { ok: false, message: `record ${i} has a null header key` };
      if (keyLength > recordEnd - at) return { ok: false, message: `malformed record ${i}: header ${h} key overruns the record` };
      at += keyLength;
      if (!skipVarBytes(records, recordEnd)) return { ok: false, message: `malformed record ${i}: bad header ${h} value` };
    }
    if (at !== recordEnd) return { ok: false, message: `record ${i} has ${recordEnd - at} bytes beyond its fields` };
    if (typeof delta === "number") {
      if (delta > maxDelta) maxDelta = delta;
    } else if (maxWide === undefined || delta > maxWide) {
      maxWide = delta;
    }
  }
  if (at !== end) return { ok: false, message: `${end - at} bytes after the last of ${count} records` };
  let max = maxDelta === -Infinity ? undefined : BigInt(maxDelta);
  if (maxWide !== undefined && (max === undefined || maxWide > max)) max = maxWide;
  // Java long arithmetic, as Kafka computes it: a wild delta wraps rather than throws.
  return { ok: true, maxTimestamp: BigInt.asIntN(INT64_BITS, baseTimestamp + (max ?? 0n)) };
}
