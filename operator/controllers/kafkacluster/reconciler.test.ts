// The reconciler's refusals, with a stand-in for the manager (the full flow runs on a real
// API server in test/kube/kafkacluster-reconciler.test.ts).
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Manager } from "../../runtime/manager.js";
import type { KubeObject, ResourceType } from "../../runtime/resource-type.js";
import { KafkaClusterReconciler } from "./reconciler.js";
import { exampleCluster } from "./test-fixtures.js";

function standIn(objects: Record<string, KubeObject[]>) {
  const writes: unknown[] = [];
  const statuses: Record<string, unknown>[] = [];
  const m = {
    cache: {
      get: (type: ResourceType, _ns: string, name: string) => (objects[type.kind] ?? []).find((o) => o.metadata?.name === name),
      list: (type: ResourceType) => objects[type.kind] ?? [],
    },
    applier: { apply: async (...args: unknown[]) => writes.push(args), delete: async (...args: unknown[]) => writes.push(args) },
    status: { update: async (_t: ResourceType, _live: KubeObject, status: Record<string, unknown>) => statuses.push(status) },
    events: { record: async () => {} },
  } as unknown as Manager;
  return { m, writes, statuses };
}

const admin = { adminFor: async () => { throw new Error("not used"); }, forget: async () => {} };
const ctx = { log: pino({ level: "silent" }), signal: new AbortController().signal };
const req = { key: "KafkaCluster/kafka/demo", kind: "KafkaCluster", namespace: "kafka", name: "demo" };

describe("KafkaClusterReconciler refusals", () => {
  it("operator-owned keys in spec.config (an object stored under an older CRD): Degraded ConfigRefused, nothing written", async () => {
    const cluster = exampleCluster("kafka");
    cluster.metadata!.name = "demo";
    cluster.spec.config = { ...cluster.spec.config, "log.dirs": "/elsewhere" };
    const { m, writes, statuses } = standIn({ KafkaCluster: [cluster as unknown as KubeObject] });
    await new KafkaClusterReconciler(m, { admin, operatorVersion: "0.1.0" }).reconcile(req, ctx);
    expect(writes).toEqual([]);
    const degraded = (statuses[0]!.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === "Degraded");
    expect(degraded).toMatchObject({ status: "True", reason: "ConfigRefused" });
    expect(degraded!.message).toContain("log.dirs");
  });

  it("a volume without a known cluster id: Degraded ClusterIdUnknown, nothing written", async () => {
    const cluster = exampleCluster("kafka");
    const claim = { metadata: { name: "data-demo-brokers-3", namespace: "kafka", labels: { "kafka.millrace.dev/cluster": "demo", "kafka.millrace.dev/pool": "brokers", "kafka.millrace.dev/node-id": "3" } } };
    const { m, writes, statuses } = standIn({ KafkaCluster: [cluster as unknown as KubeObject], PersistentVolumeClaim: [claim] });
    await new KafkaClusterReconciler(m, { admin, operatorVersion: "0.1.0" }).reconcile(req, ctx);
    expect(writes).toEqual([]);
    const degraded = (statuses[0]!.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === "Degraded");
    expect(degraded).toMatchObject({ status: "True", reason: "ClusterIdUnknown" });
    expect(degraded!.message).toContain("data-demo-brokers-3");
  });
});
