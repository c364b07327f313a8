// RecordBatch v2 (magic 2): a header view over bytes that may hold several concatenated batches,
// validation, in-place offset/epoch/timestamp rewrite, record decoding and batch building.
// The produce path touches headers and the CRC only; records are decoded when someone needs them
// (compaction, internal topics, timestamp lookups).
import { crc32c } from "@node-rs/crc32";
import { createRequire } from "node:module";
import zlib from "node:zlib";
import { ProtocolDecodeError, Reader, Writer } from "./primitives.js";
import { walkRecordFraming } from "./record-framing.js";

/** Byte offsets of the v2 batch header fields. */
export const BATCH = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  records: 61,
} as const;

/** baseOffset + batchLength: the framing every magic shares. */
export const LOG_OVERHEAD = 12;
export const BATCH_HEADER_SIZE = 61;
export const CURRENT_MAGIC = 2;
export const NO_PRODUCER_ID = -1n;
export const NO_SEQUENCE = -1;
export const INT32_MAX = 0x7fffffff;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionCodec = (typeof Compression)[keyof typeof Compression];
export type TimestampType = "CreateTime" | "LogAppendTime";

const ATTR_CODEC_MASK = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;
/** KIP-534: the base timestamp holds the time after which tombstones/markers may be removed. */
const ATTR_DELETE_HORIZON = 0x40;

const TWO_32 = 4294967296;

/** Reads an int64 as a JS number: exact below 2^53, which offsets and timestamps always are. */
export function readInt64Number(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

const TWO_63 = 2 ** 63;

/**
 * Writes a JS number as an int64. Numbers beyond the int64 range are clamped, never thrown on:
 * readInt64Number gives Long.MAX_VALUE back as 2^63 (doubles are approximate above 2^53), and a
 * produced batch with such a timestamp once took its partition offline when an index holding it
 * was persisted (found by the fuzzer, test/fuzz).
 */
export function writeInt64Number(buf: Buffer, pos: number, v: number): void {
  if (!(v < TWO_63)) {
    buf.writeBigInt64BE(0x7fff_ffff_ffff_ffffn, pos);
    return;
  }
  if (v < -TWO_63) {
    buf.writeBigInt64BE(-(2n ** 63n), pos);
    return;
  }
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
}

/** Sequence numbers wrap from Int32.MAX to 0 (DefaultRecordBatch.incrementSequence). */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

/** A view of the batch starting at `pos`; getters read the bytes, setters write them in place. */
export class RecordBatchView {
  constructor(
    readonly buf: Buffer,
    readonly pos: number,
  ) {}

  /** Total bytes of this batch, framing included. */
  get size(): number {
    return LOG_OVERHEAD + this.buf.readInt32BE(this.pos + BATCH.batchLength);
  }
  get bytes(): Buffer {
    return this.buf.subarray(this.pos, this.pos + this.size);
  }
  get baseOffset(): bigint {
    return this.buf.readBigInt64BE(this.pos);
  }
  set baseOffset(v: bigint) {
    this.buf.writeBigInt64BE(v, this.pos);
  }
  get lastOffset(): bigint {
    return this.baseOffset + BigInt(this.lastOffsetDelta);
  }
  get batchLength(): number {
    return this.buf.readInt32BE(this.pos + BATCH.batchLength);
  }
  get partitionLeaderEpoch(): number {
    return this.buf.readInt32BE(this.pos + BATCH.partitionLeaderEpoch);
  }
  set partitionLeaderEpoch(v: number) {
    this.buf.writeInt32BE(v, this.pos + BATCH.partitionLeaderEpoch);
  }
  get magic(): number {
    return this.buf.readInt8(this.pos + BATCH.magic);
  }
  get crc(): number {
    return this.buf.readUInt32BE(this.pos + BATCH.crc);
  }
  get attributes(): number {
    return this.buf.readInt16BE(this.pos + BATCH.attributes);
  }
  get compression(): number {
    return this.attributes & ATTR_CODEC_MASK;
  }
  get timestampType(): TimestampType {
    return this.attributes & ATTR_LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime";
  }
  get isTransactional(): boolean {
    return (this.attributes & ATTR_TRANSACTIONAL) !== 0;
  }
  get isControl(): boolean {
    return (this.attributes & ATTR_CONTROL) !== 0;
  }
  get hasDeleteHorizon(): boolean {
    return (this.attributes & ATTR_DELETE_HORIZON) !== 0;
  }
  /** The KIP-534 delete horizon, or -1n when the batch has none. */
  get deleteHorizonMs(): bigint {
    return this.hasDeleteHorizon ? this.baseTimestamp : -1n;
  }
  get lastOffsetDelta(): number {
    return this.buf.readInt32BE(this.pos + BATCH.lastOffsetDelta);
  }
  get baseTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.pos + BATCH.baseTimestamp);
  }
  get maxTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.pos + BATCH.maxTimestamp);
  }
  get producerId(): bigint {
    return this.buf.readBigInt64BE(this.pos + BATCH.producerId);
  }
  get producerEpoch(): number {
    return this.buf.readInt16BE(this.pos + BATCH.producerEpoch);
  }
  get baseSequence(): number {
    return this.buf.readInt32BE(this.pos + BATCH.baseSequence);
  }
  get lastSequence(): number {
    const base = this.baseSequence;
    return base === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(base, this.lastOffsetDelta);
  }
  get recordCount(): number {
    return this.buf.readInt32BE(this.pos + BATCH.recordCount);
  }

  computeCrc(): number {
    return crc32c(this.buf.subarray(this.pos + BATCH.attributes, this.pos + this.size));
  }
  isCrcValid(): boolean {
    return this.computeCrc() === this.crc;
  }
  /** Recomputes the CRC after a change to a field it covers (attributes onwards). */
  updateCrc(): void {
    this.buf.writeUInt32BE(this.computeCrc(), this.pos + BATCH.crc);
  }

  /**
   * Stamps LogAppendTime: sets the timestamp-type bit and maxTimestamp, both inside the CRC,
   * so the CRC is recomputed.
   */
  setLogAppendTime(nowMs: bigint): void {
    const attrs = this.attributes | ATTR_LOG_APPEND_TIME;
    this.buf.writeInt16BE(attrs, this.pos + BATCH.attributes);
    this.buf.writeBigInt64BE(nowMs, this.pos + BATCH.maxTimestamp);
    this.updateCrc();
  }

  /** Rewrites a CreateTime batch's max timestamp (inside the CRC, so the CRC is recomputed). */
  setMaxTimestamp(ms: bigint): void {
    this.buf.writeBigInt64BE(ms, this.pos + BATCH.maxTimestamp);
    this.updateCrc();
  }

  /** Clears a client-set LogAppendTime bit on a CreateTime topic (Kafka rewrites it too). */
  setCreateTime(): void {
    this.buf.writeInt16BE(this.attributes & ~ATTR_LOG_APPEND_TIME, this.pos + BATCH.attributes);
    this.updateCrc();
  }
}

