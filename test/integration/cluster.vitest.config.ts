import { defineConfig } from "vitest/config";

// The tests that run whole clusters of broker processes (three or four nodes each), Kafka's own
// tools against one included. One file at a time: side by side on a 2-core machine, their timing-bounded waits starved each other.
//   npx vitest run --config test/integration/cluster.vitest.config.ts
export const CLUSTER_TESTS = [
  "test/integration/metadata-quorum.test.ts",
  "test/integration/metadata-snapshots.test.ts",
  "test/integration/replication.test.ts",
  "test/integration/cluster-up.test.ts",
  "test/integration/kafka-tools.test.ts",
  "test/integration/reassignment.test.ts",
  "test/integration/follower-fetching.test.ts",
  "test/integration/unclean-election.test.ts",
  "test/integration/group-coordinator-failover.test.ts",
  "test/integration/dedicated-controllers.test.ts",
  "test/integration/dynamic-quorum.test.ts",
  "test/integration/high-watermark-recovery.test.ts",
  "test/integration/tls-listeners.test.ts",
  "test/integration/tls-cluster.test.ts",
  "test/integration/tls-distinguished-names.test.ts",
  "test/integration/sasl-listeners.test.ts",
  "test/integration/sasl-cluster.test.ts",
  "test/integration/client-quotas.test.ts",
  "test/integration/client-quotas-cluster.test.ts",
  "test/integration/acl-authorization.test.ts",
  "test/integration/acl-cluster.test.ts",
  "test/integration/admin-client.test.ts",
  "test/integration/operator-certificates.test.ts",
  "test/integration/kafkacluster-node-config.test.ts",
  "test/integration/health-endpoint.test.ts",
];

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: CLUSTER_TESTS,
    fileParallelism: false,
    // kafka-tools.test.ts runs Kafka's own command-line tools: installed (cached) once up front.
    globalSetup: ["test/integration/java-tools-setup.ts"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
