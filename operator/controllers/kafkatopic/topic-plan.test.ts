import { describe, expect, it } from "vitest";
import type { TopicDescription } from "../../../broker/client/index.js";
import type { KafkaTopic } from "../../api/v1alpha1/kafkatopic.js";
import { adoptionMismatches, configPlan, desiredConfig, formatManagedKeys, managedKeysOf, MANAGED_CONFIG_ANNOTATION, topicNameOf, topicOverrides } from "./topic-plan.js";

function topic(spec: Partial<KafkaTopic["spec"]>, annotations?: Record<string, string>): KafkaTopic {
  return { apiVersion: "kafka.millrace.dev/v1alpha1", kind: "KafkaTopic", metadata: { name: "orders", annotations }, spec: { clusterRef: { name: "demo" }, ...spec } };
}

function described(partitions: number, replicas: number): TopicDescription {
  return {
    name: "orders",
    topicId: "AAAAAAAAAAAAAAAAAAAAAQ",
    internal: false,
    partitions: Array.from({ length: partitions }, (_, p) => ({ partition: p, leader: 0, replicas: Array.from({ length: replicas }, (_, r) => r), isr: [] })),
  } as unknown as TopicDescription;
}

describe("topic plan", () => {
  it("names the topic by spec.topicName, else metadata.name", () => {
    expect(topicNameOf(topic({}))).toBe("orders");
    expect(topicNameOf(topic({ topicName: "orders.v2" }))).toBe("orders.v2");
  });

  it("turns config values into Kafka's strings", () => {
    expect(desiredConfig(topic({ config: { "retention.ms": 86400000, "cleanup.policy": "compact" } }))).toEqual({ "retention.ms": "86400000", "cleanup.policy": "compact" });
  });

  it("sets spec keys that differ, deletes keys it managed and the spec dropped, leaves others' keys alone", () => {
    const plan = configPlan(
      { "retention.ms": "2000", "cleanup.policy": "compact", "segment.bytes": "1048576" },
      { "retention.ms": "1000", "segment.bytes": "1048576", "segment.ms": "5", "max.message.bytes": "2000000" },
      ["retention.ms", "segment.ms", "flush.ms"],
    );
    expect(plan.changes).toEqual([
      { op: "SET", name: "cleanup.policy", value: "compact" },
      { op: "SET", name: "retention.ms", value: "2000" },
      { op: "DELETE", name: "segment.ms" },
    ]);
    expect(plan.descriptions).toEqual(["cleanup.policy: set to compact", "retention.ms: 1000 -> 2000", "segment.ms: removed (was 5)"]);
  });

  it("has nothing to do when the overrides are as wanted", () => {
    expect(configPlan({ "retention.ms": "1000" }, { "retention.ms": "1000", "other": "x" }, ["retention.ms"]).changes).toEqual([]);
  });

  it("keeps the managed keys sorted and unique in the annotation", () => {
    expect(formatManagedKeys(["b", "a", "b"])).toBe("a,b");
    expect(managedKeysOf(topic({}, { [MANAGED_CONFIG_ANNOTATION]: "segment.ms, retention.ms" }))).toEqual(["retention.ms", "segment.ms"]);
    expect(managedKeysOf(topic({}))).toEqual([]);
  });

  it("reports only the topic's own overrides", () => {
    const entries = [
      { name: "retention.ms", value: "1000", source: "DYNAMIC_TOPIC_CONFIG", isTopicOverride: true, readOnly: false, sensitive: false },
      { name: "segment.ms", value: "604800000", source: "DEFAULT_CONFIG", isTopicOverride: false, readOnly: false, sensitive: false },
    ] as const;
    expect(topicOverrides(entries)).toEqual({ "retention.ms": "1000" });
  });

  it("adopts only a topic with the spec's partitions, replicas and config values", () => {
    const t = topic({ partitions: 3, replicas: 1, config: { "retention.ms": 1000 } });
    expect(adoptionMismatches(t, described(3, 1), { "retention.ms": "1000", "segment.ms": "5" })).toEqual([]);
    expect(adoptionMismatches(t, described(2, 3), {})).toEqual([
      "partitions: topic has 2, spec wants 3",
      "replicas: topic has 3, spec wants 1",
      "config retention.ms: topic has the default, spec wants 1000",
    ]);
  });
});
