// The test certificates are what TLS peers accept: a server certificate for 127.0.0.1 verifies
// against the CA with hostname checking, a client certificate carries the subject it was given,
// an encrypted key opens only with its password, and the PKCS12 file loads as Node's pfx.
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkServerIdentity, createSecureContext } from "node:tls";
import { describe, expect, it } from "vitest";
import { TestCertificateAuthority } from "./certificates.js";

describe("test certificates", () => {
  const dir = mkdtempSync(join(tmpdir(), "millrace-certs-"));

  it("issues a server certificate for 127.0.0.1 and localhost, signed by the CA", async () => {
    const ca = await TestCertificateAuthority.create(dir);
    const server = await ca.issueServer("broker");
    const leaf = new X509Certificate(readFileSync(server.certificateFile));
    const caCert = new X509Certificate(readFileSync(ca.certificateFile));
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(leaf.subjectAltName).toContain("DNS:localhost");
    expect(checkServerIdentity("localhost", { subjectaltname: leaf.subjectAltName } as never)).toBeUndefined();
    // The keystore file holds the key and the chain: enough for a TLS server context.
    const pem = readFileSync(server.keystoreFile, "utf8");
    expect(() => createSecureContext({ key: pem, cert: pem, ca: readFileSync(ca.certificateFile) })).not.toThrow();
    expect(server.fingerprint256).toBe(leaf.fingerprint256.replaceAll(":", "").toLowerCase());
  });

  it("issues a client certificate with the subject as given, most specific first", async () => {
    const ca = await TestCertificateAuthority.create(dir, { name: "ca2" });
    const alice = await ca.issueClient("alice", "CN=alice,OU=apps,O=Example");
    const leaf = new X509Certificate(readFileSync(alice.certificateFile));
    // Node prints the DN in certificate order (least specific first), one attribute per line.
    expect(leaf.subject.split("\n")).toEqual(["O=Example", "OU=apps", "CN=alice"]);
    expect(leaf.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
  });

  it("encrypts the key with keyPassword and writes PKCS12 with pkcs12Password", async () => {
    const ca = await TestCertificateAuthority.create(dir, { name: "ca3" });
    const server = await ca.issueServer("locked", { keyPassword: "key-secret", pkcs12Password: "p12-secret" });
    expect(server.keyPem).toContain("ENCRYPTED PRIVATE KEY");
    expect(() => createPrivateKey({ key: server.keyPem, passphrase: "wrong" })).toThrow();
    expect(createPrivateKey({ key: server.keyPem, passphrase: "key-secret" }).asymmetricKeyType).toBe("ec");
    expect(() => createSecureContext({ pfx: readFileSync(server.pkcs12File!), passphrase: "p12-secret" })).not.toThrow();
  });
});
