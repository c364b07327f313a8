import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { PlannedNode } from "./node-layout.js";
import { POD_HASH_ANNOTATION } from "./node-pod.js";
import { planRestarts, type NodePods } from "./rolling-restart.js";

const node = (nodeId: number, roles: PlannedNode["roles"]): PlannedNode => ({ pool: roles.join(""), nodeId, roles, podName: `p-${nodeId}` });
const pod = (hash: string, ready: boolean, deleting = false): V1Pod => ({
  metadata: { annotations: { [POD_HASH_ANNOTATION]: hash }, ...(deleting ? { deletionTimestamp: new Date() } : {}) },
  status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});
const entry = (n: PlannedNode, live: V1Pod | undefined, want = "new"): NodePods => ({ node: n, desired: pod(want, false), live });

describe("planRestarts", () => {
  const b3 = node(3, ["broker"]);
  const c0 = node(0, ["controller"]);
  const c1 = node(1, ["controller"]);

  it("creates missing Pods at once", () => {
    const plan = planRestarts([entry(c0, undefined), entry(c1, undefined), entry(b3, pod("new", true))]);
    expect(plan.create.map((p) => p.node.nodeId)).toEqual([0, 1]);
    expect(plan.replaceNow).toBeUndefined();
  });

  it("replaces one outdated Pod, controllers first, when all others are Ready", () => {
    const plan = planRestarts([entry(b3, pod("old", true)), entry(c1, pod("old", true)), entry(c0, pod("old", true))]);
    expect(plan.outdated.map((p) => p.node.nodeId)).toEqual([0, 1, 3]);
    expect(plan.replaceNow?.node.nodeId).toBe(0);
  });

  it("waits while another node is not Ready", () => {
    const plan = planRestarts([entry(c0, pod("new", false)), entry(c1, pod("old", true)), entry(b3, pod("old", true))]);
    expect(plan.replaceNow).toBeUndefined();
    expect(plan.waitingFor).toContain("p-0");
  });

  it("an unready outdated Pod may be replaced itself when the others are Ready", () => {
    const plan = planRestarts([entry(c0, pod("new", true)), entry(c1, pod("old", false)), entry(b3, pod("new", true))]);
    expect(plan.replaceNow?.node.nodeId).toBe(1);
  });

  it("waits for a terminating Pod", () => {
    const plan = planRestarts([entry(c0, pod("old", true, true)), entry(c1, pod("old", true))]);
    expect(plan.replaceNow).toBeUndefined();
    expect(plan.waitingFor).toContain("terminate");
  });

  it("nothing to do when every Pod is current", () => {
    expect(planRestarts([entry(c0, pod("new", false))])).toEqual({ create: [], outdated: [], replaceNow: undefined });
  });
});
