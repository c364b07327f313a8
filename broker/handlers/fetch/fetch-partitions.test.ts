import { describe, expect, it } from "vitest";
import { buildRecordBatch } from "../../protocol/records.js";
import { wholeBatchesWithin } from "./fetch-partitions.js";

const batch = (offset: number, bytes: number) =>
  buildRecordBatch([{ value: Buffer.alloc(bytes, offset), timestamp: 1n }], { baseOffset: BigInt(offset) });

describe("wholeBatchesWithin", () => {
  const batches = [batch(0, 100), batch(1, 300), batch(2, 50)];
  const all = Buffer.concat(batches);
  const [a, b, c] = batches.map((x) => x.length) as [number, number, number];

  it("keeps the longest prefix of whole batches that fits", () => {
    expect(wholeBatchesWithin(all, all.length, false)).toBe(all);
    expect(wholeBatchesWithin(all, a + b + c - 1, false)).toEqual(all.subarray(0, a + b));
    expect(wholeBatchesWithin(all, a + b - 1, true)).toEqual(all.subarray(0, a));
  });

  it("gives the first batch alone when none fits, only with minOneMessage", () => {
    expect(wholeBatchesWithin(all, a - 1, true)).toEqual(all.subarray(0, a));
    expect(wholeBatchesWithin(all, a - 1, false).length).toBe(0);
    expect(wholeBatchesWithin(all, 0, true)).toEqual(all.subarray(0, a));
  });

  it("never reaches past the bytes it has", () => {
    expect(wholeBatchesWithin(all.subarray(0, a + 10), 1 << 20, false)).toEqual(all.subarray(0, a));
    expect(wholeBatchesWithin(Buffer.alloc(0), 100, true).length).toBe(0);
  });
});
