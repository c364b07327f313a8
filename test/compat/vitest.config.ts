import { defineConfig } from 'vitest/config';

// The compat suite: real clients against one broker (see README.md).
//   npx vitest run --config test/compat/vitest.config.ts
export default defineConfig({
  // Keep vitest's cache in the repo's node_modules, not test/compat/node_modules.
  cacheDir: new URL('../../node_modules/.vite-compat', import.meta.url).pathname,
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    // Each test drives child processes with their own deadlines; these are backstops.
    testTimeout: 180_000,
    hookTimeout: 600_000,
    // Files share one broker; two at a time keeps a 2-core machine busy without
    // starving the broker (each test already runs 1-4 client processes).
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
