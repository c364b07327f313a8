import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { operatorVersion } from "./operator-version.js";

describe("operatorVersion", () => {
  it("is package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(operatorVersion()).toBe(pkg.version);
  });

  it("says where it looked when there is no package.json", () => {
    expect(() => operatorVersion(new URL("file:///"))).toThrow("no millrace package.json above /");
  });
});