/**
 * Iterates the complete batches in `buf` from `start`; stops silently at a partial tail (a fetch
 * or a torn file may end mid-batch). Use `validateBatches` for bytes from a client.
 */
export function* batchViews(buf: Buffer, start = 0, end = buf.length): Generator<RecordBatchView> {
  let pos = start;
  while (end - pos >= LOG_OVERHEAD) {
    const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH.batchLength);
    if (size < BATCH_HEADER_SIZE || pos + size > end) return;
    yield new RecordBatchView(buf, pos);
    pos += size;
  }
}

export type RecordsErrorCode =
  | "CORRUPT_MESSAGE"
  | "INVALID_RECORD"
  | "MESSAGE_TOO_LARGE"
  | "UNSUPPORTED_FOR_MESSAGE_FORMAT"
  | "UNSUPPORTED_COMPRESSION_TYPE";

export interface RecordsError {
  code: RecordsErrorCode;
  message: string;
  /** Index of the offending batch within the buffer, when one is to blame. */
  batchIndex?: number;
}

export function isRecordsError(v: object): v is RecordsError {
  return "code" in v;
}

export interface ValidateOptions {
  /** max.message.bytes: the largest batch (framing included) accepted. */
  maxMessageBytes: number;
  /**
   * "client" applies the checks Kafka's LogValidator makes on produce requests (base offset 0,
   * count consistent with offsets, no control batches, sequence present for idempotent batches).
   */
  origin: "client" | "coordinator" | "replication";
}

