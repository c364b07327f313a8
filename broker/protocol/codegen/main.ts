#!/usr/bin/env node
// Usage: node dist/broker/protocol/codegen/main.js <spec-dir> <out-dir> [--check]
// Generates one `<name>.gen.ts` per Kafka JSON message definition in <spec-dir>.
// With --check it writes nothing and exits 1 if any generated file differs.
import { generateAll } from "./generate.js";

const args = process.argv.slice(2);
const check = args.includes("--check");
const [specDir, outDir] = args.filter((a) => !a.startsWith("--"));
if (!specDir || !outDir) {
  console.error("usage: codegen <spec-dir> <out-dir> [--check]");
  process.exit(2);
}
const { written, stale } = generateAll(specDir, outDir, { check });
if (check) {
  if (stale.length > 0) {
    console.error(`generated files out of date: ${stale.join(", ")}`);
    process.exit(1);
  }
  console.log(`${written} generated files up to date`);
} else {
  console.log(`wrote ${written} files to ${outDir}`);
}
