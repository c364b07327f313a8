import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "./generate.js";
import { GENERATION_TARGETS } from "./targets.js";

const PROTOCOL_ROOT = "../shared/kafka-protocol";

describe("generated protocol code", () => {
  for (const target of GENERATION_TARGETS) {
    it(`${target.outDir} matches a fresh generation from ${target.specSubdir}`, () => {
      const expected = generatedFiles(join(PROTOCOL_ROOT, target.specSubdir), target.outDir);
      const stale = [...expected].filter(
        ([name, content]) => !existsSync(join(target.outDir, name)) || readFileSync(join(target.outDir, name), "utf8") !== content,
      );
      expect(stale.map(([name]) => name)).toEqual([]);
      const orphans = readdirSync(target.outDir).filter((f) => f.endsWith(".gen.ts") && !expected.has(f));
      expect(orphans).toEqual([]);
    });
  }
});
