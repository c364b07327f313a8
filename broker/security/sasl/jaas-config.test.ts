import { describe, expect, it } from "vitest";
import { JaasConfigError, parseJaasConfig } from "./jaas-config.js";
import { plainUsers } from "./plain-server.js";

describe("parseJaasConfig", () => {
  it("reads Kafka's PlainLoginModule entry: module, flag, quoted options", () => {
    const jaas = parseJaasConfig(
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret";',
    );
    expect(jaas.loginModule).toBe("org.apache.kafka.common.security.plain.PlainLoginModule");
    expect(jaas.flag).toBe("required");
    expect(Object.fromEntries(jaas.options)).toEqual({ username: "admin", password: "admin-secret", user_admin: "admin-secret", user_alice: "alice-secret" });
    expect(Object.fromEntries(plainUsers(jaas.options))).toEqual({ admin: "admin-secret", alice: "alice-secret" });
  });

  it("accepts bare values, escapes, line breaks and spaces around '='", () => {
    const jaas = parseJaasConfig('org.apache.kafka.common.security.scram.ScramLoginModule  optional\n  username = bob\n  password="a \\"quoted\\" ;pass=word\\\\" ;  ');
    expect(jaas.flag).toBe("optional");
    expect(jaas.options.get("username")).toBe("bob");
    expect(jaas.options.get("password")).toBe('a "quoted" ;pass=word\\');
  });

  it.each([
    ["", /expected a login module class name/],
    ["org.Module", /expected a control flag/],
    ["org.Module mandatory;", /"mandatory" is not a control flag/],
    ["org.Module required username=\"a\"", /missing ";"/],
    ["org.Module required username;", /expected "=" after option username/],
    ['org.Module required username="a;', /unterminated quoted value/],
    ['org.Module required a="1" a="2";', /option a is given twice/],
    ['org.Module required; org.Other required;', /only one login module entry/],
  ])("refuses %j with a clear error", (text, message) => {
    expect(() => parseJaasConfig(text)).toThrow(JaasConfigError);
    expect(() => parseJaasConfig(text)).toThrow(message);
  });
});
