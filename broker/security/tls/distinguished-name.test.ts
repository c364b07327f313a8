// Subjects print as Java's X500Principal.getName() does, read from certificates the test makes.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TestCertificateAuthority } from "../../../test/security-fixtures/certificates.js";
import { CertificateParseError, escapeValue, subjectDistinguishedName } from "./distinguished-name.js";

describe("subjectDistinguishedName", () => {
  const dir = mkdtempSync(join(tmpdir(), "millrace-dn-"));

  it("prints the most specific name first, as Java does", async () => {
    const ca = await TestCertificateAuthority.create(dir);
    const alice = await ca.issueClient("alice", "CN=alice,OU=apps,O=Example,C=US");
    const der = new X509Certificate(readFileSync(alice.certificateFile)).raw;
    expect(subjectDistinguishedName(der)).toBe("CN=alice,OU=apps,O=Example,C=US");
  });

  it("escapes special characters and prints unknown attributes as OID=#hex", async () => {
    const ca = await TestCertificateAuthority.create(dir, { name: "ca-esc" });
    const odd = await ca.issueClient("odd", "CN=Smith\\, J.,O=A\\+B,E=j@x.io");
    const dn = subjectDistinguishedName(new X509Certificate(readFileSync(odd.certificateFile)).raw);
    // emailAddress (E) is not one of Java's RFC 2253 keywords: its IA5String DER in hex.
    expect(dn).toBe(`CN=Smith\\, J.,O=A\\+B,1.2.840.113549.1.9.1=#16${Buffer.from("j@x.io").length.toString(16).padStart(2, "0")}${Buffer.from("j@x.io").toString("hex")}`);
  });

  it("escapes as Java's RFC 2253 form does", () => {
    expect(escapeValue(" lead")).toBe("\\ lead");
    expect(escapeValue("trail ")).toBe("trail\\ ");
    expect(escapeValue("a=b#c;d<e>f\"g\\h")).toBe("a\\=b\\#c\\;d\\<e\\>f\\\"g\\\\h");
  });

  it("refuses garbage with a parse error", () => {
    expect(() => subjectDistinguishedName(Buffer.from([0x30, 0x82, 0xff]))).toThrow(CertificateParseError);
    expect(() => subjectDistinguishedName(Buffer.from("not a certificate"))).toThrow(CertificateParseError);
  });
});
