// The rule engine against the examples of Kafka's documentation and its rule syntax.
import { describe, expect, it } from "vitest";
import { NoMatchingRuleError, PrincipalMappingRules } from "./principal-mapping-rules.js";
import { TlsConfigError } from "./tls-config-error.js";

describe("ssl.principal.mapping.rules", () => {
  // The rule set of Kafka's security documentation (ssl.principal.mapping.rules).
  const documented = PrincipalMappingRules.parse(
    "RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/," +
      "RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L," +
      "RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/L," +
      "DEFAULT",
  );

  it("maps the documented examples", () => {
    expect(documented.map("CN=serviceuser,OU=ServiceUsers,O=Unknown,L=Unknown,ST=Unknown,C=Unknown")).toBe("serviceuser");
    expect(documented.map("CN=adminUser,OU=Admin,O=Unknown,L=Unknown,ST=Unknown,C=Unknown")).toBe("adminuser@admin");
    expect(documented.map("cN=Duke,OU=JavaSoft,O=Sun Microsystems")).toBe("duke");
    // No RULE matches (no CN): DEFAULT keeps the DN.
    expect(documented.map("OU=JavaSoft,O=Sun Microsystems,C=US")).toBe("OU=JavaSoft,O=Sun Microsystems,C=US");
  });

  it("upper-cases with /U, accepts newlines and spaces between rules", () => {
    const rules = PrincipalMappingRules.parse("  RULE:^cn=(.*?),ou=(.*?),dc=(.*?),dc=(.*?)$/$1@$2/U \n RULE:^CN=([^,]*).*$/$1/ ,\n DEFAULT ");
    expect(rules.map("cn=duke,ou=sme,dc=mycp,dc=com")).toBe("DUKE@SME");
    expect(rules.map("CN=alice,OU=apps,O=Example")).toBe("alice");
    expect(rules.map("O=Example")).toBe("O=Example");
  });

  it("DEFAULT alone keeps the DN; a DN no rule matches is refused", () => {
    expect(PrincipalMappingRules.parse("DEFAULT").map("CN=alice,OU=apps,O=Example")).toBe("CN=alice,OU=apps,O=Example");
    const strict = PrincipalMappingRules.parse("RULE:^CN=([^,]*),O=Example$/$1/");
    expect(strict.map("CN=bob,O=Example")).toBe("bob");
    expect(() => strict.map("CN=bob,O=Other")).toThrow(NoMatchingRuleError);
  });

  it("keeps commas and escaped slashes inside a pattern and a replacement", () => {
    const rules = PrincipalMappingRules.parse("RULE:^CN=([^,]*),OU=([^,]*)$/$2\\/$1/");
    expect(rules.map("CN=alice,OU=apps")).toBe("apps/alice");
  });

  it("refuses malformed rules with a configuration error", () => {
    for (const bad of ["", "default", "DEFAUL", "DEFAULT/L", "RULE:^CN=(.*)$/$1", "RULE:^CN=(.*)$", "RULE:^CN=(.*)$/$1/X", "RULE:^CN=((.*)$/$1/", "RULE:a/b/L/U"]) {
      expect(() => PrincipalMappingRules.parse(bad), bad).toThrow(TlsConfigError);
    }
  });
});
