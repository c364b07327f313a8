import { defineConfig } from "vitest/config";

// Unit tests live beside the code; test/integration holds tests that start real broker
// processes. test/compat (real Kafka clients) and test/e2e have their own configs.
// WIP_EXCLUDED: parts of issue 2 still being integrated (storage log manager, group coordinator,
// handlers, the broker process); they are excluded from the build (tsconfig.json) and from this
// run until they compile together, and are put back as they land.
const WIP_EXCLUDED = [
  "broker/handlers/**",
  "broker/storage/**",
  "broker/protocol/records.test.ts",
  "broker/coordinator/**",
  "broker/topics/**",
  "test/integration/**",
];

export default defineConfig({
  test: {
    include: ["broker/**/*.test.ts", "operator/**/*.test.ts", "test/integration/**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", ...WIP_EXCLUDED],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
