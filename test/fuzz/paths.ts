// Where the fuzzer's committed files live, found the same way from the TypeScript sources (vitest)
// and from their compiled copies under dist/ (npm run fuzz).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "broker"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}

export const REPO_ROOT = findRepoRoot(import.meta.dirname);
export const CORPUS_DIR = join(REPO_ROOT, "test/fuzz/corpus");
export const BROKER_MAIN = join(REPO_ROOT, "dist/broker/main.js");
