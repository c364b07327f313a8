// npm run codegen:crds — writes crds/*.yaml, the chart's CRD templates and the client-side schemas from the
// TypeScript types in operator/api/v1alpha1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateAll } from './generate.js';
import { findRepoRoot } from './repo-root.js';

const repoRoot = findRepoRoot(new URL('.', import.meta.url).pathname);
for (const file of generateAll(repoRoot)) {
  const target = join(repoRoot, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
  process.stdout.write(`${file.path} (${(Buffer.byteLength(file.content) / 1024).toFixed(1)} KiB)\n`);
}
