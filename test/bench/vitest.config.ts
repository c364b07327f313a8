import { defineConfig } from "vitest/config";

// Unit tests of the benchmark's parts that need no broker (parsing, statistics, the null broker);
// the root vitest.config.ts runs them with the unit tests too. Alone:
//   npm exec -- vitest run --config test/bench/vitest.config.ts
export default defineConfig({
  cacheDir: new URL("../../node_modules/.vite-bench", import.meta.url).pathname,
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["*.test.ts"],
  },
});
