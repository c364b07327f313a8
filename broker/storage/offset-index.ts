// The sparse offset index of one segment: (relative offset int32, file position int32) entries,
// ascending in both. Held in memory; written to its file when the segment is sealed or closed.
// The active segment's file may lag: recovery always rebuilds the active segment's index.
import fs from "node:fs";

const ENTRY_SIZE = 8;
const INITIAL_CAPACITY = 64;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex {
  private rel: Int32Array;
  private pos: Int32Array;
  private count = 0;
  /** Entries the file holds; more than `count` after a truncation (then the file is rewritten). */
  private fileEntries: number;

  constructor(
    readonly path: string,
    readonly baseOffset: number,
    readonly maxEntries: number,
    initial?: { rel: Int32Array; pos: Int32Array; count: number },
  ) {
    this.rel = initial?.rel ?? new Int32Array(INITIAL_CAPACITY);
    this.pos = initial?.pos ?? new Int32Array(INITIAL_CAPACITY);
    this.count = initial?.count ?? 0;
    this.fileEntries = initial ? initial.count : -1;
  }

  get entries(): number {
    return this.count;
  }
  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }
  get sizeInBytes(): number {
    return this.count * ENTRY_SIZE;
  }
  get lastEntry(): OffsetPosition | undefined {
    if (this.count === 0) return undefined;
    return { offset: this.baseOffset + this.rel[this.count - 1]!, position: this.pos[this.count - 1]! };
  }

  append(offset: number, position: number): void {
    if (this.isFull) return;
    const rel = offset - this.baseOffset;
    if (this.count > 0 && (rel <= this.rel[this.count - 1]! || position <= this.pos[this.count - 1]!)) return;
    if (this.count === this.rel.length) this.grow();
    this.rel[this.count] = rel;
    this.pos[this.count] = position;
    this.count++;
  }

  /** The last entry at or below `offset`, or the segment start. */
  lookup(offset: number): OffsetPosition {
    return this.entryAtOrBelow(offset) ?? { offset: this.baseOffset, position: 0 };
  }

  /** The last entry at or below `offset`, if any: its offset is the last offset of the batch at its position. */
  entryAtOrBelow(offset: number): OffsetPosition | undefined {
    const rel = offset - this.baseOffset;
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid]! <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return undefined;
    return { offset: this.baseOffset + this.rel[found]!, position: this.pos[found]! };
  }

  /**
   * The position of the first entry for `offset` or above, if any. Entries are keyed by a batch's
   * last offset, so the batch holding `offset` starts at or before it (and after `lookup`'s).
   */
  positionAtOrAbove(offset: number): number | undefined {
    const rel = offset - this.baseOffset;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid]! < rel) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.count ? this.pos[lo]! : undefined;
  }

  /** Drops entries for offsets at or above `offset`. */
  truncateToOffset(offset: number): void {
    const rel = offset - this.baseOffset;
    while (this.count > 0 && this.rel[this.count - 1]! >= rel) this.count--;
  }

  /** Drops entries pointing at or beyond `position`. */
  truncateToPosition(position: number): void {
    while (this.count > 0 && this.pos[this.count - 1]! >= position) this.count--;
  }

  reset(): void {
    this.count = 0;
  }

  /** Writes the entries the file lacks; rewrites it after a truncation. */
  persist(): void {
    if (this.fileEntries === this.count) return;
    const rewrite = this.fileEntries < 0 || this.fileEntries > this.count;
    const from = rewrite ? 0 : this.fileEntries;
    const buf = Buffer.allocUnsafe((this.count - from) * ENTRY_SIZE);
    for (let i = from; i < this.count; i++) {
      buf.writeInt32BE(this.rel[i]!, (i - from) * ENTRY_SIZE);
      buf.writeInt32BE(this.pos[i]!, (i - from) * ENTRY_SIZE + 4);
    }
    const fd = fs.openSync(this.path, rewrite ? "w" : "a");
    try {
      fs.writeSync(fd, buf);
    } finally {
      fs.closeSync(fd);
    }
    this.fileEntries = this.count;
  }

  /** Forgets what the file holds, so the next persist rewrites it (after a file rename). */
  markFileStale(): void {
    this.fileEntries = -1;
  }

  /**
   * Loads an index file and sanity-checks it against its segment (Kafka's OffsetIndex.sanityCheck
   * plus monotonicity); undefined means "rebuild from the log".
   */
  static load(path: string, baseOffset: number, maxEntries: number, logSize: number): OffsetIndex | undefined {
    let data: Buffer;
    try {
      data = fs.readFileSync(path);
    } catch {
      return undefined;
    }
    if (data.length % ENTRY_SIZE !== 0) return undefined;
    const count = data.length / ENTRY_SIZE;
    const cap = Math.max(INITIAL_CAPACITY, count);
    const rel = new Int32Array(cap);
    const pos = new Int32Array(cap);
    for (let i = 0; i < count; i++) {
      const r = data.readInt32BE(i * ENTRY_SIZE);
      const p = data.readInt32BE(i * ENTRY_SIZE + 4);
      if (r < 0 || p < 0 || p >= logSize) return undefined;
      if (i > 0 && (r <= rel[i - 1]! || p <= pos[i - 1]!)) return undefined;
      rel[i] = r;
      pos[i] = p;
    }
    return new OffsetIndex(path, baseOffset, Math.max(maxEntries, count), { rel, pos, count });
  }

  private grow(): void {
    const cap = Math.min(Math.max(this.rel.length * 2, INITIAL_CAPACITY), Math.max(this.maxEntries, 1));
    const rel = new Int32Array(cap);
    const pos = new Int32Array(cap);
    rel.set(this.rel.subarray(0, this.count));
    pos.set(this.pos.subarray(0, this.count));
    this.rel = rel;
    this.pos = pos;
  }
}
