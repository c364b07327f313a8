import { defineConfig } from "vitest/config";

// The fault-injection suite and the failover timing runs: on demand (`npm run faults`,
// `npm run failover`), never in CI — each runs clusters of broker processes for minutes.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/faults/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
  },
});
