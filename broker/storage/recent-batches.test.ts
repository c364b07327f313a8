import { describe, expect, it } from "vitest";
import { BufferPool, POOL_MIN_BYTES } from "../buffer-pool.js";
import { buildRecordBatch } from "../protocol/records.js";
import { CacheBudget } from "./cache-budget.js";
import { RecentBatches } from "./recent-batches.js";

/** `n` one-record batches at offsets base.. , laid out in a pooled buffer as a produce frame would be. */
function pooledBatches(pool: BufferPool, base: number, n: number): Buffer {
  const parts = Array.from({ length: n }, (_, i) =>
    buildRecordBatch([{ value: Buffer.alloc(1000, base + i), timestamp: 1n }], { baseOffset: BigInt(base + i) }),
  );
  const total = parts.reduce((s, p) => s + p.length, 0);
  const buf = pool.acquire(Math.max(total, POOL_MIN_BYTES)).subarray(0, total);
  Buffer.concat(parts).copy(buf);
  return buf;
}

describe("RecentBatches with pooled buffers", () => {
  it("holds a pooled buffer while an entry uses it and answers reads with copies", () => {
    const pool = new BufferPool(1 << 30);
    const cache = new RecentBatches(1 << 30, pool);
    const frame = pooledBatches(pool, 0, 10);
    cache.add(0, 10, frame);
    pool.release(frame); // the request is done; the cache still holds it
    expect(pool.isPooled(frame)).toBe(true);

    const read = cache.read(3, 1 << 20, 10, true)!;
    expect(read.buffer).not.toBe(frame.buffer);
    expect(read.readBigInt64BE(0)).toBe(3n);
    frame.fill(0); // what reuse of the pooled buffer would do: the reader's bytes stay
    expect(read.readBigInt64BE(0)).toBe(3n);
  });

  it("gives the buffer back when its entries are evicted, dropped or cleared", () => {
    const pool = new BufferPool(1 << 30);
    for (const leave of ["evict", "drop", "clear"] as const) {
      const cache = new RecentBatches(leave === "evict" ? 1 : 1 << 30, pool);
      const frame = pooledBatches(pool, 0, 4);
      cache.add(0, 2, frame.subarray(0, frame.length / 2));
      cache.add(2, 4, frame.subarray(frame.length / 2));
      pool.release(frame);
      expect(pool.isPooled(frame), leave).toBe(true);
      if (leave === "evict") cache.markWritten(4);
      else if (leave === "drop") cache.dropBelow(4);
      else cache.clear();
      expect(pool.isPooled(frame), leave).toBe(false);
    }
  });

  it("returns views, not copies, of buffers that are not pooled", () => {
    const cache = new RecentBatches(1 << 30, new BufferPool(1 << 30));
    const plain = buildRecordBatch([{ value: Buffer.from("x"), timestamp: 1n }], { baseOffset: 0n });
    cache.add(0, 1, plain);
    expect(cache.read(0, 1 << 20, 1, true)!.buffer).toBe(plain.buffer);
  });
});

describe("RecentBatches sharing a broker-wide budget", () => {
  /** One unpooled 1-record batch of ~1 KB at `offset`, in a buffer of its own. */
  const own = (offset: number) => {
    const batch = buildRecordBatch([{ value: Buffer.alloc(1000, 1), timestamp: 1n }], { baseOffset: BigInt(offset) });
    const buf = Buffer.allocUnsafeSlow(batch.length); // not a slice of Node's shared pool
    batch.copy(buf);
    return buf;
  };
  const cached = (cache: RecentBatches, offset: number) => cache.read(offset, 1 << 20, Infinity, true) !== undefined;

  it("evicts the oldest entries across partitions once all of them together are over it", () => {
    const pool = new BufferPool(0);
    const size = own(0).buffer.byteLength;
    const shared = new CacheBudget(3 * size);
    const a = new RecentBatches(1 << 30, pool, shared);
    const b = new RecentBatches(1 << 30, pool, shared);
    a.add(0, 1, own(0));
    b.add(0, 1, own(0));
    a.add(1, 2, own(1));
    for (const c of [a, b]) c.markWritten(2);
    expect(shared.bytes).toBe(3 * size);
    b.add(1, 2, own(1)); // a fourth entry: the oldest of all (a's first) leaves
    expect([cached(a, 0), cached(b, 0), cached(a, 1), cached(b, 1)]).toEqual([false, true, true, true]);
    expect(shared.bytes).toBe(3 * size);
    a.add(2, 3, own(2)); // next oldest: b's first
    expect([cached(b, 0), cached(a, 1)]).toEqual([false, true]);
    expect(a.sizeInBytes + b.sizeInBytes).toBe(shared.bytes);
  });

  it("keeps entries not yet written over budget, and evicts them once they are", () => {
    const pool = new BufferPool(0);
    const size = own(0).buffer.byteLength;
    const shared = new CacheBudget(size);
    const a = new RecentBatches(1 << 30, pool, shared);
    const b = new RecentBatches(1 << 30, pool, shared);
    a.add(0, 1, own(0));
    b.add(0, 1, own(0));
    expect(shared.bytes).toBe(2 * size);
    a.markWritten(1);
    expect([cached(a, 0), cached(b, 0)]).toEqual([false, true]);
    expect(shared.bytes).toBe(size);
  });

  it("counts a buffer shared by entries of one partition once, and nothing after clear or dropBelow", () => {
    const pool = new BufferPool(1 << 30);
    const shared = new CacheBudget(1 << 30);
    const a = new RecentBatches(1 << 30, pool, shared);
    const b = new RecentBatches(1 << 30, pool, shared);
    const frame = pooledBatches(pool, 0, 4);
    a.add(0, 2, frame.subarray(0, frame.length / 2));
    a.add(2, 4, frame.subarray(frame.length / 2));
    b.add(0, 1, own(0));
    expect(shared.bytes).toBe(frame.buffer.byteLength + own(0).buffer.byteLength);
    a.dropBelow(2);
    expect(shared.bytes).toBe(frame.buffer.byteLength + own(0).buffer.byteLength);
    a.clear();
    b.dropBelow(1);
    expect(shared.bytes).toBe(0);
  });
});
