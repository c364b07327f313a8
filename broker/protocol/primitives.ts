import { randomBytes } from "node:crypto";
// Kafka wire primitives: fixed-width integers, varints, (compact) strings, bytes, arrays and
// tagged fields. Generated codecs call these; nothing here knows about messages.

/** Thrown when a frame is shorter than its fields claim, or a length is impossible. */
export class ProtocolDecodeError extends Error {
  override name = "ProtocolDecodeError";
}

/** A Kafka UUID as its 22-character base64url text, the form Kafka's tools print. */
export type Uuid = string & { readonly __uuid: true };
export const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA" as Uuid;

export function uuidFromBytes(bytes: Uint8Array): Uuid {
  return Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString("base64url") as Uuid;
}

/**
 * A new random id as Kafka's Uuid.randomUuid makes them: never the zero UUID, and never one whose
 * base64 form starts with "-", which command-line tools would take for an option
 * (`kafka-metadata-quorum remove-controller --controller-directory-id -…` fails).
 */
export function randomUuid(): Uuid {
  for (;;) {
    const id = uuidFromBytes(randomBytes(16));
    if (id !== ZERO_UUID && !id.startsWith("-")) return id;
  }
}

export function uuidToBytes(uuid: Uuid): Buffer {
  const bytes = Buffer.from(uuid, "base64url");
  if (bytes.length !== 16) throw new TypeError(`invalid uuid ${JSON.stringify(uuid)}`);
  return bytes;
}

export interface UnknownTaggedField {
  tag: number;
  data: Buffer;
}

export class Reader {
  offset: number;
  readonly buf: Buffer;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end) {
      throw new ProtocolDecodeError(`need ${n} bytes at offset ${at}, frame has ${this.end - at}`);
    }
    this.offset = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  uuid(): Uuid {
    const at = this.need(16);
    return uuidFromBytes(this.buf.subarray(at, at + 16));
  }

  uvarint(): number {
    let result = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const byte = this.buf[this.need(1)]!;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new ProtocolDecodeError("unsigned varint longer than 5 bytes");
  }
  varint(): number {
    const raw = this.uvarint();
    // zig-zag: done in float arithmetic so 32-bit values do not overflow.
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }
  varlong(): bigint {
    let raw = 0n;
    for (let shift = 0n; shift <= 63n; shift += 7n) {
      const byte = this.buf[this.need(1)]!;
      raw |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return (raw >> 1n) ^ -(raw & 1n);
    }
    throw new ProtocolDecodeError("varlong longer than 10 bytes");
  }

  raw(n: number): Buffer {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }

  private text(n: number): string {
    const at = this.need(n);
    return this.buf.toString("utf8", at, at + n);
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw new ProtocolDecodeError("non-nullable string is null");
    return this.text(n);
  }
  nullableString(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.text(n);
  }
  compactString(): string {
    const n = this.uvarint() - 1;
    if (n < 0) throw new ProtocolDecodeError("non-nullable compact string is null");
    return this.text(n);
  }
  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.text(n);
  }

  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw new ProtocolDecodeError("non-nullable bytes are null");
    return this.raw(n);
  }
  nullableBytes(): Buffer | null {
    const n = this.int32();
    return n < 0 ? null : this.raw(n);
  }
  compactBytes(): Buffer {
    const n = this.uvarint() - 1;
    if (n < 0) throw new ProtocolDecodeError("non-nullable compact bytes are null");
    return this.raw(n);
  }
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.raw(n);
  }

  /** Array length; -1 means null. Guards against lengths the remaining bytes cannot hold. */
  arrayLength(compact: boolean): number {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < -1) throw new ProtocolDecodeError(`invalid array length ${n}`);
    if (n > this.remaining) throw new ProtocolDecodeError(`array length ${n} exceeds frame`);
    return n;
  }

  /** Reads a tagged-field section, handing each known tag to `onTag`; unknown ones are kept raw. */
  taggedFields(onTag: (tag: number, r: Reader) => boolean): UnknownTaggedField[] | undefined {
    const count = this.uvarint();
    let unknown: UnknownTaggedField[] | undefined;
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      const sub = new Reader(this.buf, this.offset, this.offset + size);
      this.need(size);
      if (!onTag(tag, sub)) (unknown ??= []).push({ tag, data: this.buf.subarray(sub.offset, sub.end) });
    }
    return unknown;
  }
}

