import { defineConfig } from "vitest/config";

// The kind e2e suite (see README.md): a 3-zone kind cluster built offline, our broker image in it.
//   npm run test:e2e          (= vitest run --config test/e2e/vitest.config.ts)
export default defineConfig({
  cacheDir: new URL("../../node_modules/.vite-e2e", import.meta.url).pathname,
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["*.test.ts"],
    // test/kind/up.sh + the client image: seconds when the cluster runs, ~2 min with warm caches
    // and no cluster, far longer on a machine with empty caches (Kubernetes is compiled).
    globalSetup: ["./global-setup.ts"],
    // Each step waits on Kubernetes conditions with its own bounds (see smoke.test.ts).
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // One cluster, one namespace per file: files run one after another.
    fileParallelism: false,
  },
});
