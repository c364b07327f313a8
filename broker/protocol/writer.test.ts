import { describe, expect, it } from "vitest";
import { Writer } from "./primitives.js";

describe("Writer", () => {
  it("keeps blobs at or over zeroCopyMin by reference and the rest in order", () => {
    const w = new Writer(8, 16);
    const big = Buffer.alloc(16, 0xaa);
    const bigger = Buffer.alloc(40, 0xbb);
    w.int32(7);
    w.compactBytes(big);
    w.raw(Buffer.from([1, 2, 3])); // small: copied
    w.compactBytes(bigger);
    w.compactBytes(bigger); // two blobs back to back, nothing between but a length
    w.int64(9n);
    const chunks = w.finishChunks();
    expect(chunks.filter((c) => c === big || c === bigger)).toHaveLength(3);
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(w.length);
    expect(all).toEqual(w.finish());

    const plain = new Writer(8);
    plain.int32(7);
    plain.compactBytes(big);
    plain.raw(Buffer.from([1, 2, 3]));
    plain.compactBytes(bigger);
    plain.compactBytes(bigger);
    plain.int64(9n);
    expect(plain.finishChunks()).toHaveLength(1);
    expect(all).toEqual(plain.finish());
  });

  it("grows past its initial size without losing bytes written after a blob", () => {
    const w = new Writer(4, 8);
    w.raw(Buffer.alloc(8, 1));
    for (let i = 0; i < 100; i++) w.int32(i);
    const all = Buffer.concat(w.finishChunks());
    expect(all.length).toBe(8 + 400);
    for (let i = 0; i < 100; i++) expect(all.readInt32BE(8 + 4 * i)).toBe(i);
  });

  it("reset forgets what was written", () => {
    const w = new Writer(4, 8);
    w.raw(Buffer.alloc(8, 1));
    w.int8(5);
    w.reset();
    w.int8(6);
    expect(w.finish()).toEqual(Buffer.from([6]));
    expect(w.length).toBe(1);
  });
});
