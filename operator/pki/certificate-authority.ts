// A certificate authority the operator keeps in a Secret, and the certificates it signs: the two
// primitives every other pki function is built from. Keys are ECDSA P-256 (PKCS#8 PEM), signatures
// SHA-256, made with @peculiar/x509 over WebCrypto.
import { parseDistinguishedName } from "./distinguished-name.js";
import { certificateInfo } from "./certificate-info.js";
import { BACKDATE_MS, DAY_MS, generateKeyPair, importSigningKey, KEY_ALGORITHM, privateKeyPem, x509 } from "./x509-library.js";

export { certificateInfo, needsRenewal, type CertificateInfo } from "./certificate-info.js";

/** A CA: its certificate and private key, PEM. */
export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

/** A certificate (the leaf alone, PEM) and its private key (PKCS#8 PEM). */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export type CertificateUsage = "server" | "client" | "server-and-client";

export interface CertificateRequest {
  /** RFC 4514 text as Java prints it, most specific first: "CN=demo-node,O=millrace.dev". */
  subject: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  usage: CertificateUsage;
  /** Capped at the CA's own notAfter: a certificate never outlives its issuer. */
  validityDays: number;
}

/**
 * A self-signed CA whose subject is `CN=<commonName>,O=millrace.dev`, valid from a little before
 * `now` for `validityDays`. It signs end-entity certificates only (path length 0).
 */
export async function createCertificateAuthority(commonName: string, validityDays: number, now: Date): Promise<CertificateAuthority> {
  requirePositiveDays("validityDays", validityDays);
  if (commonName.trim() === "") throw new Error("a CA needs a common name");
  const keys = await generateKeyPair();
  const name = parseDistinguishedName(`CN=${escapeRdnValue(commonName)},O=millrace.dev`);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name,
    keys,
    signingAlgorithm: KEY_ALGORITHM,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + validityDays * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: certificate.toString("pem") + "\n", keyPem: await privateKeyPem(keys.privateKey) };
}

/** A certificate for `request`, signed by `ca`, valid from a little before `now`. */
export async function issueCertificate(ca: CertificateAuthority, request: CertificateRequest, now: Date): Promise<IssuedCertificate> {
  requirePositiveDays("validityDays", request.validityDays);
  const caInfo = certificateInfo(ca.certPem);
  const caCertificate = new x509.X509Certificate(firstPemBlock(ca.certPem));
  const signingKey = await importSigningKey(ca.keyPem);
  const notAfter = new Date(Math.min(now.getTime() + request.validityDays * DAY_MS, caInfo.notAfter.getTime()));
  if (notAfter.getTime() <= now.getTime()) throw new Error(`the CA ${caInfo.subject} has expired (${caInfo.notAfter.toISOString()}): it cannot issue`);
  const notBefore = new Date(Math.max(now.getTime() - BACKDATE_MS, caInfo.notBefore.getTime()));
  const keys = await generateKeyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    // digitalSignature alone: an ECDSA key signs the (EC)DHE handshake; it never enciphers keys.
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(extendedKeyUsages(request.usage)),
    await x509.AuthorityKeyIdentifierExtension.create(caCertificate),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  const altNames = [
    ...(request.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(request.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: parseDistinguishedName(request.subject),
    issuer: caCertificate.subjectName,
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: KEY_ALGORITHM,
    notBefore,
    notAfter,
    extensions,
  });
  return { certPem: certificate.toString("pem") + "\n", keyPem: await privateKeyPem(keys.privateKey) };
}

function extendedKeyUsages(usage: CertificateUsage): x509.ExtendedKeyUsageType[] {
  switch (usage) {
    case "server":
      return [x509.ExtendedKeyUsage.serverAuth];
    case "client":
      return [x509.ExtendedKeyUsage.clientAuth];
    case "server-and-client":
      return [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth];
  }
}

/** 16 random bytes, top bit clear (a positive INTEGER), never zero. */
function randomSerialNumber(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return Buffer.from(bytes).toString("hex");
}

function firstPemBlock(pem: string): ArrayBuffer {
  try {
    return x509.PemConverter.decodeFirst(pem);
  } catch (err) {
    throw new Error(`not a PEM certificate: ${(err as Error).message}`);
  }
}

function requirePositiveDays(field: string, days: number): void {
  if (!Number.isFinite(days) || days <= 0) throw new Error(`${field} must be a positive number of days, got ${days}`);
}

function escapeRdnValue(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
}
