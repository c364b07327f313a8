import { describe, expect, it } from "vitest";
import { planNodes, quorumVoters } from "./node-layout.js";
import { exampleCluster } from "./test-fixtures.js";

describe("planNodes", () => {
  const spec = exampleCluster().spec;

  it("gives a fresh cluster ids 0.. in pool order, zones round robin", () => {
    const { nodes, removed } = planNodes("demo", spec, []);
    expect(nodes.map((n) => [n.podName, n.nodeId, n.zone, n.roles.join()])).toEqual([
      ["demo-controllers-0", 0, "zone-a", "controller"],
      ["demo-controllers-1", 1, "zone-b", "controller"],
      ["demo-controllers-2", 2, "zone-c", "controller"],
      ["demo-brokers-3", 3, "zone-a", "broker"],
      ["demo-brokers-4", 4, "zone-b", "broker"],
      ["demo-brokers-5", 5, "zone-c", "broker"],
    ]);
    expect(removed).toEqual([]);
    expect(quorumVoters(nodes).map((n) => n.nodeId)).toEqual([0, 1, 2]);
  });

  it("keeps live ids: growing the controllers does not renumber the brokers", () => {
    const live = [0, 1, 2].map((nodeId) => ({ pool: "controllers", nodeId })).concat([3, 4, 5].map((nodeId) => ({ pool: "brokers", nodeId })));
    const grown = { nodePools: spec.nodePools.map((p) => (p.name === "controllers" ? { ...p, replicas: 4 } : p)) };
    const { nodes } = planNodes("demo", grown, live);
    expect(nodes.map((n) => `${n.pool}-${n.nodeId}`)).toEqual(["controllers-0", "controllers-1", "controllers-2", "controllers-6", "brokers-3", "brokers-4", "brokers-5"]);
    expect(nodes.find((n) => n.nodeId === 6)?.zone).toBe("zone-a");
  });

  it("shrinks a pool from its highest ids and reports them removed; a removed pool's nodes too", () => {
    const live = [0, 1, 2].map((nodeId) => ({ pool: "controllers", nodeId })).concat([3, 4, 5].map((nodeId) => ({ pool: "brokers", nodeId })), [{ pool: "old", nodeId: 9 }]);
    const shrunk = { nodePools: spec.nodePools.map((p) => (p.name === "brokers" ? { ...p, replicas: 2 } : p)) };
    const { nodes, removed } = planNodes("demo", shrunk, live);
    expect(nodes.map((n) => n.nodeId)).toEqual([0, 1, 2, 3, 4]);
    expect(removed).toEqual([
      { pool: "brokers", nodeId: 5 },
      { pool: "old", nodeId: 9 },
    ]);
  });

  it("reuses the lowest free id, never one another live node (even a leftover volume) holds", () => {
    const live = [
      { pool: "controllers", nodeId: 0 },
      { pool: "brokers", nodeId: 2 },
    ];
    const { nodes } = planNodes("demo", spec, live);
    expect(nodes.map((n) => `${n.pool}-${n.nodeId}`)).toEqual(["controllers-0", "controllers-1", "controllers-3", "brokers-2", "brokers-4", "brokers-5"]);
  });

  it("leaves zone out when the pool has none", () => {
    const { nodes } = planNodes("demo", { nodePools: [{ name: "all", roles: ["controller", "broker"], replicas: 1, storage: { size: "1Gi" } }] }, []);
    expect(nodes).toEqual([{ pool: "all", nodeId: 0, roles: ["broker", "controller"], podName: "demo-all-0" }]);
  });
});
