import { describe, expect, it } from "vitest";
import { testBrokerConfig } from "../../handlers/test-fixtures.js";
import { checkSaslListenerSettings, SaslConfigError } from "./sasl-settings-check.js";

const base = { "node.id": "1", listeners: "PLAINTEXT://127.0.0.1:9092,SASL_PLAINTEXT://127.0.0.1:9093" };
const PLAIN_JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";';

describe("start-up checks of SASL listeners", () => {
  it("accept PLAIN with users and SCRAM without a JAAS config", () => {
    expect(() =>
      checkSaslListenerSettings(testBrokerConfig({ ...base, "sasl.enabled.mechanisms": "PLAIN,SCRAM-SHA-512", "listener.name.sasl_plaintext.plain.sasl.jaas.config": PLAIN_JAAS })),
    ).not.toThrow();
    expect(() => checkSaslListenerSettings(testBrokerConfig({ ...base, "sasl.enabled.mechanisms": "SCRAM-SHA-256" }))).not.toThrow();
  });

  it("refuse no served mechanism (Kafka's default GSSAPI), PLAIN without users, and a JAAS config that does not parse", () => {
    const problem = (settings: Record<string, string>) => {
      try {
        checkSaslListenerSettings(testBrokerConfig({ ...base, ...settings }));
        return "";
      } catch (err) {
        expect(err).toBeInstanceOf(SaslConfigError);
        return (err as Error).message;
      }
    };
    expect(problem({})).toMatch(/listener SASL_PLAINTEXT \(SASL_PLAINTEXT\): sasl.enabled.mechanisms .* names none of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/);
    expect(problem({ "sasl.enabled.mechanisms": "PLAIN" })).toMatch(/PLAIN is enabled but listener.name.sasl_plaintext.plain.sasl.jaas.config/);
    expect(problem({ "sasl.enabled.mechanisms": "PLAIN", "sasl.jaas.config": "org.Module required user_a=" })).toMatch(/listener SASL_PLAINTEXT, PLAIN: sasl.jaas.config: expected a value for option user_a/);
  });
});
