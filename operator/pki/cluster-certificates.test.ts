import type { V1Secret } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { certificateInfo, createCertificateAuthority } from "./certificate-authority.js";
import { splitCertificateBundle } from "./certificate-info.js";
import {
  CertificateSettingsError,
  certificateAuthorityFromSecret,
  desiredClusterSecrets,
  issueUserCertificate,
  nodePrincipal,
  operatorPrincipal,
  userCertificateProblem,
  type ClusterCertificateInput,
  type DesiredSecret,
} from "./cluster-certificates.js";

const NOW = new Date("2026-06-01T00:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const later = (days: number): Date => new Date(NOW.getTime() + days * DAY);

/** The Secrets as the API server would hold them after the reconciler applied the desired ones. */
class SecretStore {
  readonly secrets = new Map<string, V1Secret>();
  readonly existing = (name: string): V1Secret | undefined => this.secrets.get(name);
  store(desired: DesiredSecret[]): void {
    for (const d of desired) this.secrets.set(d.name, { metadata: { name: d.name }, type: d.type, data: { ...d.data } });
  }
  text(name: string, key: string): string {
    return Buffer.from(this.secrets.get(name)!.data![key]!, "base64").toString("utf8");
  }
}

function input(store: SecretStore, overrides: Partial<ClusterCertificateInput> = {}): ClusterCertificateInput {
  return {
    clusterName: "demo",
    namespace: "kafka",
    clusterCa: { validityDays: 365, renewalDays: 30 },
    clientsCa: { validityDays: 365, renewalDays: 30 },
    nodes: [
      { pool: "a", nodeId: 0 },
      { pool: "a", nodeId: 1 },
    ],
    existing: store.existing,
    now: NOW,
    ...overrides,
  };
}

const reasons = (secrets: DesiredSecret[]): Record<string, string | undefined> => Object.fromEntries(secrets.map((s) => [s.name, s.reason]));

describe("desiredClusterSecrets", () => {
  it("creates the CAs, their trust bundles, a certificate per node and the operator's", async () => {
    const store = new SecretStore();
    const secrets = await desiredClusterSecrets(input(store));
    expect(reasons(secrets)).toEqual({
      "demo-cluster-ca": "created",
      "demo-cluster-ca-cert": "created",
      "demo-clients-ca": "created",
      "demo-clients-ca-cert": "created",
      "demo-a-0-certs": "created",
      "demo-a-1-certs": "created",
      "demo-operator-certs": "created",
    });
    store.store(secrets);
    const caPem = store.text("demo-cluster-ca", "tls.crt");
    expect(certificateInfo(caPem).subject).toBe("CN=demo-cluster-ca v0,O=millrace.dev");
    expect(store.text("demo-cluster-ca-cert", "ca.crt")).toBe(caPem);
    expect(Object.keys(store.secrets.get("demo-cluster-ca-cert")!.data!)).toEqual(["ca.crt"]);

    const node = certificateInfo(store.text("demo-a-1-certs", "tls.crt"));
    expect(node.subject).toBe("CN=demo-node,O=millrace.dev");
    expect(`User:${node.subject}`).toBe(nodePrincipal("demo"));
    expect(node.issuerMatches(caPem)).toBe(true);
    expect(node.keyMatches(store.text("demo-a-1-certs", "tls.key"))).toBe(true);
    expect(store.text("demo-a-1-certs", "ca.crt")).toBe(caPem);
    expect(node.dnsNames.sort()).toEqual(
      [
        "demo-a-1.demo-nodes.kafka.svc",
        "demo-a-1.demo-nodes.kafka.svc.cluster.local",
        "demo-bootstrap",
        "demo-bootstrap.kafka",
        "demo-bootstrap.kafka.svc",
        "demo-bootstrap.kafka.svc.cluster.local",
        "demo-a-1",
      ].sort(),
    );
    const operator = certificateInfo(store.text("demo-operator-certs", "tls.crt"));
    expect(`User:${operator.subject}`).toBe(operatorPrincipal("demo"));
    expect(operator.dnsNames).toEqual([]);
    // Leaves live as long as the CA (365 days from now), never past it.
    expect(node.notAfter.getTime()).toBe(certificateInfo(caPem).notAfter.getTime());
    // The clients CA is a different CA.
    expect(certificateInfo(store.text("demo-clients-ca", "tls.crt")).subject).toBe("CN=demo-clients-ca v0,O=millrace.dev");
    expect(node.issuerMatches(store.text("demo-clients-ca", "tls.crt"))).toBe(false);
    for (const s of secrets) expect(s.type).toBe(s.data["tls.key"] ? "kubernetes.io/tls" : undefined);
  });

  it("is stable: the same world twice gives byte-identical data and nothing to write", async () => {
    const store = new SecretStore();
    store.store(await desiredClusterSecrets(input(store)));
    const before = new Map([...store.secrets].map(([k, v]) => [k, JSON.stringify(v.data)]));
    const again = await desiredClusterSecrets(input(store, { now: later(100) }));
    expect(new Set(again.map((s) => s.reason))).toEqual(new Set(["unchanged"]));
    for (const s of again) expect(JSON.stringify(s.data)).toBe(before.get(s.name));
  });

  it("a node added: only its Secret is new", async () => {
    const store = new SecretStore();
    store.store(await desiredClusterSecrets(input(store)));
    const more = await desiredClusterSecrets(input(store, { nodes: [...input(store).nodes, { pool: "b", nodeId: 2 }] }));
    const changed = more.filter((s) => s.reason !== "unchanged");
    expect(changed.map((s) => [s.name, s.reason])).toEqual([["demo-b-2-certs", "created"]]);
  });

  it("SANs changed (another namespace): node certificates reissued under the same CA", async () => {
    const store = new SecretStore();
    store.store(await desiredClusterSecrets(input(store)));
    const moved = await desiredClusterSecrets(input(store, { namespace: "other" }));
    const node = moved.find((s) => s.name === "demo-a-0-certs")!;
    expect(node.reason).toBe("renewed");
    expect(node.detail).toMatch(/subject alternative names/);
    expect(moved.find((s) => s.name === "demo-cluster-ca")!.reason).toBe("unchanged");
    expect(moved.find((s) => s.name === "demo-operator-certs")!.reason).toBe("unchanged");
  });

  it("renews a leaf in its renewal window, under the same CA", async () => {
    const store = new SecretStore();
    // A long-lived CA and short-lived leaves? Leaves follow the CA's validity; make the node's secret old instead.
    store.store(await desiredClusterSecrets(input(store, { clusterCa: { validityDays: 365, renewalDays: 30 } })));
    const ca = certificateAuthorityFromSecret(store.secrets.get("demo-cluster-ca"))!;
    // A leaf issued 340 days ago would expire (capped) with the CA anyway; so re-issue one short-lived by hand.
    const { issueCertificate } = await import("./certificate-authority.js");
    const short = await issueCertificate(ca, { subject: "CN=demo-operator,O=millrace.dev", usage: "client", validityDays: 40 }, NOW);
    store.secrets.get("demo-operator-certs")!.data!["tls.crt"] = Buffer.from(short.certPem).toString("base64");
    store.secrets.get("demo-operator-certs")!.data!["tls.key"] = Buffer.from(short.keyPem).toString("base64");
    expect((await desiredClusterSecrets(input(store, { now: later(9) }))).find((s) => s.name === "demo-operator-certs")!.reason).toBe("unchanged");
    const renewed = (await desiredClusterSecrets(input(store, { now: later(11) }))).find((s) => s.name === "demo-operator-certs")!;
    expect(renewed.reason).toBe("renewed");
    expect(renewed.detail).toMatch(/within 30 days/);
    const info = certificateInfo(Buffer.from(renewed.data["tls.crt"]!, "base64").toString());
    expect(info.issuerMatches(ca.certPem)).toBe(true);
    expect(info.notAfter.getTime()).toBe(certificateInfo(ca.certPem).notAfter.getTime());
  });

  it("CA renewal: a new CA in every trust bundle at once, leaves handed over halfway through the window, the old CA dropped once expired", async () => {
    const store = new SecretStore();
    store.store(await desiredClusterSecrets(input(store)));
    const oldCa = store.text("demo-cluster-ca", "tls.crt");
    const oldNodeCert = store.text("demo-a-0-certs", "tls.crt");
    // Day 340: within 30 days of the CA's expiry (day 365).
    const renewal = await desiredClusterSecrets(input(store, { now: later(340) }));
    const r = reasons(renewal);
    expect(r["demo-cluster-ca"]).toBe("renewed");
    expect(r["demo-clients-ca"]).toBe("renewed");
    expect(renewal.find((s) => s.name === "demo-a-0-certs")!.detail).toBe("the CA's trust bundle changed");
    store.store(renewal);
    const newCa = store.text("demo-cluster-ca", "tls.crt");
    expect(certificateInfo(newCa).subject).toBe("CN=demo-cluster-ca v1,O=millrace.dev");
    expect(certificateInfo(newCa).notAfter.getTime()).toBe(later(340 + 365).getTime());
    for (const name of ["demo-cluster-ca-cert", "demo-a-0-certs", "demo-operator-certs"]) {
      expect(splitCertificateBundle(store.text(name, "ca.crt")), name).toEqual([newCa, oldCa]);
    }
    expect(splitCertificateBundle(store.text("demo-cluster-ca", "previous-ca.crt"))).toEqual([oldCa]);
    // Phase 1: the nodes keep their old-CA certificates, so clients that trust only the old CA still connect.
    expect(store.text("demo-a-0-certs", "tls.crt")).toBe(oldNodeCert);
    expect(new Set((await desiredClusterSecrets(input(store, { now: later(349) }))).map((s) => s.reason))).toEqual(new Set(["unchanged"]));
    // Phase 2 (day 350, half the window left): certificates reissued under the new CA, both CAs still trusted.
    const handover = await desiredClusterSecrets(input(store, { now: later(351) }));
    expect(handover.find((s) => s.name === "demo-a-0-certs")!.detail).toMatch(/handed over to the new CA/);
    expect(reasons(handover)["demo-cluster-ca"]).toBe("unchanged");
    store.store(handover);
    expect(certificateInfo(store.text("demo-a-0-certs", "tls.crt")).issuerMatches(newCa)).toBe(true);
    expect(certificateInfo(store.text("demo-operator-certs", "tls.crt")).issuerMatches(newCa)).toBe(true);
    expect(splitCertificateBundle(store.text("demo-a-0-certs", "ca.crt"))).toEqual([newCa, oldCa]);
    expect(new Set((await desiredClusterSecrets(input(store, { now: later(360) }))).map((s) => s.reason))).toEqual(new Set(["unchanged"]));
    // Phase 3: the old CA has expired and leaves the bundles; the certificates stay.
    const pruned = await desiredClusterSecrets(input(store, { now: later(366) }));
    expect(pruned.filter((s) => s.reason !== "unchanged").map((s) => s.detail)).toEqual([
      "an expired previous CA certificate left the trust bundle",
      "the CA's trust bundle changed",
      "an expired previous CA certificate left the trust bundle",
      "the CA's trust bundle changed",
      "the CA's trust bundle changed",
      "the CA's trust bundle changed",
      "the CA's trust bundle changed",
    ]);
    store.store(pruned);
    expect(splitCertificateBundle(store.text("demo-cluster-ca-cert", "ca.crt"))).toEqual([newCa]);
    expect(splitCertificateBundle(store.text("demo-a-0-certs", "ca.crt"))).toEqual([newCa]);
    expect(store.secrets.get("demo-cluster-ca")!.data!["previous-ca.crt"]).toBeUndefined();
    expect(new Set((await desiredClusterSecrets(input(store, { now: later(367) }))).map((s) => s.reason))).toEqual(new Set(["unchanged"]));
  });

  it("a new node during the hand-over gets a certificate of the new CA", async () => {
    const store = new SecretStore();
    store.store(await desiredClusterSecrets(input(store)));
    store.store(await desiredClusterSecrets(input(store, { now: later(340) })));
    const secrets = await desiredClusterSecrets(input(store, { now: later(341), nodes: [...input(store).nodes, { pool: "b", nodeId: 2 }] }));
    store.store(secrets);
    expect(certificateInfo(store.text("demo-b-2-certs", "tls.crt")).issuerMatches(store.text("demo-cluster-ca", "tls.crt"))).toBe(true);
    expect(secrets.filter((s) => s.reason !== "unchanged").map((s) => s.name)).toEqual(["demo-b-2-certs"]);
  });

  it("a bad PEM in an existing Secret is reissued, with the reason", async () => {
    const store = new SecretStore();
    store.store(await desiredClusterSecrets(input(store)));
    store.secrets.get("demo-a-0-certs")!.data!["tls.crt"] = Buffer.from("not a certificate").toString("base64");
    store.secrets.get("demo-a-1-certs")!.data!["tls.key"] = Buffer.from((await createCertificateAuthority("x", 1, NOW)).keyPem).toString("base64");
    const logged: unknown[] = [];
    const log = { warn: (o: unknown) => logged.push(o), info: () => {} } as never;
    const secrets = await desiredClusterSecrets(input(store, { log }));
    const a0 = secrets.find((s) => s.name === "demo-a-0-certs")!;
    expect(a0.reason).toBe("renewed");
    expect(a0.detail).toMatch(/tls\.crt: not a PEM certificate/);
    expect(secrets.find((s) => s.name === "demo-a-1-certs")!.detail).toMatch(/tls\.key is not the key of tls\.crt/);
    expect(logged).toContainEqual(expect.objectContaining({ secret: "demo-a-0-certs" }));
    expect(logged).toContainEqual(expect.objectContaining({ secret: "demo-a-1-certs" }));
    expect(logged).toHaveLength(2);
    store.store(secrets);
    expect(certificateInfo(store.text("demo-a-0-certs", "tls.crt")).subject).toBe("CN=demo-node,O=millrace.dev");
  });

  it("a broken CA key gets a new CA, the old certificate stays trusted; a deleted CA Secret starts over", async () => {
    const store = new SecretStore();
    store.store(await desiredClusterSecrets(input(store)));
    const oldCa = store.text("demo-cluster-ca", "tls.crt");
    store.secrets.get("demo-cluster-ca")!.data!["tls.key"] = Buffer.from("garbage").toString("base64");
    const secrets = await desiredClusterSecrets(input(store));
    const ca = secrets.find((s) => s.name === "demo-cluster-ca")!;
    expect(ca.reason).toBe("renewed");
    expect(ca.detail).toMatch(/tls\.key is not the key of tls\.crt/);
    store.store(secrets);
    expect(certificateInfo(store.text("demo-cluster-ca", "tls.crt")).subject).toBe("CN=demo-cluster-ca v1,O=millrace.dev");
    expect(splitCertificateBundle(store.text("demo-a-0-certs", "ca.crt"))[1]).toBe(oldCa);
    expect(reasons(secrets)["demo-clients-ca"]).toBe("unchanged");

    store.secrets.delete("demo-cluster-ca");
    const fresh = await desiredClusterSecrets(input(store));
    expect(reasons(fresh)["demo-cluster-ca"]).toBe("created");
    expect(reasons(fresh)["demo-a-0-certs"]).toBe("renewed");
    expect(reasons(fresh)["demo-operator-certs"]).toBe("renewed");
    expect(fresh.find((s) => s.name === "demo-a-0-certs")!.detail).toMatch(/not by the current CA/);
  });

  it("refuses settings that would renew forever", async () => {
    await expect(desiredClusterSecrets(input(new SecretStore(), { clusterCa: { validityDays: 30, renewalDays: 30 } }))).rejects.toThrow(/renewalDays \(30\) must be less than validityDays \(30\)/);
    await expect(desiredClusterSecrets(input(new SecretStore(), { clientsCa: { validityDays: 0, renewalDays: 0 } }))).rejects.toBeInstanceOf(CertificateSettingsError);
  });
});

describe("user certificates", () => {
  it("subject CN=<username> from the clients CA, capped at its expiry, checked by userCertificateProblem", async () => {
    const clientsCa = await createCertificateAuthority("demo-clients-ca v0", 100, NOW);
    const user = await issueUserCertificate(clientsCa, "alice", 365, NOW);
    const info = certificateInfo(user.certPem);
    expect(info.subject).toBe("CN=alice");
    expect(info.notAfter.getTime()).toBe(certificateInfo(clientsCa.certPem).notAfter.getTime());
    expect(userCertificateProblem(clientsCa, user.certPem, user.keyPem, "alice", 30, NOW)).toBeUndefined();
    expect(userCertificateProblem(clientsCa, user.certPem, user.keyPem, "bob", 30, NOW)).toMatch(/subject is CN=alice/);
    expect(userCertificateProblem(clientsCa, user.certPem, user.keyPem, "alice", 30, later(80))).toMatch(/within 30 days/);
    const other = await createCertificateAuthority("other", 100, NOW);
    expect(userCertificateProblem(other, user.certPem, user.keyPem, "alice", 30, NOW)).toMatch(/not by the current CA/);
  });
});
