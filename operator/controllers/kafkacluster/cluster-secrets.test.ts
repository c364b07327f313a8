import { describe, expect, it } from "vitest";
import { clusterSecret, KEYSTORE_KEY } from "./cluster-secrets.js";
import { planNodes } from "./node-layout.js";
import { exampleCluster } from "./test-fixtures.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("clusterSecret", () => {
  const { nodes } = planNodes("demo", exampleCluster().spec, []);

  it("a node's Secret gets the node's labels and keystore.pem = key then certificate", () => {
    const s = clusterSecret("demo", "kafka", { name: "demo-brokers-3-certs", data: { "tls.key": b64("KEY"), "tls.crt": b64("CERT\n"), "ca.crt": b64("CA") }, type: "kubernetes.io/tls" }, nodes);
    expect(Buffer.from(s.data![KEYSTORE_KEY]!, "base64").toString()).toBe("KEY\nCERT\n");
    expect(s.metadata!.labels).toMatchObject({ "kafka.millrace.dev/node-id": "3", "kafka.millrace.dev/pool": "brokers" });
    expect(s.type).toBe("kubernetes.io/tls");
  });

  it("other Secrets keep their data as it is, with the cluster's labels", () => {
    const s = clusterSecret("demo", "kafka", { name: "demo-cluster-ca-cert", data: { "ca.crt": b64("CA") } }, nodes);
    expect(s.data).toEqual({ "ca.crt": b64("CA") });
    expect(s.metadata!.labels!["kafka.millrace.dev/node-id"]).toBeUndefined();
    expect(s.metadata!.labels!["kafka.millrace.dev/cluster"]).toBe("demo");
  });

  it("a node Secret without key or certificate is an error", () => {
    expect(() => clusterSecret("demo", "kafka", { name: "demo-brokers-3-certs", data: {} }, nodes)).toThrow("no tls.key/tls.crt");
  });
});