export interface ValidBatches {
  batches: RecordBatchView[];
  /** Sum of lastOffsetDelta + 1: how many offsets the buffer will take. */
  offsetCount: number;
}

/** Validates every batch in a buffer from outside; never throws on bad bytes. */
export function validateBatches(buf: Buffer, opts: ValidateOptions): ValidBatches | RecordsError {
  const batches: RecordBatchView[] = [];
  let offsetCount = 0;
  let pos = 0;
  const end = buf.length;
  if (end === 0) return { code: "INVALID_RECORD", message: "no record batch" };
  while (pos < end) {
    const batchIndex = batches.length;
    const remaining = end - pos;
    if (remaining <= BATCH.magic) {
      return { code: "CORRUPT_MESSAGE", message: `${remaining} trailing bytes after the last batch`, batchIndex };
    }
    const magic = buf.readInt8(pos + BATCH.magic);
    if (magic !== CURRENT_MAGIC) {
      if (magic === 0 || magic === 1) {
        return { code: "UNSUPPORTED_FOR_MESSAGE_FORMAT", message: `magic ${magic} record batches are not supported`, batchIndex };
      }
      return { code: "CORRUPT_MESSAGE", message: `invalid magic ${magic}`, batchIndex };
    }
    const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH.batchLength);
    if (size < BATCH_HEADER_SIZE) {
      return { code: "CORRUPT_MESSAGE", message: `batch size ${size} is below the minimum ${BATCH_HEADER_SIZE}`, batchIndex };
    }
    if (size > remaining) {
      return { code: "CORRUPT_MESSAGE", message: `batch of ${size} bytes but only ${remaining} remain`, batchIndex };
    }
    if (size > opts.maxMessageBytes) {
      return {
        code: "MESSAGE_TOO_LARGE",
        message: `batch of ${size} bytes exceeds max.message.bytes ${opts.maxMessageBytes}`,
        batchIndex,
      };
    }
    const view = new RecordBatchView(buf, pos);
    if (!view.isCrcValid()) {
      return { code: "CORRUPT_MESSAGE", message: `batch CRC mismatch (stored ${view.crc}, computed ${view.computeCrc()})`, batchIndex };
    }
    const codec = view.compression;
    if (codec > Compression.zstd) {
      return { code: "UNSUPPORTED_COMPRESSION_TYPE", message: `unknown compression codec ${codec}`, batchIndex };
    }
    const lastOffsetDelta = view.lastOffsetDelta;
    const count = view.recordCount;
    if (opts.origin === "client") {
      const invalid = clientBatchProblem(view, lastOffsetDelta, count);
      if (invalid) return { code: "INVALID_RECORD", message: invalid, batchIndex };
      const framing = checkClientRecords(view);
      if (isRecordsError(framing)) return { ...framing, batchIndex };
    } else if (lastOffsetDelta < 0 || count < 0) {
      return { code: "CORRUPT_MESSAGE", message: `invalid offset range ${lastOffsetDelta} / count ${count}`, batchIndex };
    }
    batches.push(view);
    offsetCount += lastOffsetDelta + 1;
    pos += size;
  }
  return { batches, offsetCount };
}

function clientBatchProblem(view: RecordBatchView, lastOffsetDelta: number, count: number): string | undefined {
  if (readInt64Number(view.buf, view.pos) !== 0) return `the base offset of a produced batch must be 0, not ${view.baseOffset}`;
  if (lastOffsetDelta < 0) return `invalid last offset delta ${lastOffsetDelta}`;
  if (count <= 0) return `invalid record count ${count}`;
  if (count !== lastOffsetDelta + 1) return `record count ${count} does not match the offset range ${lastOffsetDelta + 1}`;
  if (view.isControl) return "clients may not write control records";
  if (readInt64Number(view.buf, view.pos + BATCH.producerId) >= 0 && view.baseSequence < 0) {
    return `invalid sequence ${view.baseSequence} for producer ${view.producerId}`;
  }
  return undefined;
}

/**
 * Kafka's LogValidator walks every produced batch's records (decompressing if needed): the count
 * and framing must hold, and the header's max timestamp is rewritten to the largest record
 * timestamp (CreateTime) — a client cannot plant a max timestamp its records do not have.
 */
