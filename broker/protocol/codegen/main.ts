#!/usr/bin/env node
// Usage: node dist/broker/protocol/codegen/main.js <kafka-protocol-root> [--check]
//    or: node dist/broker/protocol/codegen/main.js <spec-dir> <out-dir> [--check]
// The first form generates every folder in GENERATION_TARGETS (messages, group-coordinator,
// metadata); the second one folder. With --check nothing is written and the exit code is 1
// when a generated file is out of date.
import { join } from "node:path";
import { generateAll } from "./generate.js";
import { GENERATION_TARGETS } from "./targets.js";

const args = process.argv.slice(2);
const check = args.includes("--check");
const paths = args.filter((a) => !a.startsWith("--"));
if (paths.length < 1 || paths.length > 2) {
  console.error("usage: codegen <kafka-protocol-root> [--check] | codegen <spec-dir> <out-dir> [--check]");
  process.exit(2);
}
const jobs =
  paths.length === 2
    ? [{ specDir: paths[0]!, outDir: paths[1]! }]
    : GENERATION_TARGETS.map((t) => ({ specDir: join(paths[0]!, t.specSubdir), outDir: t.outDir }));

let stale: string[] = [];
for (const job of jobs) {
  const result = generateAll(job.specDir, job.outDir, { check });
  stale = stale.concat(result.stale.map((f) => join(job.outDir, f)));
  if (!check) console.log(`wrote ${result.written} files to ${job.outDir}`);
}
if (check && stale.length > 0) {
  console.error(`generated files out of date (run npm run codegen:protocol): ${stale.join(", ")}`);
  process.exit(1);
}
