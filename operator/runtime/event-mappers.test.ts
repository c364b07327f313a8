import { describe, expect, it } from "vitest";
import { keyForControllerOwner, keyForObject, keysFrom } from "./event-mappers.js";
import { withControllerReference, controllerOf, isControlledBy } from "./owner-references.js";
import type { KubeObject, ResourceType } from "./resource-type.js";

const KafkaCluster: ResourceType = { group: "kafka.millrace.dev", version: "v1alpha1", kind: "KafkaCluster", plural: "kafkaclusters", namespaced: true };
const cluster: KubeObject = { apiVersion: "kafka.millrace.dev/v1alpha1", kind: "KafkaCluster", metadata: { name: "prod", namespace: "kafka", uid: "uid-1" } };
const pod = (refs: NonNullable<KubeObject["metadata"]>["ownerReferences"]): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "prod-broker-0", namespace: "kafka", ownerReferences: refs } });

describe("event mappers", () => {
  it("maps an object to its own key", () => {
    expect(keyForObject(KafkaCluster)(cluster)).toEqual(["KafkaCluster/kafka/prod"]);
  });

  it("maps an owned object to its controller owner of the right kind and group only", () => {
    const owned = withControllerReference(pod(undefined), cluster);
    expect(keyForControllerOwner(KafkaCluster)(owned)).toEqual(["KafkaCluster/kafka/prod"]);
    const notController = pod([{ apiVersion: "kafka.millrace.dev/v1alpha1", kind: "KafkaCluster", name: "prod", uid: "uid-1" }]);
    expect(keyForControllerOwner(KafkaCluster)(notController)).toEqual([]);
    const otherGroup = pod([{ apiVersion: "other.example/v1", kind: "KafkaCluster", name: "prod", uid: "u", controller: true }]);
    expect(keyForControllerOwner(KafkaCluster)(otherGroup)).toEqual([]);
  });

  it("takes any custom mapping", () => {
    const topic: KubeObject = { kind: "KafkaTopic", metadata: { name: "orders", namespace: "kafka" }, spec: { clusterRef: "prod" } };
    const toCluster = keysFrom((t) => [`KafkaCluster/${t.metadata!.namespace}/${(t.spec as { clusterRef: string }).clusterRef}`]);
    expect(toCluster(topic)).toEqual(["KafkaCluster/kafka/prod"]);
  });
});

describe("owner references", () => {
  it("sets one controller reference with blockOwnerDeletion, keeping other owners", () => {
    const other = { apiVersion: "v1", kind: "ConfigMap", name: "x", uid: "uid-x" };
    const owned = withControllerReference(pod([other]), cluster);
    expect(owned.metadata?.ownerReferences).toEqual([
      other,
      { apiVersion: "kafka.millrace.dev/v1alpha1", kind: "KafkaCluster", name: "prod", uid: "uid-1", controller: true, blockOwnerDeletion: true },
    ]);
    expect(isControlledBy(owned, cluster)).toBe(true);
    expect(controllerOf(owned)?.name).toBe("prod");
    // Idempotent.
    expect(withControllerReference(owned, cluster)).toEqual(owned);
  });

  it("refuses a second controller and an owner without uid", () => {
    const owned = withControllerReference(pod(undefined), cluster);
    const other = { ...cluster, metadata: { ...cluster.metadata, name: "other", uid: "uid-2" } };
    expect(() => withControllerReference(owned, other)).toThrow(/already controlled by KafkaCluster prod/);
    expect(() => withControllerReference(pod(undefined), { ...cluster, metadata: { name: "prod" } })).toThrow(/needs apiVersion, kind, metadata.name and metadata.uid/);
  });
});
