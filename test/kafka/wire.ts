// The few pieces of the Kafka wire protocol that test tooling needs on its
// own (readiness probe, fault proxy): request/response framing, ApiVersions v0
// and the brokers part of Metadata v1-12. Deliberately independent of
// broker/protocol, so a bug there cannot hide itself from the tests.

export const API_METADATA = 3;
export const API_PRODUCE = 0;
export const API_API_VERSIONS = 18;

export class Reader {
  pos: number;
  buf: Buffer;
  constructor(buf: Buffer, pos = 0) {
    this.buf = buf;
    this.pos = pos;
  }
  int8(): number {
    return this.buf.readInt8((this.pos += 1) - 1);
  }
  int16(): number {
    return this.buf.readInt16BE((this.pos += 2) - 2);
  }
  int32(): number {
    return this.buf.readInt32BE((this.pos += 4) - 4);
  }
  uvarint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
      shift += 7;
    }
  }
  bytes(n: number): Buffer {
    return this.buf.subarray((this.pos += n) - n, this.pos);
  }
  string(flexible: boolean): string | null {
    const n = flexible ? this.uvarint() - 1 : this.int16();
    return n < 0 ? null : this.bytes(n).toString('utf8');
  }
  arrayLength(flexible: boolean): number {
    return flexible ? this.uvarint() - 1 : this.int32();
  }
  skipTaggedFields(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      this.pos += this.uvarint();
    }
  }
}

export class Writer {
  private parts: Buffer[] = [];
  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.raw(b);
  }
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.raw(b);
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.raw(b);
  }
  uvarint(v: number): this {
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
    return this.raw(Buffer.from(out));
  }
  string(s: string | null, flexible: boolean): this {
    if (s === null) return flexible ? this.uvarint(0) : this.int16(-1);
    const b = Buffer.from(s, 'utf8');
    if (flexible) this.uvarint(b.length + 1);
    else this.int16(b.length);
    return this.raw(b);
  }
  arrayLength(n: number | null, flexible: boolean): this {
    if (n === null) return flexible ? this.uvarint(0) : this.int32(-1);
    return flexible ? this.uvarint(n + 1) : this.int32(n);
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Whether Metadata at this version uses the flexible (compact, tagged) encoding. */
export const metadataFlexible = (version: number): boolean => version >= 9;

/** A request frame: size, header (v1, or v2 when flexible), body. */
export function requestFrame(apiKey: number, version: number, correlationId: number, clientId: string, flexible: boolean, body: Buffer): Buffer {
  const h = new Writer().int16(apiKey).int16(version).int32(correlationId).string(clientId, false);
  if (flexible) h.uvarint(0);
  const payload = Buffer.concat([h.buffer(), body]);
  return Buffer.concat([new Writer().int32(payload.length).buffer(), payload]);
}

export function metadataRequestBody(version: number): Buffer {
  const flex = metadataFlexible(version);
  const w = new Writer().arrayLength(null, flex); // null topics: all topics
  if (version >= 4) w.int8(0); // allow_auto_topic_creation
  if (version >= 8 && version <= 10) w.int8(0); // include_cluster_authorized_operations
  if (version >= 8) w.int8(0); // include_topic_authorized_operations
  if (flex) w.uvarint(0);
  return w.buffer();
}

export interface BrokerEntry {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/**
 * Reads the brokers array of a Metadata response body positioned just after
 * the response header; returns them and leaves the reader after the array.
 */
export function readMetadataBrokers(r: Reader, version: number): BrokerEntry[] {
  const flex = metadataFlexible(version);
  if (version >= 3) r.int32(); // throttle_time_ms
  const n = r.arrayLength(flex);
  const out: BrokerEntry[] = [];
  for (let i = 0; i < n; i++) {
    const nodeId = r.int32();
    const host = r.string(flex) ?? '';
    const port = r.int32();
    const rack = version >= 1 ? r.string(flex) : null;
    if (flex) r.skipTaggedFields();
    out.push({ nodeId, host, port, rack });
  }
  return out;
}

export function writeMetadataBrokers(w: Writer, version: number, throttleMs: number, brokers: BrokerEntry[]): void {
  const flex = metadataFlexible(version);
  if (version >= 3) w.int32(throttleMs);
  w.arrayLength(brokers.length, flex);
  for (const b of brokers) {
    w.int32(b.nodeId).string(b.host, flex).int32(b.port);
    if (version >= 1) w.string(b.rack, flex);
    if (flex) w.uvarint(0);
  }
}

/**
 * Rewrites the broker addresses in a Metadata response frame (without its
 * size prefix) and returns the new frame, or the same one when nothing matched.
 */
export function rewriteMetadataResponse(frame: Buffer, version: number, map: (b: BrokerEntry) => BrokerEntry): Buffer {
  const flex = metadataFlexible(version);
  const r = new Reader(frame);
  r.int32(); // correlation id
  if (flex) r.skipTaggedFields(); // response header v1
  const headerEnd = r.pos;
  const throttle = version >= 3 ? frame.readInt32BE(r.pos) : 0;
  const brokers = readMetadataBrokers(r, version);
  const rewritten = brokers.map(map);
  if (rewritten.every((b, i) => b === brokers[i])) return frame;
  const w = new Writer().raw(frame.subarray(0, headerEnd));
  writeMetadataBrokers(w, version, throttle, rewritten);
  w.raw(frame.subarray(r.pos));
  return w.buffer();
}

/** Splits a byte stream into size-prefixed frames (returned without the prefix). */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    while (this.pending.length >= 4) {
      const size = this.pending.readInt32BE(0);
      if (size < 0 || size > 256 * 1024 * 1024) throw new Error(`implausible Kafka frame size ${size}`);
      if (this.pending.length < 4 + size) break;
      out.push(this.pending.subarray(4, 4 + size));
      this.pending = this.pending.subarray(4 + size);
    }
    return out;
  }
}

export function withSizePrefix(frame: Buffer): Buffer {
  return Buffer.concat([new Writer().int32(frame.length).buffer(), frame]);
}
