import { describe, expect, it } from "vitest";
import { CLUSTER_ID_ANNOTATION, newClusterId, resolveClusterId } from "./cluster-id.js";

describe("cluster id", () => {
  it("is a 22-character base64url Kafka Uuid not starting with '-'", () => {
    for (let i = 0; i < 50; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    let calls = 0;
    const id = newClusterId(() => (calls++ === 0 ? Buffer.from("f8" + "00".repeat(15), "hex") : Buffer.alloc(16, 1)));
    expect(calls).toBe(2);
    expect(id).toBe(Buffer.alloc(16, 1).toString("base64url"));
  });

  it("comes from status, else an annotation, else is new", () => {
    const id = "MkU3OEVBNTcwNTJENDM2Qk";
    const annotated = { metadata: { name: "demo-brokers-3", annotations: { [CLUSTER_ID_ANNOTATION]: id } } };
    expect(resolveClusterId({ statusClusterId: id, configMaps: [], claims: [] })).toEqual({ clusterId: id, source: "status" });
    expect(resolveClusterId({ configMaps: [annotated], claims: [] })).toEqual({ clusterId: id, source: "annotation" });
    expect(resolveClusterId({ configMaps: [], claims: [annotated] })).toEqual({ clusterId: id, source: "annotation" });
    expect(resolveClusterId({ configMaps: [], claims: [], generate: () => "new" })).toEqual({ clusterId: "new", source: "new" });
  });

  it("is never new while a volume exists without one", () => {
    const r = resolveClusterId({ configMaps: [], claims: [{ metadata: { name: "data-demo-brokers-3" } }] });
    expect("refused" in r && r.refused).toContain("data-demo-brokers-3");
  });
});
