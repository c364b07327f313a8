import { describe, expect, it } from "vitest";
import { desiredNetworkPolicies } from "./network-policies.js";
import { planNodes } from "./node-layout.js";
import { podDisruptionBudget } from "./pod-disruption-budget.js";
import { desiredServices } from "./services.js";
import { exampleCluster } from "./test-fixtures.js";

describe("Services, PDB and NetworkPolicies", () => {
  const cluster = exampleCluster("kafka");
  const { nodes } = planNodes("demo", cluster.spec, []);

  it("headless nodes Service and bootstrap Service; per-broker Services only for external listeners", () => {
    const internal = desiredServices("demo", "kafka", cluster.spec.listeners, nodes);
    expect(internal.map((s) => s.metadata!.name)).toEqual(["demo-nodes", "demo-bootstrap"]);
    expect(internal[0]!.spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true, selector: { "kafka.millrace.dev/cluster": "demo" } });
    expect(internal[1]!.spec!.ports!.map((p) => [p.name, p.port])).toEqual([
      ["replication", 9091],
      ["internal", 9093],
    ]);
    const external = desiredServices("demo", "kafka", [...cluster.spec.listeners, { name: "ext", port: 9094, type: "nodeport" }], nodes);
    expect(external.slice(2).map((s) => [s.metadata!.name, s.spec!.type, s.spec!.selector!["kafka.millrace.dev/node-id"]])).toEqual([
      ["demo-ext-3", "NodePort", "3"],
      ["demo-ext-4", "NodePort", "4"],
      ["demo-ext-5", "NodePort", "5"],
    ]);
  });

  it("PDB: at most one node unavailable", () => {
    expect(podDisruptionBudget("demo", "kafka").spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "kafka.millrace.dev/cluster": "demo" } } });
  });

  it("NetworkPolicies: controller from nodes, replication from nodes and the operator, client listeners and health open", () => {
    const policies = desiredNetworkPolicies("demo", "kafka", cluster.spec.listeners);
    const byName = Object.fromEntries(policies.map((p) => [p.metadata!.name, p.spec!]));
    expect(Object.keys(byName)).toEqual(["demo-controller", "demo-replication", "demo-internal", "demo-health-port"]);
    expect(byName["demo-controller"]).toEqual({
      podSelector: { matchLabels: { "kafka.millrace.dev/cluster": "demo", "kafka.millrace.dev/controller": "true" } },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ protocol: "TCP", port: 9090 }], from: [{ podSelector: { matchLabels: { "kafka.millrace.dev/cluster": "demo" } } }] }],
    });
    expect(byName["demo-replication"]!.ingress![0]!.from).toHaveLength(2);
    expect(byName["demo-internal"]!.ingress).toEqual([{ ports: [{ protocol: "TCP", port: 9093 }] }]);
  });
});
