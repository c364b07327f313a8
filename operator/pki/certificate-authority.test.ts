import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { certificateInfo, createCertificateAuthority, issueCertificate, needsRenewal } from "./certificate-authority.js";

const NOW = new Date("2026-06-01T00:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

describe("certificate authority", () => {
  it("makes a self-signed P-256 CA with a PKCS#8 key", async () => {
    const ca = await createCertificateAuthority("demo-cluster-ca v0", 365, NOW);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const info = certificateInfo(ca.certPem);
    expect(info.subject).toBe("CN=demo-cluster-ca v0,O=millrace.dev");
    expect(info.issuer).toBe(info.subject);
    expect(info.isCa).toBe(true);
    expect(info.notAfter.getTime()).toBe(NOW.getTime() + 365 * DAY);
    expect(info.notBefore.getTime()).toBeLessThan(NOW.getTime());
    expect(info.issuerMatches(ca.certPem)).toBe(true);
    expect(info.keyMatches(ca.keyPem)).toBe(true);
    const node = new X509Certificate(ca.certPem);
    expect(node.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it("issues a certificate with the subject as Java prints it, SANs, and the CA as issuer", async () => {
    const ca = await createCertificateAuthority("demo-cluster-ca v0", 365, NOW);
    const issued = await issueCertificate(ca, { subject: "CN=demo-node,O=millrace.dev", dnsNames: ["a.example", "b.example"], ipAddresses: ["127.0.0.1"], usage: "server-and-client", validityDays: 30 }, NOW);
    const info = certificateInfo(issued.certPem);
    expect(info.subject).toBe("CN=demo-node,O=millrace.dev");
    expect(info.issuer).toBe("CN=demo-cluster-ca v0,O=millrace.dev");
    expect(info.dnsNames).toEqual(["a.example", "b.example"]);
    expect(info.ipAddresses).toEqual(["127.0.0.1"]);
    expect(info.isCa).toBe(false);
    expect(info.issuerMatches(ca.certPem)).toBe(true);
    expect(info.keyMatches(issued.keyPem)).toBe(true);
    expect(info.keyMatches(ca.keyPem)).toBe(false);
    expect(info.notAfter.getTime()).toBe(NOW.getTime() + 30 * DAY);
    const node = new X509Certificate(issued.certPem);
    expect(node.keyUsage).toEqual(expect.arrayContaining(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]));
    expect(node.checkHost("b.example")).toBe("b.example");
  });

  it("caps a certificate's validity at the CA's notAfter", async () => {
    const ca = await createCertificateAuthority("short-ca v0", 10, NOW);
    const issued = await issueCertificate(ca, { subject: "CN=x", usage: "client", validityDays: 365 }, NOW);
    expect(certificateInfo(issued.certPem).notAfter.getTime()).toBe(certificateInfo(ca.certPem).notAfter.getTime());
  });

  it("refuses to issue from an expired CA, and a certificate from another CA does not match", async () => {
    const ca = await createCertificateAuthority("ca v0", 10, NOW);
    await expect(issueCertificate(ca, { subject: "CN=x", usage: "client", validityDays: 5 }, new Date(NOW.getTime() + 11 * DAY))).rejects.toThrow(/has expired/);
    const other = await createCertificateAuthority("ca v0", 10, NOW);
    const issued = await issueCertificate(other, { subject: "CN=x", usage: "client", validityDays: 5 }, NOW);
    expect(certificateInfo(issued.certPem).issuerMatches(ca.certPem)).toBe(false);
  });

  it("needsRenewal: inside the renewal window, after expiry, or before notBefore", async () => {
    const ca = await createCertificateAuthority("ca v0", 100, NOW);
    expect(needsRenewal(ca.certPem, 30, NOW)).toBe(false);
    expect(needsRenewal(ca.certPem, 30, new Date(NOW.getTime() + 69 * DAY))).toBe(false);
    expect(needsRenewal(ca.certPem, 30, new Date(NOW.getTime() + 70 * DAY))).toBe(true);
    expect(needsRenewal(ca.certPem, 30, new Date(NOW.getTime() + 200 * DAY))).toBe(true);
    expect(needsRenewal(ca.certPem, 30, new Date(NOW.getTime() - 2 * DAY))).toBe(true);
  });

  it("says what is wrong with a bad PEM or key", async () => {
    expect(() => certificateInfo("garbage")).toThrow(/not a PEM certificate/);
    expect(() => certificateInfo("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).toThrow(/not a valid PEM certificate/);
    const ca = await createCertificateAuthority("ca v0", 10, NOW);
    await expect(issueCertificate({ certPem: ca.certPem, keyPem: "nope" }, { subject: "CN=x", usage: "client", validityDays: 5 }, NOW)).rejects.toThrow(/PKCS#8/);
    await expect(issueCertificate(ca, { subject: "CN=x,", usage: "client", validityDays: 5 }, NOW)).rejects.toThrow(/invalid distinguished name/);
  });
});
