import { describe, expect, it } from "vitest";
import { findCondition, markDegraded, markReady, markReconciling, setCondition } from "./conditions.js";
import { formatMicroTime, formatTime } from "./kube-time.js";

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0, 456);
const T1 = T0 + 60_000;

describe("conditions", () => {
  it("keeps lastTransitionTime while the status stays, changes it when the status flips", () => {
    let c = setCondition(undefined, { type: "Ready", status: "False", reason: "Creating", message: "0/3 brokers" }, T0);
    expect(c).toEqual([{ type: "Ready", status: "False", reason: "Creating", message: "0/3 brokers", lastTransitionTime: "2026-01-01T10:00:00Z" }]);
    c = setCondition(c, { type: "Ready", status: "False", reason: "Creating", message: "2/3 brokers", observedGeneration: 2 }, T1);
    expect(findCondition(c, "Ready")).toMatchObject({ message: "2/3 brokers", lastTransitionTime: "2026-01-01T10:00:00Z", observedGeneration: 2 });
    c = setCondition(c, { type: "Ready", status: "True", reason: "Ready", message: "3/3 brokers" }, T1);
    expect(findCondition(c, "Ready")?.lastTransitionTime).toBe("2026-01-01T10:01:00Z");
  });

  it("writes second-precision times (metav1.Time) so a round trip compares equal", () => {
    expect(formatTime(T0)).toBe("2026-01-01T10:00:00Z");
    expect(formatMicroTime(T0)).toBe("2026-01-01T10:00:00.456000Z");
  });

  it("Ready / Reconciling / Degraded helpers set the three types consistently", () => {
    let c = markReconciling(undefined, "Scaling", "adding broker 3", 4, T0);
    expect(c.map((x) => [x.type, x.status])).toEqual([
      ["Reconciling", "True"],
      ["Ready", "False"],
    ]);
    c = markReady(c, "Ready", "all brokers ready", 4, T1);
    expect(c.map((x) => [x.type, x.status, x.observedGeneration])).toEqual([
      ["Reconciling", "False", 4],
      ["Ready", "True", 4],
      ["Degraded", "False", 4],
    ]);
    const again = markReady(c, "Ready", "all brokers ready", 4, T1 + 3_600_000);
    expect(again).toEqual(c); // nothing flipped: identical, so the status writer writes nothing
    c = markDegraded(c, "InvalidSpec", "listeners is operator-owned", 5, T1 + 1000);
    expect(findCondition(c, "Degraded")).toMatchObject({ status: "True", reason: "InvalidSpec", observedGeneration: 5 });
    expect(findCondition(c, "Ready")).toMatchObject({ status: "False", message: "listeners is operator-owned" });
  });

  it("refuses a reason that is not CamelCase", () => {
    expect(() => setCondition([], { type: "Ready", status: "True", reason: "all good" })).toThrow(/CamelCase/);
  });
});
