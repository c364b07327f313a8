// @peculiar/x509 over Node's WebCrypto, loaded once for the whole pki folder. The library resolves
// its parts through tsyringe, which needs the Reflect metadata API before it is first imported.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as never);

export { x509 };

/** ECDSA P-256 with SHA-256: small, fast to make, and accepted by Java, librdkafka and Node. */
export const KEY_ALGORITHM: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Certificates start this long before `now`: a node whose clock is a little behind the operator's
 * must not see a certificate that is "not yet valid".
 */
export const BACKDATE_MS = 60 * 60 * 1000;

export async function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

/** The private key as PKCS#8 PEM ("BEGIN PRIVATE KEY"), newline-terminated. */
export async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(pkcs8, "PRIVATE KEY") + "\n";
}

/** Reads a PKCS#8 PEM ECDSA P-256 key back for signing; throws a clear error otherwise. */
export async function importSigningKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  let der: ArrayBuffer;
  try {
    const blocks = x509.PemConverter.decodeWithHeaders(keyPem);
    const block = blocks.find((b) => b.type === "PRIVATE KEY");
    if (!block) throw new Error(`no "PRIVATE KEY" block (found: ${blocks.map((b) => b.type).join(", ") || "none"})`);
    der = block.rawData;
  } catch (err) {
    throw new Error(`not a PKCS#8 PEM private key: ${(err as Error).message}`);
  }
  try {
    return await webcrypto.subtle.importKey("pkcs8", der, KEY_ALGORITHM, true, ["sign"]);
  } catch (err) {
    throw new Error(`not an ECDSA P-256 private key: ${(err as Error).message}`);
  }
}
