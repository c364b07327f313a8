import { describe, expect, it } from "vitest";
import { javaStringHashCode, partitionFor } from "./partition-for.js";

describe("partitionFor", () => {
  it("hashes strings as Java does", () => {
    expect(javaStringHashCode("")).toBe(0);
    expect(javaStringHashCode("hello")).toBe(99162322);
    expect(javaStringHashCode("Aa")).toBe(javaStringHashCode("BB"));
    expect(javaStringHashCode("polygenelubricants")).toBe(-2147483648);
  });

  it("maps a group to Utils.abs(hash) % partitions", () => {
    expect(partitionFor("hello", 50)).toBe(99162322 % 50);
    // Utils.abs(Integer.MIN_VALUE) is 0, not a negative number.
    expect(partitionFor("polygenelubricants", 50)).toBe(0);
    expect(partitionFor("Aa", 7)).toBe(partitionFor("BB", 7));
    for (const g of ["a", "group-1", "ünïcode", "x".repeat(100)]) {
      const p = partitionFor(g, 50);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(50);
    }
  });
});
