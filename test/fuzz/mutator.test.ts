import { describe, expect, it } from "vitest";
import { loadCorpus } from "./corpus.js";
import { FrameMutator } from "./mutator.js";
import { batchLocations } from "./mutations/produce-batches.js";
import { Prng } from "./prng.js";

describe("Prng (xoshiro128**)", () => {
  it("is deterministic per seed and differs between seeds", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const draw = (p: Prng) => Array.from({ length: 8 }, () => p.uint32());
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
  });

  it("draws below(n) uniformly enough", () => {
    const p = new Prng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[p.below(4)]!++;
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });
});

describe("FrameMutator", () => {
  const corpus = loadCorpus();
  const frames = corpus.frames.map((f) => f.bytes);

  it("gives the same frames for the same seed, and never an unchanged corpus frame", () => {
    const a = new FrameMutator(frames, 7);
    const b = new FrameMutator(frames, 7);
    const originals = new Set(frames.map((f) => f.toString("base64")));
    for (let i = 0; i < 2_000; i++) {
      const x = a.next();
      expect(b.next().bytes.equals(x.bytes)).toBe(true);
      expect(originals.has(x.bytes.toString("base64"))).toBe(false);
    }
  });

  it("uses every strategy", () => {
    const m = new FrameMutator(frames, 1);
    const used = new Set<string>();
    for (let i = 0; i < 5_000; i++) used.add(m.next().strategy);
    expect([...used].sort()).toEqual(
      [
        "api-key", "api-version", "append-garbage", "bit-flips", "client-id-length", "correlation-id", "delete-chunk",
        "duplicate-chunk", "havoc", "header-tagged-fields", "interesting-byte", "interesting-int16", "interesting-int32",
        "interesting-varint", "lying-size", "overwrite-random", "produce-batch", "splice", "torn-frame", "truncate",
      ].sort(),
    );
  });

  it("finds the record batches of every captured Produce frame", () => {
    const produce = corpus.frames.filter((f) => f.apiKey === 0);
    expect(produce.length).toBeGreaterThan(10);
    for (const f of produce) expect(batchLocations(f.bytes).length, `${f.source} v${f.apiVersion}`).toBeGreaterThan(0);
  });
});
