// Our reading of a client certificate's subject (broker/security/tls/distinguished-name.ts) is the
// string Java's X500Principal.getName() gives, which Kafka turns into the mTLS principal: checked
// against Java itself for escaping, multi-valued names, non-ASCII text, attributes Java prints as
// OID=#hex, and Java's keywords.
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { subjectDistinguishedName } from "../../broker/security/tls/distinguished-name.js";
import { TestCertificateAuthority } from "../security-fixtures/certificates.js";

const PRINT_SUBJECTS = resolve(import.meta.dirname, "java/PrintSubjects.java");

const SUBJECTS = [
  "CN=alice,OU=apps,O=Example,C=US",
  "CN=Smith\\, J.,O=A\\+B,E=j@x.io",
  "CN=Ünïcødé,O=Caf\\=e#1;x",
  "CN=a+OU=b,O=multi",
  "CN=\\ lead,L=Zürich",
  "ST=ZH,DC=example,DC=com",
  "2.5.4.9=Main 1,CN=z",
];

describe("certificate subjects as Java prints them", () => {
  it("match X500Principal.getName() for every subject", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-dn-java-"));
    const ca = await TestCertificateAuthority.create(dir);
    const files: string[] = [];
    for (const [i, subject] of SUBJECTS.entries()) files.push((await ca.issueClient(`subject-${i}`, subject)).certificateFile);
    const java = spawnSync("java", [PRINT_SUBJECTS, ...files], { encoding: "utf8", timeout: 60_000 });
    expect(java.status, java.stderr).toBe(0);
    const javaNames = java.stdout.split("\n").slice(0, files.length);
    const ours = files.map((f) => subjectDistinguishedName(new X509Certificate(readFileSync(f)).raw));
    expect(ours).toEqual(javaNames);
    // The certificates say what the test meant (the fixture encodes Java's order).
    expect(ours[0]).toBe("CN=alice,OU=apps,O=Example,C=US");
    expect(ours[1]).toBe("CN=Smith\\, J.,O=A\\+B,1.2.840.113549.1.9.1=#16066a40782e696f");
  });
});
