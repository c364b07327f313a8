import { describe, expect, it } from "vitest";
import { BufferPool, POOL_MAX_BYTES, POOL_MIN_BYTES } from "./buffer-pool.js";

describe("BufferPool", () => {
  it("hands out buffers of the asked size and reuses a released one", () => {
    const pool = new BufferPool(1 << 30);
    const a = pool.acquire(100_000);
    expect(a.length).toBe(100_000);
    expect(pool.isPooled(a)).toBe(true);
    pool.release(a);
    expect(pool.isPooled(a)).toBe(false);
    const b = pool.acquire(120_000); // same size class (128 KiB)
    expect(b.buffer).toBe(a.buffer);
    expect(pool.pooledBytes).toBe(0);
  });

  it("keeps a buffer out until every holder released it", () => {
    const pool = new BufferPool(1 << 30);
    const a = pool.acquire(POOL_MIN_BYTES);
    pool.retain(a.subarray(10, 20)); // a view counts for the whole buffer
    pool.release(a);
    expect(pool.acquire(POOL_MIN_BYTES).buffer).not.toBe(a.buffer);
    pool.release(a.subarray(5));
    expect(pool.acquire(POOL_MIN_BYTES).buffer).toBe(a.buffer);
  });

  it("leaves sizes outside its range and unknown buffers alone", () => {
    const pool = new BufferPool(1 << 30);
    const small = pool.acquire(POOL_MIN_BYTES - 1);
    const huge = pool.acquire(POOL_MAX_BYTES + 1);
    const foreign = Buffer.alloc(POOL_MIN_BYTES);
    for (const b of [small, huge, foreign]) {
      expect(pool.isPooled(b)).toBe(false);
      pool.retain(b);
      pool.release(b);
    }
    expect(pool.pooledBytes).toBe(0);
  });

  it("keeps no more free bytes than its limit", () => {
    const pool = new BufferPool(2 * POOL_MIN_BYTES);
    const bufs = [1, 2, 3].map(() => pool.acquire(POOL_MIN_BYTES));
    for (const b of bufs) pool.release(b);
    expect(pool.pooledBytes).toBe(2 * POOL_MIN_BYTES);
  });
});
