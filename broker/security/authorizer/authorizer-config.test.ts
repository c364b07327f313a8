// authorizer.class.name and super.users are checked with the rest of the configuration, so a
// broker with an unusable value does not start, and the message names the key.
import { describe, expect, it } from "vitest";
import { testBrokerConfig } from "../../handlers/test-fixtures.js";
import { authorizerSettings, STANDARD_AUTHORIZER_CLASS } from "./authorizer-settings.js";

const BASE = { "node.id": "1", "log.dirs": "/tmp/unused", listeners: "PLAINTEXT://127.0.0.1:9092" };

describe("authorizer configuration", () => {
  it("enables StandardAuthorizer with super users and allow.everyone.if.no.acl.found", () => {
    const config = testBrokerConfig({ ...BASE, "authorizer.class.name": STANDARD_AUTHORIZER_CLASS, "super.users": "User:admin;User:CN=broker,O=acme", "allow.everyone.if.no.acl.found": "true" });
    const settings = authorizerSettings(config);
    expect(settings.enabled).toBe(true);
    expect([...settings.superUsers]).toEqual(["User:admin", "User:CN=broker,O=acme"]);
    expect(settings.allowEveryoneIfNoAclFound).toBe(true);
    expect(authorizerSettings(testBrokerConfig(BASE)).enabled).toBe(false);
  });

  it("refuses another authorizer class, ZooKeeper's AclAuthorizer, and a malformed super user", () => {
    expect(() => testBrokerConfig({ ...BASE, "authorizer.class.name": "com.example.MyAuthorizer" })).toThrow(/authorizer\.class\.name.*not available/s);
    expect(() => testBrokerConfig({ ...BASE, "authorizer.class.name": "kafka.security.authorizer.AclAuthorizer" })).toThrow(/authorizer\.class\.name.*ZooKeeper/s);
    expect(() => testBrokerConfig({ ...BASE, "super.users": "admin" })).toThrow(/super\.users.*Type:name/s);
  });
});
