import { describe, expect, it } from "vitest";
import { levelKey, resolveQuota, type QuotaLevel } from "./quota-resolution.js";

/** Limits configured at the given levels, as "user/client" with "*" default and "-" absent. */
function configured(levels: Record<string, number>): (l: QuotaLevel) => number | undefined {
  const map = new Map<string, number>();
  for (const [spec, limit] of Object.entries(levels)) {
    const [u, c] = spec.split("/") as [string, string];
    const part = (p: string) => (p === "-" ? undefined : p === "*" ? null : p);
    map.set(levelKey(part(u), part(c)), limit);
  }
  return (l) => map.get(levelKey(l.user, l.clientId));
}

describe("quota precedence (Kafka's ClientQuotaManager order)", () => {
  const all = {
    "alice/app": 1,
    "alice/*": 2,
    "alice/-": 3,
    "*/app": 4,
    "*/*": 5,
    "*/-": 6,
    "-/app": 7,
    "-/*": 8,
  };
  const order = Object.keys(all);

  it.each(order.map((spec, i) => [spec, i + 1]))("with every level above it removed, %s applies", (spec, limit) => {
    const levels = Object.fromEntries(order.slice(order.indexOf(spec as string)).map((s) => [s, all[s as keyof typeof all]]));
    expect(resolveQuota(configured(levels), "alice", "app")?.limit).toBe(limit);
  });

  it("says who shares the measured rate", () => {
    expect(resolveQuota(configured({ "alice/app": 1 }), "alice", "app")).toEqual({ limit: 1, userTag: "alice", clientTag: "app" });
    expect(resolveQuota(configured({ "alice/-": 1 }), "alice", "app")).toEqual({ limit: 1, userTag: "alice", clientTag: "" });
    expect(resolveQuota(configured({ "*/-": 1 }), "bob", "app")).toEqual({ limit: 1, userTag: "bob", clientTag: "" });
    expect(resolveQuota(configured({ "-/*": 1 }), "ANONYMOUS", "x")).toEqual({ limit: 1, userTag: "", clientTag: "x" });
  });

  it("applies nothing when no level matches", () => {
    expect(resolveQuota(configured({ "bob/-": 1, "-/other": 2 }), "alice", "app")).toBeNull();
  });

  it("matches a named client id or user exactly", () => {
    expect(resolveQuota(configured({ "-/app": 7 }), "alice", "app2")).toBeNull();
    expect(resolveQuota(configured({ "alice/-": 3 }), "alice2", "app")).toBeNull();
  });
});
