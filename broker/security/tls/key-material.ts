// Loads a listener's key store and trust store into node:tls options: PEM (a file or inline, as
// Kafka's ssl.keystore.type=PEM), or PKCS12 through Node's pfx. Everything is read and checked
// here, up front, so a bad file is a TlsConfigError naming the key instead of a failed handshake
// later. `files` lists what was read, for the reload watcher.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createSecureContext, type SecureContextOptions } from "node:tls";
import { TlsConfigError } from "./tls-config-error.js";
import type { KeystoreSettings, TlsSettings, TruststoreSettings } from "./tls-settings.js";

export interface KeyMaterial {
  /** key/cert/passphrase or pfx/passphrase, and ca: ready for createSecureContext or tls.connect. */
  readonly options: SecureContextOptions;
  /** Files the material came from (watched for changes). */
  readonly files: readonly string[];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_PRIVATE_KEY = /-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/;

/** Reads the key store and trust store of `settings`; throws TlsConfigError on anything unusable. */
export function loadKeyMaterial(settings: TlsSettings): KeyMaterial {
  const files: string[] = [];
  const where = (key: string): string => `listener ${settings.listenerName}: ${key}`;
  const options: SecureContextOptions = {
    ...(settings.keystore ? keystoreOptions(settings.keystore, where, files) : {}),
    ...(settings.truststore ? truststoreOptions(settings.truststore, where, files) : {}),
  };
  try {
    // The final check: OpenSSL accepts the key with the certificate (they match, the password opens it).
    createSecureContext(options);
  } catch (err) {
    throw new TlsConfigError(where(`the key store or trust store cannot be used: ${(err as Error).message}`));
  }
  return { options, files };
}

function keystoreOptions(ks: KeystoreSettings, where: (key: string) => string, files: string[]): SecureContextOptions {
  if (ks.type === "PKCS12") {
    const pfx = readStoreFile(ks.location!, where("ssl.keystore.location"), files);
    return { pfx, passphrase: ks.storePassword ?? undefined };
  }
  let keyPem: string;
  let chainPem: string;
  let keyWhere: string;
  if (ks.location !== null) {
    const text = readStoreFile(ks.location, where("ssl.keystore.location"), files).toString("utf8");
    keyPem = text;
    chainPem = text;
    keyWhere = where("ssl.keystore.location");
  } else {
    keyPem = ks.inlineKey!;
    chainPem = ks.inlineCertificateChain!;
    keyWhere = where("ssl.keystore.key");
  }
  const key = keyPem.match(PEM_PRIVATE_KEY)?.[0];
  if (!key) throw new TlsConfigError(`${keyWhere}: no PEM private key found`);
  const certificates = pemCertificates(chainPem);
  if (certificates.length === 0) {
    throw new TlsConfigError(`${ks.location !== null ? keyWhere : where("ssl.keystore.certificate.chain")}: no PEM certificate found`);
  }
  checkPrivateKey(key, ks.keyPassword, keyWhere, where("ssl.key.password"));
  return { key, cert: certificates.join("\n"), passphrase: ks.keyPassword ?? undefined };
}

function truststoreOptions(ts: TruststoreSettings, where: (key: string) => string, files: string[]): SecureContextOptions {
  if (ts.type === "PKCS12") {
    // Node reads PKCS12 only as a key store (its pfx option wants a key); a certificates-only
    // PKCS12 trust store would need a PKCS12 parser of our own.
    throw new TlsConfigError(where("ssl.truststore.type=PKCS12 is not supported; use ssl.truststore.type=PEM with the CA certificates"));
  }
  const text = ts.location !== null ? readStoreFile(ts.location, where("ssl.truststore.location"), files).toString("utf8") : ts.inlineCertificates!;
  const key = ts.location !== null ? "ssl.truststore.location" : "ssl.truststore.certificates";
  const certificates = pemCertificates(text);
  if (certificates.length === 0) throw new TlsConfigError(where(`${key}: no PEM certificate found`));
  for (const c of certificates) {
    try {
      new X509Certificate(c);
    } catch (err) {
      throw new TlsConfigError(where(`${key}: a certificate cannot be read: ${(err as Error).message}`));
    }
  }
  return { ca: certificates };
}

function pemCertificates(text: string): string[] {
  return text.match(PEM_CERTIFICATE) ?? [];
}

function checkPrivateKey(pem: string, password: string | null, keyWhere: string, passwordWhere: string): void {
  const encrypted = pem.includes("ENCRYPTED") || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
  if (encrypted && password === null) throw new TlsConfigError(`${keyWhere}: the private key is encrypted and ${passwordWhere} is not set`);
  try {
    createPrivateKey({ key: pem, passphrase: password ?? undefined });
  } catch (err) {
    const reason = encrypted ? `it does not open with ${passwordWhere}` : (err as Error).message;
    throw new TlsConfigError(`${keyWhere}: the private key cannot be read: ${reason}`);
  }
}

function readStoreFile(path: string, where: string, files: string[]): Buffer {
  files.push(path);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TlsConfigError(`${where}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
