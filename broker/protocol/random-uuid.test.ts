import { describe, expect, it } from "vitest";
import { randomUuid, uuidToBytes, ZERO_UUID } from "./primitives.js";

describe("randomUuid", () => {
  it("makes 22-character base64url ids that never start with '-' (tools would read them as options) and are never zero", () => {
    // A leading "-" has a 1-in-64 chance per id: 5,000 draws would meet ~78 of them.
    for (let i = 0; i < 5000; i++) {
      const id = randomUuid();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(id).not.toBe(ZERO_UUID);
      expect(uuidToBytes(id)).toHaveLength(16);
    }
  });
});
