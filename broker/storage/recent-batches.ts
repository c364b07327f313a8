// The tail of the log kept in memory, one entry per append, so consumers and followers reading
// near the end are served without touching the disk (Node has no sendfile). Entries not yet
// written are never evicted: the cache is also how readers see data while its write is in flight.
// Entries may be views of pooled request buffers (buffer-pool.ts): each entry holds a reference
// until it leaves, and reads copy such bytes out instead of handing out views of them.
// Besides its own budget, every cache shares the broker-wide one (cache-budget.ts).
import { type BufferPool, ioBuffers } from "../buffer-pool.js";
import { BATCH, LOG_OVERHEAD, readInt64Number } from "../protocol/records.js";
import { type BudgetedEntry, CacheBudget } from "./cache-budget.js";

interface Entry extends BudgetedEntry {
  base: number;
  end: number;
  buf: Buffer;
  /**
   * Bytes this entry accounts for: the whole ArrayBuffer it pins (a request frame or socket
   * chunk), carried by the newest entry sharing it so eviction releases it last.
   */
  charge: number;
}

const EMPTY = Buffer.alloc(0);

export class RecentBatches {
  private entries: Entry[] = [];
  private head = 0;
  private bytes = 0;
  private writtenEnd = -1;

  constructor(
    private budget: number,
    private readonly pool: BufferPool = ioBuffers,
    private readonly shared: CacheBudget = new CacheBudget(Infinity),
  ) {}

  get sizeInBytes(): number {
    return this.bytes;
  }
  /** The first cached offset; Infinity when the cache is empty. */
  get firstOffset(): number {
    return this.head < this.entries.length ? this.entries[this.head]!.base : Infinity;
  }

  setBudget(budget: number): void {
    this.budget = budget;
    this.evict();
  }

  add(base: number, end: number, buf: Buffer): void {
    this.pool.retain(buf);
    let last = this.head < this.entries.length ? this.entries.at(-1) : undefined;
    if (last && last.end !== base) {
      this.clear();
      last = undefined;
    }
    const entry: Entry = { base, end, buf, charge: 0, owner: this };
    if (last && last.buf.buffer === buf.buffer) {
      entry.charge = last.charge;
      this.shared.recharge(last, 0);
    } else {
      entry.charge = buf.buffer.byteLength;
      this.bytes += entry.charge;
    }
    this.entries.push(entry);
    this.shared.add(entry);
    this.evict();
    this.shared.evict();
  }

  /** Everything below `end` is on disk now and may be evicted. */
  markWritten(end: number): void {
    if (end > this.writtenEnd) this.writtenEnd = end;
    this.evict();
    this.shared.evict();
  }

  /** Forgets entries wholly below `offset` (their bytes were rewritten by compaction). */
  dropBelow(offset: number): void {
    while (this.head < this.entries.length && this.entries[this.head]!.end <= offset) this.dropHead();
    if (this.head > 0 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    for (let i = this.head; i < this.entries.length; i++) {
      this.shared.remove(this.entries[i]!);
      this.pool.release(this.entries[i]!.buf);
    }
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
  }

  /**
   * Whole batches from the one holding `offset`, under `maxBytes` (the first one regardless when
   * `minOneMessage`), none at or above `limitOffset`. Undefined when the cache does not reach back
   * to `offset`. A single contiguous run is returned without copying.
   */
  read(offset: number, maxBytes: number, limitOffset: number, minOneMessage: boolean): Buffer | undefined {
    if (offset < this.firstOffset) return undefined;
    let lo = this.head;
    let hi = this.entries.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.end > offset) {
        idx = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    if (idx < 0) return EMPTY;
    const parts: Buffer[] = [];
    let total = 0;
    let runBuf: Buffer | undefined;
    let runStart = 0;
    let runEnd = 0;
    outer: for (let i = idx; i < this.entries.length; i++) {
      const buf = this.entries[i]!.buf;
      let pos = 0;
      while (pos < buf.length) {
        const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH.batchLength);
        const base = readInt64Number(buf, pos);
        const last = base + buf.readInt32BE(pos + BATCH.lastOffsetDelta);
        if (last >= offset) {
          if (base >= limitOffset) break outer;
          if (total + size > maxBytes && !(total === 0 && minOneMessage)) break outer;
          if (runBuf === buf && runEnd === pos) {
            runEnd += size;
          } else {
            if (runBuf) parts.push(runBuf.subarray(runStart, runEnd));
            runBuf = buf;
            runStart = pos;
            runEnd = pos + size;
          }
          total += size;
        }
        pos += size;
      }
    }
    if (runBuf) parts.push(runBuf.subarray(runStart, runEnd));
    if (parts.length === 0) return EMPTY;
    // A view of a pooled buffer must not outlive its entry: the reader gets a copy.
    if (parts.length === 1 && !this.pool.isPooled(parts[0]!)) return parts[0]!;
    return Buffer.concat(parts, total);
  }

  /** The shared budget's eviction: `entry` is this cache's oldest; false while it is unwritten. */
  evictOldestFor(entry: BudgetedEntry): boolean {
    const head = this.entries[this.head];
    if (head !== entry) throw new Error("recent-batches: the shared budget's oldest entry is not its cache's oldest");
    if (head.end > this.writtenEnd) return false;
    this.dropHead();
    this.compact();
    return true;
  }

  private evict(): void {
    while (this.bytes > this.budget && this.head < this.entries.length) {
      if (this.entries[this.head]!.end > this.writtenEnd) break;
      this.dropHead();
    }
    this.compact();
  }

  private dropHead(): void {
    const e = this.entries[this.head]!;
    this.bytes -= e.charge;
    this.shared.remove(e);
    this.pool.release(e.buf);
    this.entries[this.head] = undefined as unknown as Entry;
    this.head++;
  }

  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
