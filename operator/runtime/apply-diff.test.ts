import { describe, expect, it } from "vitest";
import { APPLIED_HASH_ANNOTATION, appliedHash, canonicalJson, containsDesired, isUpToDate, withAppliedHash } from "./apply-diff.js";
import type { KubeObject } from "./resource-type.js";

const desired: KubeObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "bootstrap", namespace: "kafka", labels: { app: "millrace" } },
  spec: { selector: { app: "millrace" }, ports: [{ name: "kafka", port: 9092 }] },
};

// What the API server hands back: defaults, metadata and fields of other managers added.
function live(from: KubeObject): KubeObject {
  const d = JSON.parse(JSON.stringify(from)) as KubeObject & { spec: { ports: Record<string, unknown>[] } };
  return {
    ...d,
    metadata: { ...d.metadata, uid: "u1", resourceVersion: "42", labels: { ...d.metadata?.labels, team: "data" } },
    spec: { ...d.spec, type: "ClusterIP", clusterIP: "10.96.0.10", ports: d.spec.ports.map((p) => ({ ...p, protocol: "TCP", targetPort: 9092 })) },
    status: { loadBalancer: {} },
  };
}

describe("apply diff", () => {
  it("an object holding every desired field (plus defaults and others' fields) is up to date", () => {
    const d = withAppliedHash(desired);
    expect(isUpToDate(d, live(d))).toBe(true);
  });

  it("a drifted value, a missing list element or an absent object is not", () => {
    const d = withAppliedHash(desired);
    const drifted = live(d) as KubeObject & { spec: { ports: { port: number }[] } };
    drifted.spec.ports[0]!.port = 9093;
    expect(isUpToDate(d, drifted)).toBe(false);
    const shorter = live(d) as KubeObject & { spec: { ports: unknown[] } };
    shorter.spec.ports = [];
    expect(isUpToDate(d, shorter)).toBe(false);
    expect(isUpToDate(d, undefined)).toBe(false);
  });

  it("a field we stop setting changes the applied hash, so the object is applied again", () => {
    const before = withAppliedHash(desired);
    const after = withAppliedHash({ ...desired, metadata: { ...desired.metadata, labels: {} } });
    expect(containsDesired(after, live(before))).toBe(false);
    expect(after.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]).not.toBe(before.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]);
  });

  it("the hash ignores key order and its own annotation", () => {
    const reordered: KubeObject = { kind: "Service", apiVersion: "v1", spec: desired.spec, metadata: desired.metadata };
    expect(appliedHash(reordered)).toBe(appliedHash(desired));
    expect(appliedHash(withAppliedHash(desired))).toBe(appliedHash(desired));
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it("compares scalars strictly and null as absent", () => {
    expect(containsDesired({ a: 1 }, { a: "1" })).toBe(false);
    expect(containsDesired({ a: null }, {})).toBe(true);
    expect(containsDesired({ a: { b: 1 } }, { a: [1] })).toBe(false);
  });
});
