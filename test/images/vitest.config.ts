import { defineConfig } from "vitest/config";

// The image suite: builds the product image (and, offline, its base images) and runs it.
//   npm exec -- vitest run --config test/images/vitest.config.ts
export default defineConfig({
  // Keep vitest's cache in the repo's node_modules, not test/images/node_modules.
  cacheDir: new URL("../../node_modules/.vite-images", import.meta.url).pathname,
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["*.test.ts"],
    globalSetup: ["./global-setup.ts"],
    testTimeout: 120_000,
    // A cold global setup installs Docker and builds three images (~4 min on 2 cores).
    hookTimeout: 900_000,
    // One container at a time: the tests share it and a 2-core machine gains nothing from more.
    fileParallelism: false,
  },
});
