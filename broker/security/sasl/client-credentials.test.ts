import { describe, expect, it } from "vitest";
import { testBrokerConfig } from "../../handlers/test-fixtures.js";
import { clientSecurityFor } from "../client-security.js";
import { SaslClientConfigError, saslClientCredentials } from "./client-credentials.js";

const base = {
  "node.id": "1",
  "process.roles": "broker,controller",
  listeners: "INTERNAL://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
  "listener.security.protocol.map": "INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
  "inter.broker.listener.name": "INTERNAL",
  "controller.listener.names": "CONTROLLER",
  "controller.quorum.voters": "1@127.0.0.1:9093",
  "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
  "sasl.mechanism.controller.protocol": "PLAIN",
  "listener.name.internal.scram-sha-512.sasl.jaas.config": 'org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="broker-secret";',
  "listener.name.controller.plain.sasl.jaas.config": 'org.apache.kafka.common.security.plain.PlainLoginModule required username="ctl" password="ctl-secret" user_ctl="ctl-secret";',
};

describe("the credentials this node presents to other nodes' SASL listeners", () => {
  it("take the inter-broker mechanism on the inter-broker listener and the controller mechanism on controller listeners", () => {
    const config = testBrokerConfig(base);
    expect(clientSecurityFor(config, "INTERNAL")).toEqual({ securityProtocol: "SASL_PLAINTEXT", sasl: { mechanism: "SCRAM-SHA-512", username: "broker", password: "broker-secret" } });
    expect(clientSecurityFor(config, "CONTROLLER")).toEqual({ securityProtocol: "SASL_PLAINTEXT", sasl: { mechanism: "PLAIN", username: "ctl", password: "ctl-secret" } });
  });

  it("fall back from the mechanism-scoped JAAS config to the listener's and to the plain key", () => {
    const { "listener.name.internal.scram-sha-512.sasl.jaas.config": _dropped, ...rest } = base;
    const config = testBrokerConfig({ ...rest, "sasl.jaas.config": 'org.apache.kafka.common.security.scram.ScramLoginModule required username="any" password="p";' });
    expect(saslClientCredentials(config, "INTERNAL")).toEqual({ mechanism: "SCRAM-SHA-512", username: "any", password: "p" });
  });

  it("refuse, naming the key, a mechanism we do not serve or a JAAS config without username and password", () => {
    expect(() => saslClientCredentials(testBrokerConfig({ ...base, "sasl.mechanism.inter.broker.protocol": "GSSAPI" }), "INTERNAL")).toThrow(
      /sasl.mechanism.inter.broker.protocol=GSSAPI is not a mechanism Millrace supports/,
    );
    const noUser = testBrokerConfig({ ...base, "listener.name.internal.scram-sha-512.sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required;" });
    expect(() => saslClientCredentials(noUser, "INTERNAL")).toThrow(SaslClientConfigError);
    expect(() => saslClientCredentials(noUser, "INTERNAL")).toThrow(/listener.name.internal.scram-sha-512.sasl.jaas.config\) needs username and password/);
  });
});