export class Writer {
  private buf: Buffer;
  /** Position in `buf` where the bytes not yet handed to `chunks` begin. */
  private start = 0;
  /** Position in `buf` of the next byte to write. */
  offset = 0;
  /** Bytes already complete (views of earlier buffers and blobs by reference), in order. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;

  /**
   * @param zeroCopyMin `raw` blobs at least this long are kept by reference, not copied (a fetch
   *   response's record batches): read the result with `finishChunks`. 0 = always copy.
   */
  constructor(
    initialSize = 256,
    private readonly zeroCopyMin = 0,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): void {
    if (this.offset + n <= this.buf.length) return;
    const pending = this.offset - this.start;
    let size = Math.max(this.buf.length, 64) * 2;
    while (size < pending + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, this.start, this.offset);
    this.buf = next;
    this.start = 0;
    this.offset = pending;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.chunkBytes + this.offset - this.start;
  }

  /** The bytes written so far as one buffer (a view when nothing was kept by reference). */
  finish(): Buffer {
    const tail = this.buf.subarray(this.start, this.offset);
    return this.chunks.length === 0 ? tail : Buffer.concat([...this.chunks, tail]);
  }

  /** The bytes written so far as a list of buffers, for a gathered write (no copy). */
  finishChunks(): Buffer[] {
    const out = [...this.chunks];
    if (this.offset > this.start) out.push(this.buf.subarray(this.start, this.offset));
    return out;
  }

  /** Forgets everything written; the buffer is reused. */
  reset(): void {
    this.chunks = [];
    this.chunkBytes = 0;
    this.start = 0;
    this.offset = 0;
  }

  int8(v: number): void {
    this.ensure(1);
    this.offset = this.buf.writeInt8(v, this.offset);
  }
  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.offset++] = v ? 1 : 0;
  }
  int16(v: number): void {
    this.ensure(2);
    this.offset = this.buf.writeInt16BE(v, this.offset);
  }
  uint16(v: number): void {
    this.ensure(2);
    this.offset = this.buf.writeUInt16BE(v, this.offset);
  }
  int32(v: number): void {
    this.ensure(4);
    this.offset = this.buf.writeInt32BE(v, this.offset);
  }
  uint32(v: number): void {
    this.ensure(4);
    this.offset = this.buf.writeUInt32BE(v, this.offset);
  }
  int64(v: bigint): void {
    this.ensure(8);
    this.offset = this.buf.writeBigInt64BE(v, this.offset);
  }
  float64(v: number): void {
    this.ensure(8);
    this.offset = this.buf.writeDoubleBE(v, this.offset);
  }
  uuid(v: Uuid): void {
    this.raw(uuidToBytes(v));
  }

  uvarint(v: number): void {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.offset++] = v;
  }
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  varlong(v: bigint): void {
    let raw = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (raw >= 0x80n) {
      this.buf[this.offset++] = Number(raw & 0x7fn) | 0x80;
      raw >>= 7n;
    }
    this.buf[this.offset++] = Number(raw);
  }

  raw(bytes: Uint8Array): void {
    if (this.zeroCopyMin > 0 && bytes.length >= this.zeroCopyMin) {
      if (this.offset > this.start) this.chunks.push(this.buf.subarray(this.start, this.offset));
      this.chunks.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      this.chunkBytes += this.offset - this.start + bytes.length;
      this.start = this.offset;
      return;
    }
    this.ensure(bytes.length);
    this.buf.set(bytes, this.offset);
    this.offset += bytes.length;
  }

  string(v: string): void {
    const n = Buffer.byteLength(v);
    this.int16(n);
    this.ensure(n);
    this.offset += this.buf.write(v, this.offset, n, "utf8");
  }
  nullableString(v: string | null): void {
    if (v === null) this.int16(-1);
    else this.string(v);
  }
  compactString(v: string): void {
    const n = Buffer.byteLength(v);
    this.uvarint(n + 1);
    this.ensure(n);
    this.offset += this.buf.write(v, this.offset, n, "utf8");
  }
  compactNullableString(v: string | null): void {
    if (v === null) this.uvarint(0);
    else this.compactString(v);
  }

  bytes(v: Uint8Array): void {
    this.int32(v.length);
    this.raw(v);
  }
  nullableBytes(v: Uint8Array | null): void {
    if (v === null) this.int32(-1);
    else this.bytes(v);
  }
  compactBytes(v: Uint8Array): void {
    this.uvarint(v.length + 1);
    this.raw(v);
  }
  compactNullableBytes(v: Uint8Array | null): void {
    if (v === null) this.uvarint(0);
    else this.compactBytes(v);
  }

  arrayLength(n: number | null, compact: boolean): void {
    if (compact) this.uvarint(n === null ? 0 : n + 1);
    else this.int32(n === null ? -1 : n);
  }

  /** Writes a tagged field whose body is produced by `body` into a scratch writer. */
  taggedField(tag: number, body: (w: Writer) => void): void {
    const scratch = new Writer(32);
    body(scratch);
    const data = scratch.finish();
    this.uvarint(tag);
    this.uvarint(data.length);
    this.raw(data);
  }
}
