// Which spec folder (under the Kafka protocol root, ../shared/kafka-protocol) generates into which
// output folder. Used by `npm run codegen:protocol` and by the test that checks generated files.
export const GENERATION_TARGETS = [
  { specSubdir: "messages", outDir: "broker/protocol/generated" },
  { specSubdir: "group-coordinator", outDir: "broker/protocol/generated/coordinator" },
  { specSubdir: "metadata", outDir: "broker/protocol/generated/metadata" },
] as const;
