import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { planNodes } from "./node-layout.js";
import { VERSION_LABEL } from "./node-pod.js";
import { clusterStatus } from "./status.js";
import { exampleCluster } from "./test-fixtures.js";

describe("clusterStatus", () => {
  const cluster = exampleCluster("kafka");
  const { nodes } = planNodes("demo", cluster.spec, []);
  const readyPod = (ready: boolean): V1Pod => ({ metadata: { labels: { [VERSION_LABEL]: "0.1.0" } }, status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } });
  const NOW = Date.parse("2026-12-01T23:00:00Z");

  it("Ready when every node is, with brokers, listeners and the version", () => {
    const s = clusterStatus({ cluster, clusterId: "id", nodes, livePod: () => readyPod(true), operations: [], nowMs: NOW });
    expect(s).toMatchObject({ observedGeneration: 1, clusterId: "id", version: "0.1.0", readyBrokers: 3 });
    expect(s.conditions?.find((c) => c.type === "Ready")).toMatchObject({ status: "True", reason: "ClusterReady", lastTransitionTime: "2026-12-01T23:00:00Z" });
    expect(s.brokers?.[0]).toEqual({ nodeId: 0, pool: "controllers", roles: ["controller"], zone: "zone-a", pod: "demo-controllers-0", version: "0.1.0", ready: true });
    expect(s.listeners).toEqual([{ name: "internal", type: "internal", bootstrapServers: "demo-bootstrap.kafka.svc:9093" }]);
    expect(s.operations).toBeUndefined();
  });

  it("names the nodes that are not Ready", () => {
    const s = clusterStatus({ cluster, clusterId: "id", nodes, livePod: (n) => (n === "demo-brokers-4" ? undefined : readyPod(n !== "demo-controllers-1")), operations: [], nowMs: NOW });
    const ready = s.conditions?.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "False", reason: "NodesNotReady" });
    expect(ready?.message).toContain("demo-controllers-1, demo-brokers-4");
    expect(s.readyBrokers).toBe(2);
    // A node without a Pod runs no known version: not "all nodes run 0.1.0".
    expect(s.version).toBeUndefined();
  });

  it("Degraded wins, operations are listed, Reconciling while they run", () => {
    const op = { type: "RollingRestart" as const, nodeIds: [3], reason: "changed", startedAt: "2026-12-01T22:00:00Z" };
    const degraded = clusterStatus({ cluster, clusterId: "id", nodes, livePod: () => readyPod(true), operations: [op], degraded: { reason: "ScaleDownBlocked", message: "m" }, nowMs: NOW });
    expect(degraded.conditions?.find((c) => c.type === "Degraded")).toMatchObject({ status: "True", reason: "ScaleDownBlocked", message: "m" });
    expect(degraded.operations).toEqual([op]);
    const rolling = clusterStatus({ cluster, clusterId: "id", nodes, livePod: () => readyPod(true), operations: [op], nowMs: NOW });
    expect(rolling.conditions?.find((c) => c.type === "Reconciling")).toMatchObject({ status: "True", reason: "OperationInProgress" });
  });

  it("reports the quorum when it was described, nothing when unknown", () => {
    const quorum = { leaderId: 1, leaderEpoch: 4, voters: [0, 1, 2] };
    expect(clusterStatus({ cluster, clusterId: "id", nodes, livePod: () => readyPod(true), operations: [], quorum, nowMs: NOW }).quorum).toEqual(quorum);
    const stale = { ...cluster, status: { quorum } };
    expect(clusterStatus({ cluster: stale, clusterId: "id", nodes, livePod: () => readyPod(true), operations: [], nowMs: NOW }).quorum).toBeUndefined();
  });

  it("keeps lastTransitionTime when nothing flips (a repeat writes nothing)", () => {
    const first = clusterStatus({ cluster, clusterId: "id", nodes, livePod: () => readyPod(true), operations: [], nowMs: NOW });
    const again = clusterStatus({ cluster: { ...cluster, status: first }, clusterId: "id", nodes, livePod: () => readyPod(true), operations: [], nowMs: NOW + 60_000 });
    expect(again).toEqual(first);
  });

  it("external listeners list every broker's known address; waiting Services come first in Reconciling", () => {
    const withExternal = { ...cluster, spec: { ...cluster.spec, listeners: [...cluster.spec.listeners, { name: "ext", port: 9094, type: "nodeport" as const, tls: true }] } };
    const externalBootstrap = new Map([["ext", ["10.1.2.3:31234", "10.1.2.4:31235"]]]);
    const s = clusterStatus({ cluster: withExternal, clusterId: "id", nodes, livePod: () => readyPod(true), operations: [], externalBootstrap, nowMs: NOW });
    expect(s.listeners).toEqual([
      { name: "internal", type: "internal", bootstrapServers: "demo-bootstrap.kafka.svc:9093" },
      { name: "ext", type: "nodeport", bootstrapServers: "10.1.2.3:31234,10.1.2.4:31235" },
    ]);
    const waiting = clusterStatus({ cluster: withExternal, clusterId: "id", nodes, livePod: () => undefined, operations: [], waitingForAddresses: ["demo-ext-3"], nowMs: NOW });
    expect(waiting.listeners?.[1]?.bootstrapServers).toBe("");
    const reconciling = waiting.conditions?.find((c) => c.type === "Reconciling");
    expect(reconciling).toMatchObject({ status: "True", reason: "WaitingForExternalAddresses" });
    expect(reconciling?.message).toContain("demo-ext-3");
  });
});
