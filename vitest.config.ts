import { defineConfig } from "vitest/config";

// Unit tests live beside the code; test/integration holds tests that start real broker
// processes; test/fuzz holds the protocol fuzzer (its CI-sized run and the mutator's tests);
// test/faults the fault-injection suite (two seeds in CI; `npm run faults` for 50).
// test/compat (real Kafka clients) and test/e2e have their own configs.
export default defineConfig({
  test: {
    include: ["broker/**/*.test.ts", "operator/**/*.test.ts", "test/integration/**/*.test.ts", "test/fuzz/**/*.test.ts", "test/faults/**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
