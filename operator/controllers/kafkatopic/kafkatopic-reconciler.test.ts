// The reconciler when the cache lags its own status write, with stand-ins for the manager and
// the admin client (the full flow runs on a real API server in test/kube/kafkatopic-reconciler.test.ts).
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { AdminClient, ConfigChange, TopicDescription } from "../../../broker/client/index.js";
import type { TopicConfigEntry } from "../../../broker/client/topic-config-entry.js";
import type { Uuid } from "../../../broker/protocol/primitives.js";
import type { KafkaTopic, KafkaTopicStatus } from "../../api/v1alpha1/kafkatopic.js";
import type { Manager } from "../../runtime/manager.js";
import type { KubeObject } from "../../runtime/resource-type.js";
import type { ClusterAdminProvider } from "../cluster-admin.js";
import { KafkaTopicReconciler, TOPIC_FINALIZER } from "./kafkatopic-reconciler.js";
import { MANAGED_CONFIG_ANNOTATION } from "./topic-plan.js";

const TOPIC_ID = "6f1c0d9e-3b1a-4c59-9a64-2f6a1c3e0b11" as Uuid;

/** One topic on a broker: its config overrides are what the admin calls read and change. */
function brokerTopic(overrides: Record<string, string>) {
  const description: TopicDescription = { name: "orders", topicId: TOPIC_ID, internal: false, partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1] }] };
  const admin = {
    describeTopics: async () => [description],
    describeTopicConfigs: async (): Promise<TopicConfigEntry[]> =>
      Object.entries(overrides).map(([name, value]) => ({ name, value, source: "DYNAMIC_TOPIC_CONFIG", isTopicOverride: true, readOnly: false, sensitive: false }) as TopicConfigEntry),
    incrementalAlterTopicConfigs: async (_topic: string, changes: ConfigChange[]) => {
      for (const c of changes) {
        if (c.op === "SET") overrides[c.name] = c.value;
        else delete overrides[c.name];
      }
    },
  } as unknown as AdminClient;
  const admins: ClusterAdminProvider = { adminFor: async () => admin, forget: async () => {}, close: async () => {} };
  return { admins, overrides };
}

/** The API server's copy of the KafkaTopic, and a cache that shows it only when told to sync. */
function standIn(topic: KafkaTopic) {
  const cluster = { apiVersion: "kafka.millrace.dev/v1alpha1", kind: "KafkaCluster", metadata: { namespace: "kafka", name: "demo", uid: "c1" }, spec: {} };
  const server = { topic: structuredClone(topic) };
  let cached = structuredClone(topic);
  const events: { type: string; reason: string; note: string }[] = [];
  const m = {
    cache: { get: (type: { kind: string }) => (type.kind === "KafkaTopic" ? cached : cluster) },
    http: { send: async () => { throw new Error("no metadata write expected"); } },
    status: {
      update: async (_type: unknown, _live: KubeObject, status: Record<string, unknown>) => {
        server.topic = { ...server.topic, status: structuredClone(status) as KafkaTopicStatus };
        return true;
      },
    },
    events: { record: async (_o: unknown, e: { type: string; reason: string; note: string }) => void events.push(e) },
  } as unknown as Manager;
  return {
    m,
    events,
    sync: () => void (cached = structuredClone(server.topic)),
    readyMessage: () => server.topic.status?.conditions?.find((c) => c.type === "Ready")?.message,
    changeSpec: (spec: KafkaTopic["spec"]) => {
      server.topic = { ...server.topic, spec, metadata: { ...server.topic.metadata, generation: server.topic.metadata!.generation! + 1 } };
    },
  };
}

const ctx = { log: pino({ level: "silent" }), signal: new AbortController().signal };
const req = { key: "KafkaTopic/kafka/orders", kind: "KafkaTopic", namespace: "kafka", name: "orders" };

function ownedTopic(): KafkaTopic {
  return {
    apiVersion: "kafka.millrace.dev/v1alpha1",
    kind: "KafkaTopic",
    metadata: { namespace: "kafka", name: "orders", uid: "t1", generation: 1, finalizers: [TOPIC_FINALIZER], annotations: { [MANAGED_CONFIG_ANNOTATION]: "retention.ms" } },
    spec: { clusterRef: { name: "demo" }, partitions: 1, replicas: 1, config: { "retention.ms": 7200000 } },
    status: { topicId: TOPIC_ID, observedGeneration: 1 },
  } as KafkaTopic;
}

describe("KafkaTopicReconciler drift note", () => {
  it("keeps the drift correction in the Ready message when the next reconcile runs on a cache without that write", async () => {
    const broker = brokerTopic({ "retention.ms": "7200000" });
    const k = standIn(ownedTopic());
    const reconciler = new KafkaTopicReconciler(k.m, broker.admins, 2_000);

    await reconciler.reconcile(req, ctx);
    k.sync();
    expect(k.readyMessage()).toBe("topic orders is as specified");

    broker.overrides["retention.ms"] = "1000";
    await reconciler.reconcile(req, ctx);
    expect(broker.overrides["retention.ms"]).toBe("7200000");
    expect(k.events.filter((e) => e.reason === "TopicDriftCorrected").map((e) => e.note)).toEqual(["orders: retention.ms: 1000 -> 7200000"]);
    expect(k.readyMessage()).toBe("topic orders is as specified; drift corrected: retention.ms: 1000 -> 7200000");

    // The cache still has the status from before the correction.
    await reconciler.reconcile(req, ctx);
    expect(k.readyMessage()).toBe("topic orders is as specified; drift corrected: retention.ms: 1000 -> 7200000");
    k.sync();
    await reconciler.reconcile(req, ctx);
    expect(k.readyMessage()).toBe("topic orders is as specified; drift corrected: retention.ms: 1000 -> 7200000");

    // A changed spec is not drift: the note goes.
    k.changeSpec({ ...ownedTopic().spec, config: { "retention.ms": 3600000 } });
    k.sync();
    await reconciler.reconcile(req, ctx);
    expect(broker.overrides["retention.ms"]).toBe("3600000");
    expect(k.readyMessage()).toBe("topic orders is as specified");
    expect(k.events.at(-1)).toMatchObject({ type: "Normal", reason: "TopicUpdated" });
  });

  it("takes the drift note from the cache after a restart (a new reconciler that wrote nothing yet)", async () => {
    const broker = brokerTopic({ "retention.ms": "7200000" });
    const k = standIn(ownedTopic());
    broker.overrides["retention.ms"] = "1000";
    await new KafkaTopicReconciler(k.m, broker.admins, 2_000).reconcile(req, ctx);
    k.sync();
    await new KafkaTopicReconciler(k.m, broker.admins, 2_000).reconcile(req, ctx);
    expect(k.readyMessage()).toBe("topic orders is as specified; drift corrected: retention.ms: 1000 -> 7200000");
  });
});
