import { defineConfig } from "vitest/config";
import { CLUSTER_TESTS } from "./test/integration/cluster.vitest.config.js";

// Unit tests live beside the code; test/integration holds tests that start real broker
// processes; test/fuzz holds the protocol fuzzer (its CI-sized run and the mutator's tests);
// test/bench's tests cover the benchmark's parts that need no broker (parsing, statistics, the null broker).
// test/faults (fault injection, failover timing) runs on demand: `npm run faults`, `npm run failover`.
// test/compat (real Kafka clients) and test/e2e have their own configs.
export default defineConfig({
  test: {
    include: ["broker/**/*.test.ts", "operator/**/*.test.ts", "test/integration/**/*.test.ts", "test/fuzz/**/*.test.ts", "test/security-fixtures/**/*.test.ts", "test/bench/**/*.test.ts"],
    // Whole-cluster tests run in their own suite, one at a time (test/integration/cluster.vitest.config.ts).
    exclude: ["node_modules/**", "dist/**", ...CLUSTER_TESTS],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
