// Test certificates made in the test: a CA, server certificates for 127.0.0.1/localhost and client
// certificates with a chosen subject, written as PEM files (and PKCS12 on request) into a directory.
// Keys are ECDSA P-256 (fast to make; Java, librdkafka and Node accept them). Built on
// @peculiar/x509 over Node's WebCrypto — the same library the operator is meant to manage CAs with.
//
//   const ca = await TestCertificateAuthority.create(dir);
//   const server = await ca.issueServer("broker");            // broker.keystore.pem, broker.crt, broker.key
//   const alice = await ca.issueClient("alice", "CN=alice,OU=apps,O=Example");
//   // truststore: ca.certificateFile
import { execFileSync } from "node:child_process";
import { createPrivateKey, webcrypto } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
// @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata API loaded first.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as never);

const KEY_ALGORITHM: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const DAY_MS = 24 * 60 * 60 * 1000;

export interface IssueOptions {
  /** DNS names and IP addresses for the subjectAltName (servers default to 127.0.0.1 and localhost). */
  readonly hosts?: readonly string[];
  /** Write the private key encrypted (PKCS#8, AES-256-CBC) with this password (Kafka's ssl.key.password). */
  readonly keyPassword?: string;
  /** Also write `<name>.p12` (key, certificate and CA) protected by this password. */
  readonly pkcs12Password?: string;
  /** Validity; defaults to one day back to 30 days ahead. */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** The files written for one issued certificate. */
export interface IssuedCertificate {
  readonly name: string;
  /** The subject as Java prints it (RFC 2253), e.g. "CN=alice,OU=apps,O=Example". */
  readonly subject: string;
  /** The leaf certificate followed by the CA certificate (PEM). */
  readonly certificateFile: string;
  /** The private key alone (PEM; "ENCRYPTED PRIVATE KEY" when keyPassword was given). */
  readonly keyFile: string;
  /** Key then certificate chain in one PEM file: Kafka's ssl.keystore.type=PEM ssl.keystore.location. */
  readonly keystoreFile: string;
  /** The PKCS12 keystore, when pkcs12Password was given. */
  readonly pkcs12File?: string;
  readonly certificatePem: string;
  readonly keyPem: string;
  /** The SHA-256 fingerprint of the leaf (hex, lower case, no colons): tells two certificates apart. */
  readonly fingerprint256: string;
}

export class TestCertificateAuthority {
  private constructor(
    readonly dir: string,
    readonly subject: string,
    private readonly keys: webcrypto.CryptoKeyPair,
    private readonly certificate: x509.X509Certificate,
    /** The CA certificate (PEM): the truststore (ssl.truststore.type=PEM ssl.truststore.location). */
    readonly certificateFile: string,
  ) {}

  get certificatePem(): string {
    return this.certificate.toString("pem") + "\n";
  }

  /** Makes a self-signed CA and writes its certificate as `<dir>/<name>.crt`. */
  static async create(dir: string, opts: { name?: string; subject?: string } = {}): Promise<TestCertificateAuthority> {
    mkdirSync(dir, { recursive: true });
    const name = opts.name ?? "ca";
    const subject = opts.subject ?? `CN=Millrace Test CA ${name}`;
    const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      name: encodedName(subject),
      keys,
      signingAlgorithm: KEY_ALGORITHM,
      notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + 365 * DAY_MS),
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const certificateFile = join(dir, `${name}.crt`);
    writeFileSync(certificateFile, certificate.toString("pem") + "\n");
    return new TestCertificateAuthority(dir, subject, keys, certificate, certificateFile);
  }

  /** A server certificate (serverAuth and clientAuth: brokers are clients of each other too). */
  issueServer(name: string, opts: IssueOptions = {}): Promise<IssuedCertificate> {
    const hosts = opts.hosts ?? ["127.0.0.1", "localhost"];
    return this.issue(name, `CN=${hosts[0] ?? name},O=Millrace Test`, { ...opts, hosts }, true);
  }

  /** A client certificate whose subject is `subject`, given as Java prints it ("CN=alice,OU=apps,O=Example"). */
  issueClient(name: string, subject: string, opts: IssueOptions = {}): Promise<IssuedCertificate> {
    return this.issue(name, subject, opts, false);
  }

  private async issue(name: string, subject: string, opts: IssueOptions, server: boolean): Promise<IssuedCertificate> {
    const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const usages = server ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] : [x509.ExtendedKeyUsage.clientAuth];
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(usages),
      await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey),
    ];
    if (opts.hosts && opts.hosts.length > 0) {
      extensions.push(new x509.SubjectAlternativeNameExtension(opts.hosts.map((h) => ({ type: isIpAddress(h) ? "ip" : "dns", value: h }))));
    }
    const certificate = await x509.X509CertificateGenerator.create({
      subject: encodedName(subject),
      issuer: this.certificate.subject,
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      signingAlgorithm: KEY_ALGORITHM,
      notBefore: opts.notBefore ?? new Date(Date.now() - DAY_MS),
      notAfter: opts.notAfter ?? new Date(Date.now() + 30 * DAY_MS),
      extensions,
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
    const plainKeyPem = x509.PemConverter.encode(pkcs8, "PRIVATE KEY") + "\n";
    const keyPem = opts.keyPassword
      ? (createPrivateKey(plainKeyPem).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: opts.keyPassword }) as string)
      : plainKeyPem;
    const certificatePem = certificate.toString("pem") + "\n" + this.certificatePem;
    const certificateFile = join(this.dir, `${name}.crt`);
    const keyFile = join(this.dir, `${name}.key`);
    const keystoreFile = join(this.dir, `${name}.keystore.pem`);
    writeFileSync(certificateFile, certificatePem);
    writeFileSync(keyFile, keyPem, { mode: 0o600 });
    writeFileSync(keystoreFile, keyPem + certificatePem, { mode: 0o600 });
    let pkcs12File: string | undefined;
    if (opts.pkcs12Password !== undefined) {
      pkcs12File = join(this.dir, `${name}.p12`);
      writePkcs12(pkcs12File, plainKeyPem, certificatePem, opts.pkcs12Password);
    }
    const fingerprint256 = Buffer.from(await certificate.getThumbprint("SHA-256")).toString("hex");
    return { name, subject, certificateFile, keyFile, keystoreFile, pkcs12File, certificatePem, keyPem, fingerprint256 };
  }
}

/**
 * Java prints a DN most specific first (RFC 2253), the reverse of the order in the certificate;
 * @peculiar/x509 encodes a DN string in the order written. Reversing here makes the subject Java
 * (and our broker) prints equal to the string the test gave.
 */
function encodedName(javaStyleDn: string): string {
  return splitRdns(javaStyleDn).reverse().join(", ");
}

/** Splits "CN=a\,b,O=x" at the unescaped commas. */
function splitRdns(dn: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === "\\" && i + 1 < dn.length) {
      current += c + dn[++i];
    } else if (c === ",") {
      parts.push(current.trim());
      current = "";
    } else {
      current += c;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}

/**
 * PKCS12 through the openssl command line: @peculiar/x509 does not write PKCS12, and what the
 * tests need is a file Node's `pfx` (OpenSSL) and Java read, which openssl's own output is.
 */
function writePkcs12(file: string, keyPem: string, certificatePem: string, password: string): void {
  const input = join(file + ".in.pem");
  writeFileSync(input, keyPem + certificatePem, { mode: 0o600 });
  execFileSync("openssl", ["pkcs12", "-export", "-in", input, "-out", file, "-passout", `pass:${password}`], { stdio: "pipe" });
}
