// Reading a PEM certificate back (Node's own X509Certificate: synchronous, OpenSSL's checks): what
// the renewal and stability decisions look at.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { formatDistinguishedName } from "./distinguished-name.js";
import { DAY_MS, x509 } from "./x509-library.js";

export interface CertificateInfo {
  /** As Java prints it: "CN=demo-node,O=millrace.dev". */
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ipAddresses: string[];
  isCa: boolean;
  /** Hex SHA-256 of the DER certificate (tells two certificates apart). */
  fingerprint256: string;
  /** Whether `caPem`'s (first) certificate issued this one: names match and its key signed it. */
  issuerMatches(caPem: string): boolean;
  /** Whether `keyPem` is this certificate's private key. */
  keyMatches(keyPem: string): boolean;
}

/** The first certificate of `certPem`; throws an Error saying what is wrong with the PEM. */
export function certificateInfo(certPem: string): CertificateInfo {
  const node = parseCertificate(certPem);
  const peculiar = new x509.X509Certificate(node.raw);
  const altNames = (node.subjectAltName ?? "").split(", ").filter((s) => s !== "");
  return {
    subject: formatDistinguishedName(peculiar.subjectName.toJSON()),
    issuer: formatDistinguishedName(peculiar.issuerName.toJSON()),
    notBefore: node.validFromDate,
    notAfter: node.validToDate,
    dnsNames: altNames.filter((n) => n.startsWith("DNS:")).map((n) => n.slice("DNS:".length)),
    ipAddresses: altNames.filter((n) => n.startsWith("IP Address:")).map((n) => n.slice("IP Address:".length)),
    isCa: node.ca,
    fingerprint256: node.fingerprint256.replaceAll(":", "").toLowerCase(),
    issuerMatches(caPem: string): boolean {
      let ca: X509Certificate;
      try {
        ca = parseCertificate(caPem);
      } catch {
        return false;
      }
      return node.checkIssued(ca) && node.verify(ca.publicKey);
    },
    keyMatches(keyPem: string): boolean {
      try {
        return node.checkPrivateKey(createPrivateKey(keyPem));
      } catch {
        return false;
      }
    },
  };
}

/**
 * Whether a certificate should be replaced now: it is within `renewalDays` of its notAfter, already
 * expired, or not valid yet (a clock that went back; a certificate nobody can use).
 */
export function needsRenewal(certPem: string, renewalDays: number, now: Date): boolean {
  const { notBefore, notAfter } = certificateInfo(certPem);
  return now.getTime() >= notAfter.getTime() - renewalDays * DAY_MS || now.getTime() < notBefore.getTime();
}

/** Every certificate in a PEM bundle, in order. Throws on a malformed bundle. */
export function splitCertificateBundle(bundlePem: string): string[] {
  const blocks = bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  for (const block of blocks) parseCertificate(block);
  return blocks.map((b) => b + "\n");
}

function parseCertificate(pem: string): X509Certificate {
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("not a PEM certificate: no BEGIN CERTIFICATE block");
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new Error(`not a valid PEM certificate: ${(err as Error).message}`);
  }
}
