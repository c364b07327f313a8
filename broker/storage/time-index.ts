// The sparse time index of one segment: (timestamp int64, relative offset int32) entries, both
// ascending, appended when a batch raises the segment's max timestamp at an index point.
// Held in memory, written on seal/close like the offset index.
import fs from "node:fs";
import { readInt64Number, writeInt64Number } from "../protocol/records.js";

const ENTRY_SIZE = 12;
const INITIAL_CAPACITY = 64;

export interface TimestampOffsetEntry {
  timestamp: number;
  offset: number;
}

export class TimeIndex {
  private ts: Float64Array;
  private rel: Int32Array;
  private count = 0;
  private fileEntries: number;

  constructor(
    readonly path: string,
    readonly baseOffset: number,
    readonly maxEntries: number,
    initial?: { ts: Float64Array; rel: Int32Array; count: number },
  ) {
    this.ts = initial?.ts ?? new Float64Array(INITIAL_CAPACITY);
    this.rel = initial?.rel ?? new Int32Array(INITIAL_CAPACITY);
    this.count = initial?.count ?? 0;
    this.fileEntries = initial ? initial.count : -1;
  }

  get entries(): number {
    return this.count;
  }
  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }
  get lastEntry(): TimestampOffsetEntry | undefined {
    if (this.count === 0) return undefined;
    return { timestamp: this.ts[this.count - 1]!, offset: this.baseOffset + this.rel[this.count - 1]! };
  }

  /** Appends only when both the timestamp and the offset move forward. */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull) return;
    const rel = offset - this.baseOffset;
    if (this.count > 0 && (timestamp <= this.ts[this.count - 1]! || rel < this.rel[this.count - 1]!)) return;
    if (this.count === this.ts.length) this.grow();
    this.ts[this.count] = timestamp;
    this.rel[this.count] = rel;
    this.count++;
  }

  /** The last entry whose timestamp is at or below `timestamp`, or the segment start. */
  lookup(timestamp: number): TimestampOffsetEntry {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! <= timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return { timestamp: -1, offset: this.baseOffset };
    return { timestamp: this.ts[found]!, offset: this.baseOffset + this.rel[found]! };
  }

  truncateToOffset(offset: number): void {
    const rel = offset - this.baseOffset;
    while (this.count > 0 && this.rel[this.count - 1]! >= rel) this.count--;
  }

  reset(): void {
    this.count = 0;
  }

  persist(): void {
    if (this.fileEntries === this.count) return;
    const rewrite = this.fileEntries < 0 || this.fileEntries > this.count;
    const from = rewrite ? 0 : this.fileEntries;
    const buf = Buffer.allocUnsafe((this.count - from) * ENTRY_SIZE);
    for (let i = from; i < this.count; i++) {
      writeInt64Number(buf, (i - from) * ENTRY_SIZE, this.ts[i]!);
      buf.writeInt32BE(this.rel[i]!, (i - from) * ENTRY_SIZE + 8);
    }
    const fd = fs.openSync(this.path, rewrite ? "w" : "a");
    try {
      fs.writeSync(fd, buf);
    } finally {
      fs.closeSync(fd);
    }
    this.fileEntries = this.count;
  }

  markFileStale(): void {
    this.fileEntries = -1;
  }

  static load(path: string, baseOffset: number, maxEntries: number, lastOffset: number): TimeIndex | undefined {
    let data: Buffer;
    try {
      data = fs.readFileSync(path);
    } catch {
      return undefined;
    }
    if (data.length % ENTRY_SIZE !== 0) return undefined;
    const count = data.length / ENTRY_SIZE;
    const cap = Math.max(INITIAL_CAPACITY, count);
    const ts = new Float64Array(cap);
    const rel = new Int32Array(cap);
    for (let i = 0; i < count; i++) {
      const t = readInt64Number(data, i * ENTRY_SIZE);
      const r = data.readInt32BE(i * ENTRY_SIZE + 8);
      if (r < 0 || baseOffset + r > lastOffset) return undefined;
      if (i > 0 && (t <= ts[i - 1]! || r < rel[i - 1]!)) return undefined;
      ts[i] = t;
      rel[i] = r;
    }
    return new TimeIndex(path, baseOffset, Math.max(maxEntries, count), { ts, rel, count });
  }

  private grow(): void {
    const cap = Math.min(Math.max(this.ts.length * 2, INITIAL_CAPACITY), Math.max(this.maxEntries + 1, 1));
    const ts = new Float64Array(cap);
    const rel = new Int32Array(cap);
    ts.set(this.ts.subarray(0, this.count));
    rel.set(this.rel.subarray(0, this.count));
    this.ts = ts;
    this.rel = rel;
  }
}
