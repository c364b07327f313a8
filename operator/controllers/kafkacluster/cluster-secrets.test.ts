import type { V1Secret } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { certificateInfo } from "../../pki/certificate-info.js";
import { desiredClusterSecrets, type DesiredSecret, type SubjectAltNames } from "../../pki/cluster-certificates.js";
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

describe("node certificates of external listeners", () => {
  const secrets = new Map<string, V1Secret>();
  const now = new Date("2026-12-01T00:00:00Z");
  const desired = (extra?: SubjectAltNames) =>
    desiredClusterSecrets({
      clusterName: "demo",
      namespace: "kafka",
      clusterCa: { validityDays: 365, renewalDays: 30 },
      clientsCa: { validityDays: 365, renewalDays: 30 },
      nodes: [{ pool: "brokers", nodeId: 3, ...(extra ? { extraSubjectAltNames: extra } : {}) }],
      existing: (name) => secrets.get(name),
      now,
    });
  const store = (all: DesiredSecret[]) => {
    for (const d of all) secrets.set(d.name, { metadata: { name: d.name }, data: { ...d.data } });
    return all.find((d) => d.name === "demo-brokers-3-certs")!;
  };
  const sans = (d: DesiredSecret) => {
    const info = certificateInfo(Buffer.from(d.data["tls.crt"]!, "base64").toString());
    return { ipAddresses: info.ipAddresses, dnsNames: info.dnsNames };
  };

  it("carry the node's external IPs and DNS names, stay while unchanged, are reissued when they change", async () => {
    const first = store(await desired());
    expect(sans(first).ipAddresses).toEqual([]);

    const withIp = store(await desired({ ipAddresses: ["10.1.2.3"], dnsNames: ["a1.elb.example.com"] }));
    expect(withIp).toMatchObject({ reason: "renewed", detail: "the subject alternative names changed" });
    expect(sans(withIp).ipAddresses).toEqual(["10.1.2.3"]);
    expect(sans(withIp).dnsNames).toContain("a1.elb.example.com");
    expect(sans(withIp).dnsNames).toContain("demo-brokers-3.demo-nodes.kafka.svc");

    const again = store(await desired({ ipAddresses: ["10.1.2.3"], dnsNames: ["a1.elb.example.com"] }));
    expect(again.reason).toBe("unchanged");
    expect(again.data["tls.crt"]).toBe(withIp.data["tls.crt"]);

    const moved = store(await desired({ ipAddresses: ["10.1.2.4"] }));
    expect(moved.reason).toBe("renewed");
    expect(sans(moved).ipAddresses).toEqual(["10.1.2.4"]);
  });
});