function checkClientRecords(view: RecordBatchView): { ok: true } | RecordsError {
  let records: Buffer;
  try {
    records = decompress(view.compression, view.buf.subarray(view.pos + BATCH.records, view.pos + view.size));
  } catch (err) {
    // Kafka 4.4 answers UNKNOWN_SERVER_ERROR here (the codec's exception escapes its validator);
    // CORRUPT_MESSAGE is what the error table says a corrupt batch is.
    return { code: "CORRUPT_MESSAGE", message: `cannot decompress batch (codec ${view.compression}): ${(err as Error).message}` };
  }
  const framing = walkRecordFraming(records, view.recordCount, view.baseTimestamp);
  if (!framing.ok) return { code: "INVALID_RECORD", message: framing.message };
  if (view.timestampType === "CreateTime" && framing.maxTimestamp !== view.maxTimestamp) view.setMaxTimestamp(framing.maxTimestamp);
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Compression. Native codecs load on first use: most brokers never see snappy or lz4, and
// startup time is measured.

const require = createRequire(import.meta.url);
let snappyLib: { compressSync(b: Uint8Array): Buffer; uncompressSync(b: Uint8Array): string | Buffer } | undefined;
let lz4Lib: { compressFrameSync(b: Buffer): Buffer; decompressFrameSync(b: Buffer): Buffer } | undefined;
const snappy = () => (snappyLib ??= require("snappy") as typeof snappyLib)!;
const lz4 = () => (lz4Lib ??= require("lz4-napi") as typeof lz4Lib)!;

/** snappy-java's stream framing, which Java clients produce. librdkafka sends raw snappy. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_BLOCK = 32 * 1024;

/** Guards decompression of client data against compression bombs. */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.none:
      return data;
    case Compression.gzip:
      return zlib.gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    case Compression.snappy:
      return snappyDecompress(data);
    case Compression.lz4:
      return lz4().decompressFrameSync(data);
    case Compression.zstd:
      return zlib.zstdDecompressSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    default:
      throw new ProtocolDecodeError(`unknown compression codec ${codec}`);
  }
}

export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.none:
      return data;
    case Compression.gzip:
      return zlib.gzipSync(data);
    case Compression.snappy:
      return snappyFramedCompress(data);
    case Compression.lz4:
      return lz4().compressFrameSync(data);
    case Compression.zstd:
      return zlib.zstdCompressSync(data);
    default:
      throw new TypeError(`unknown compression codec ${codec}`);
  }
}

function toBuffer(b: string | Buffer): Buffer {
  return typeof b === "string" ? Buffer.from(b, "latin1") : b;
}

function snappyDecompress(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER_SIZE || !data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    return toBuffer(snappy().uncompressSync(data));
  }
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  let total = 0;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new ProtocolDecodeError("truncated snappy block length");
    const n = data.readInt32BE(pos);
    pos += 4;
    if (n < 0 || pos + n > data.length) throw new ProtocolDecodeError("truncated snappy block");
    const block = toBuffer(snappy().uncompressSync(data.subarray(pos, pos + n)));
    total += block.length;
    if (total > MAX_DECOMPRESSED_BYTES) throw new ProtocolDecodeError("decompressed batch too large");
    parts.push(block);
    pos += n;
  }
  return Buffer.concat(parts, total);
}

