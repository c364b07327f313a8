import { describe, expect, it } from "vitest";
import { formatDistinguishedName, normalizeDistinguishedName, parseDistinguishedName } from "./distinguished-name.js";
import { nodePrincipal, operatorPrincipal, userSubject } from "./principals.js";

describe("distinguished names", () => {
  it("stores the RDNs least specific first and prints them back most specific first", () => {
    expect(parseDistinguishedName("CN=demo-node,O=millrace.dev")).toEqual([{ O: ["millrace.dev"] }, { CN: ["demo-node"] }]);
    expect(formatDistinguishedName([{ O: ["millrace.dev"] }, { CN: ["demo-node"] }])).toBe("CN=demo-node,O=millrace.dev");
  });

  it("normalizes spacing and keeps escaped specials", () => {
    expect(normalizeDistinguishedName("cn=a ,  O=b")).toBe("CN=a,O=b");
    expect(parseDistinguishedName("CN=Smith\\, J.,O=x")).toEqual([{ O: ["x"] }, { CN: ["Smith, J."] }]);
    expect(normalizeDistinguishedName("CN=Smith\\, J.,O=A\\+B")).toBe("CN=Smith\\, J.,O=A\\+B");
    expect(userSubject("we,ird")).toBe("CN=we\\,ird");
  });

  it("refuses what it cannot represent, saying why", () => {
    expect(() => parseDistinguishedName("")).toThrow(/empty RDN/);
    expect(() => parseDistinguishedName("CN=a,,O=b")).toThrow(/empty RDN/);
    expect(() => parseDistinguishedName("CN=a+OU=b")).toThrow(/multi-valued RDN/);
    expect(() => parseDistinguishedName("nonsense")).toThrow(/not TYPE=value/);
    expect(() => parseDistinguishedName("CN=")).toThrow(/empty value for CN/);
  });
});

describe("principals", () => {
  it("are the subjects as the broker prints them", () => {
    expect(nodePrincipal("demo")).toBe("User:CN=demo-node,O=millrace.dev");
    expect(operatorPrincipal("demo")).toBe("User:CN=demo-operator,O=millrace.dev");
  });
  // PRINCIPAL_MAPPING_RULES is proven on a broker process: test/integration/operator-certificates.test.ts.
});
