import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The repository root above `from`: the same from the sources (vitest) and from dist/.
export function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'millrace') return dir;
    if (dirname(dir) === dir) throw new Error(`no millrace package.json above ${from}`);
  }
}