function snappyFramedCompress(data: Buffer): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8); // version
  header.writeInt32BE(1, 12); // minimum compatible version
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK) {
    const block = snappy().compressSync(data.subarray(pos, Math.min(data.length, pos + XERIAL_BLOCK)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Records

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  /** baseTimestamp + timestampDelta (the delete horizon is already accounted for by the format). */
  timestamp: bigint;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /**
   * The record's bytes after its length prefix, and where its offset delta starts within them:
   * lets a rebuilt batch copy the record verbatim (header keys included, byte for byte).
   */
  encoded: Buffer;
  tailStart: number;
}

/** Decodes the records of a batch, decompressing as needed; never throws. */
export function decodeRecords(batch: RecordBatchView): { records: DecodedRecord[] } | RecordsError {
  const codec = batch.compression;
  if (codec > Compression.zstd) return { code: "UNSUPPORTED_COMPRESSION_TYPE", message: `unknown compression codec ${codec}` };
  const raw = batch.buf.subarray(batch.pos + BATCH.records, batch.pos + batch.size);
  let data: Buffer;
  try {
    data = decompress(codec, raw);
  } catch (err) {
    return { code: "CORRUPT_MESSAGE", message: `cannot decompress batch (codec ${codec}): ${(err as Error).message}` };
  }
  const count = batch.recordCount;
  const baseOffset = batch.baseOffset;
  const baseTimestamp = batch.baseTimestamp;
  const r = new Reader(data);
  const records: DecodedRecord[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const length = r.varint();
      if (length < 0 || length > r.remaining) throw new ProtocolDecodeError(`record length ${length} exceeds batch`);
      const start = r.offset;
      const end = start + length;
      const rr = new Reader(data, start, end);
      const attributes = rr.int8();
      const timestampDelta = Number(rr.varlong());
      const tailStart = rr.offset - start;
      const offsetDelta = rr.varint();
      const key = varBytes(rr);
      const value = varBytes(rr);
      const headerCount = rr.varint();
      if (headerCount < 0 || headerCount > rr.remaining) throw new ProtocolDecodeError(`invalid header count ${headerCount}`);
      const headers: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const keyLen = rr.varint();
        if (keyLen < 0) throw new ProtocolDecodeError("null header key");
        const hk = rr.raw(keyLen).toString("utf8");
        headers.push({ key: hk, value: varBytes(rr) });
      }
      if (rr.remaining !== 0) throw new ProtocolDecodeError(`record has ${rr.remaining} trailing bytes`);
      r.offset = end;
      records.push({
        attributes,
        timestampDelta,
        offsetDelta,
        timestamp: baseTimestamp + BigInt(timestampDelta),
        offset: baseOffset + BigInt(offsetDelta),
        key,
        value,
        headers,
        encoded: data.subarray(start, end),
        tailStart,
      });
    }
    if (r.remaining !== 0) throw new ProtocolDecodeError(`${r.remaining} bytes after the last record`);
  } catch (err) {
    return { code: "CORRUPT_MESSAGE", message: `malformed records: ${(err as Error).message}` };
  }
  return { records };
}

function varBytes(r: Reader): Buffer | null {
  const n = r.varint();
  return n < 0 ? null : r.raw(n);
}

// ---------------------------------------------------------------------------------------------
// Building

export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: readonly RecordHeader[];
  timestamp?: bigint;
  /** Defaults to the record's index; the cleaner passes the original delta to keep offsets. */
  offsetDelta?: number;
  /** A decoded record's bytes: copied verbatim after the (possibly new) timestamp delta. */
  encoded?: Buffer;
  tailStart?: number;
  attributes?: number;
}

export interface BuildBatchOptions {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  compression?: CompressionCodec;
  timestampType?: TimestampType;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  /** Keeps the original last offset of a compacted batch so producer sequences stay intact. */
  lastOffsetDelta?: number;
  /** Sets the KIP-534 delete horizon: becomes the base timestamp, with the attribute bit. */
  deleteHorizonMs?: bigint;
  /** For an empty (header-only) batch, or to keep a LogAppendTime batch's max timestamp. */
  maxTimestamp?: bigint;
  /** For an empty batch: the base timestamp to keep. */
  baseTimestamp?: bigint;
}

