import { describe, expect, it } from "vitest";
import { InlineWrites } from "./inline-writes.js";

/** A timer the test moves by hand. */
function manualTime() {
  const t = { ms: 1_000 };
  return { t, now: () => t.ms };
}

describe("InlineWrites", () => {
  it("allows writes up to maxBytes, none with maxBytes 0", () => {
    const inline = new InlineWrites({ maxBytes: 100 });
    expect(inline.allows(100)).toBe(true);
    expect(inline.allows(101)).toBe(false);
    expect(new InlineWrites({ maxBytes: 0 }).allows(1)).toBe(false);
  });

  it("runs the write, counts it, and turns its exception into a rejection", async () => {
    const inline = new InlineWrites({ maxBytes: 100 });
    let ran = 0;
    await inline.write(() => void ran++);
    expect(ran).toBe(1);
    await expect(inline.write(() => { throw new Error("EIO: disk gone"); })).rejects.toThrow("EIO: disk gone");
    expect(inline.inlineWrites).toBe(2);
  });

  it("settles in a later turn of the event loop, as a pooled write does, though the write is done", async () => {
    const inline = new InlineWrites({ maxBytes: 100 });
    let written = false;
    let settled = false;
    const done = inline.write(() => void (written = true)).then(() => void (settled = true));
    expect(written).toBe(true);
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(settled).toBe(false);
    await done;
    expect(settled).toBe(true);
  });

  it("sends writes to the pool for pauseMs after one that took longer than slowMs", async () => {
    const { t, now } = manualTime();
    const pauses: [number, number][] = [];
    const inline = new InlineWrites({ maxBytes: 100, slowMs: 5, pauseMs: 10_000, now, onPause: (took, pause) => pauses.push([took, pause]) });
    await inline.write(() => void (t.ms += 5));
    expect(inline.allows(1)).toBe(true);
    await inline.write(() => void (t.ms += 40));
    expect(pauses).toEqual([[40, 10_000]]);
    expect(inline.allows(1)).toBe(false);
    t.ms += 9_999;
    expect(inline.allows(1)).toBe(false);
    t.ms += 1;
    expect(inline.allows(1)).toBe(true);
    expect(inline.pauses).toBe(1);
  });

  it("a failed write that was slow pauses too", async () => {
    const { t, now } = manualTime();
    const inline = new InlineWrites({ maxBytes: 100, slowMs: 5, pauseMs: 1_000, now });
    await expect(inline.write(() => { t.ms += 50; throw new Error("EIO"); })).rejects.toThrow("EIO");
    expect(inline.allows(1)).toBe(false);
  });
});
