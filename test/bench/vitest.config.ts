import { defineConfig } from "vitest/config";

// Unit tests of the benchmark's pure parts (parsing, statistics, profile summary); no brokers.
//   npm exec -- vitest run --config test/bench/vitest.config.ts
// The root vitest.config.ts does not include test/bench; add "test/bench/**/*.test.ts" there to
// run these with the unit tests.
export default defineConfig({
  cacheDir: new URL("../../node_modules/.vite-bench", import.meta.url).pathname,
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["*.test.ts"],
  },
});