/** Builds a batch with a correct CRC. Records without a timestamp get Date.now(). */
export function buildRecordBatch(records: readonly RecordInput[], opts: BuildBatchOptions = {}): Buffer {
  const now = BigInt(Date.now());
  const timestamps = records.map((r) => r.timestamp ?? now);
  let maxTs = -1n;
  let minTs: bigint | undefined;
  for (const t of timestamps) {
    if (t > maxTs) maxTs = t;
    if (minTs === undefined || t < minTs) minTs = t;
  }
  const horizon = opts.deleteHorizonMs;
  const baseTimestamp = horizon ?? (records.length > 0 ? timestamps[0]! : (opts.baseTimestamp ?? -1n));
  if (opts.maxTimestamp !== undefined) maxTs = opts.maxTimestamp;
  const body = new Writer(64 + records.length * 32);
  const rec = new Writer(64);
  let lastDelta = -1;
  records.forEach((r, i) => {
    const offsetDelta = r.offsetDelta ?? i;
    if (offsetDelta > lastDelta) lastDelta = offsetDelta;
    rec.reset();
    rec.int8(r.attributes ?? 0);
    rec.varlong(timestamps[i]! - baseTimestamp);
    if (r.encoded !== undefined && r.tailStart !== undefined) {
      rec.raw(r.encoded.subarray(r.tailStart));
    } else {
      rec.varint(offsetDelta);
      writeVarBytes(rec, r.key ?? null);
      writeVarBytes(rec, r.value);
      const headers = r.headers ?? [];
      rec.varint(headers.length);
      for (const h of headers) {
        writeVarBytes(rec, Buffer.from(h.key, "utf8"));
        writeVarBytes(rec, h.value);
      }
    }
    const bytes = rec.finish();
    body.varint(bytes.length);
    body.raw(bytes);
  });
  const codec = records.length === 0 ? Compression.none : (opts.compression ?? Compression.none);
  const payload = compress(codec, body.finish());
  const size = BATCH_HEADER_SIZE + payload.length;
  const buf = Buffer.allocUnsafe(size);
  buf.writeBigInt64BE(opts.baseOffset ?? 0n, BATCH.baseOffset);
  buf.writeInt32BE(size - LOG_OVERHEAD, BATCH.batchLength);
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? -1, BATCH.partitionLeaderEpoch);
  buf.writeInt8(CURRENT_MAGIC, BATCH.magic);
  let attrs = codec;
  if (opts.timestampType === "LogAppendTime") attrs |= ATTR_LOG_APPEND_TIME;
  if (opts.transactional) attrs |= ATTR_TRANSACTIONAL;
  if (opts.control) attrs |= ATTR_CONTROL;
  if (horizon !== undefined) attrs |= ATTR_DELETE_HORIZON;
  buf.writeInt16BE(attrs, BATCH.attributes);
  buf.writeInt32BE(opts.lastOffsetDelta ?? Math.max(lastDelta, 0), BATCH.lastOffsetDelta);
  buf.writeBigInt64BE(baseTimestamp, BATCH.baseTimestamp);
  buf.writeBigInt64BE(maxTs, BATCH.maxTimestamp);
  buf.writeBigInt64BE(opts.producerId ?? NO_PRODUCER_ID, BATCH.producerId);
  buf.writeInt16BE(opts.producerEpoch ?? -1, BATCH.producerEpoch);
  buf.writeInt32BE(opts.baseSequence ?? NO_SEQUENCE, BATCH.baseSequence);
  buf.writeInt32BE(records.length, BATCH.recordCount);
  payload.copy(buf, BATCH.records);
  new RecordBatchView(buf, 0).updateCrc();
  return buf;
}

function writeVarBytes(w: Writer, b: Buffer | null): void {
  if (b === null) {
    w.varint(-1);
  } else {
    w.varint(b.length);
    w.raw(b);
  }
}

// ---------------------------------------------------------------------------------------------
// Control records (transaction markers)

export type ControlType = "ABORT" | "COMMIT";

export interface ControlBatchOptions {
  type: ControlType;
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  timestamp?: bigint;
  partitionLeaderEpoch?: number;
}

export function buildControlBatch(opts: ControlBatchOptions): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(opts.type === "COMMIT" ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(opts.coordinatorEpoch, 2);
  return buildRecordBatch([{ key, value, ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}) }], {
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    transactional: true,
    control: true,
    ...(opts.partitionLeaderEpoch !== undefined ? { partitionLeaderEpoch: opts.partitionLeaderEpoch } : {}),
  });
}

export interface ControlRecord {
  type: ControlType | "UNKNOWN";
  coordinatorEpoch: number;
}

/** Reads a control record's key (type) and, for markers, its value (coordinator epoch). */
export function parseControlRecord(record: DecodedRecord): ControlRecord | undefined {
  if (record.key === null || record.key.length < 4) return undefined;
  const t = record.key.readInt16BE(2);
  const type = t === 0 ? "ABORT" : t === 1 ? "COMMIT" : "UNKNOWN";
  const coordinatorEpoch = record.value !== null && record.value.length >= 6 ? record.value.readInt32BE(2) : -1;
  return { type, coordinatorEpoch };
}
