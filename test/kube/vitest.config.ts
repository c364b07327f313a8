import { defineConfig } from 'vitest/config';

// Tests against a real kube-apiserver + etcd (see README.md).
//   npm exec -- vitest run --config test/kube/vitest.config.ts
export default defineConfig({
  cacheDir: new URL('../../node_modules/.vite-kube', import.meta.url).pathname,
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['*.test.ts'],
    // Builds the binaries on a fresh machine (~10-15 min); a stat when cached.
    globalSetup: ['./global-setup.ts'],
    testTimeout: 60_000,
    // beforeAll starts etcd + kube-apiserver: seconds, but a loaded 2-core box can be slow.
    hookTimeout: 180_000,
    // Each file starts its own API server; two at a time is what 2 cores carry.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
