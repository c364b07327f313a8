import { describe, expect, it } from "vitest";
import { WriteMemo } from "./write-memo.js";

describe("WriteMemo", () => {
  it("knows a body was written while the object is still at the version the write produced", () => {
    const m = new WriteMemo();
    m.remember("/cm/a", '{"x":1}', "10");
    expect(m.alreadyWritten("/cm/a", '{"x":1}', "10")).toBe(true);
    expect(m.alreadyWritten("/cm/a", '{"x":1}', "11")).toBe(false); // changed since
    expect(m.alreadyWritten("/cm/a", '{"x":2}', "10")).toBe(false); // new intent
    expect(m.alreadyWritten("/cm/b", '{"x":1}', "10")).toBe(false);
    m.forget("/cm/a");
    expect(m.alreadyWritten("/cm/a", '{"x":1}', "10")).toBe(false);
  });
});
