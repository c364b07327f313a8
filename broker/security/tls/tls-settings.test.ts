// A listener's TLS settings: listener.name.<l>.ssl.* before ssl.*, Kafka's defaults, and the
// settings Millrace refuses with the key named.
import { describe, expect, it } from "vitest";
import { brokerConfigFromMap } from "../../config/index.js";
import { TlsConfigError } from "./tls-config-error.js";
import { tlsSettingsFor } from "./tls-settings.js";

const LISTENERS = { listeners: "PLAINTEXT://:9092,SSL://:9093,INTERNAL://:9094", "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,SSL:SSL,INTERNAL:SSL,CONTROLLER:PLAINTEXT" };

describe("tlsSettingsFor", () => {
  it("takes listener.name.<l>.ssl.* before ssl.*", () => {
    const config = brokerConfigFromMap({
      ...LISTENERS,
      "ssl.keystore.type": "PEM",
      "ssl.keystore.location": "/shared.pem",
      "listener.name.internal.ssl.keystore.location": "/internal.pem",
      "listener.name.internal.ssl.client.auth": "required",
    });
    const ssl = tlsSettingsFor(config, "SSL");
    const internal = tlsSettingsFor(config, "INTERNAL");
    expect(ssl.keystore?.location).toBe("/shared.pem");
    expect(ssl.clientAuth).toBe("none");
    expect(internal.keystore?.location).toBe("/internal.pem");
    expect(internal.clientAuth).toBe("required");
  });

  it("defaults as Kafka does: TLSv1.2 and TLSv1.3, hostname verification on, DEFAULT mapping, no stores", () => {
    const s = tlsSettingsFor(brokerConfigFromMap(LISTENERS), "SSL");
    expect([s.minVersion, s.maxVersion]).toEqual(["TLSv1.2", "TLSv1.3"]);
    expect(s.verifyHostname).toBe(true);
    expect(s.principalMappingRules).toBe("DEFAULT");
    expect(s.keystore).toBeNull();
    expect(s.truststore).toBeNull();
    expect(tlsSettingsFor(brokerConfigFromMap({ ...LISTENERS, "ssl.endpoint.identification.algorithm": "" }), "SSL").verifyHostname).toBe(false);
    const only13 = tlsSettingsFor(brokerConfigFromMap({ ...LISTENERS, "ssl.enabled.protocols": "TLSv1.3" }), "SSL");
    expect([only13.minVersion, only13.maxVersion]).toEqual(["TLSv1.3", "TLSv1.3"]);
  });

  it("refuses what it cannot honour, naming the key", () => {
    const refused = (entries: Record<string, string>): string => {
      try {
        tlsSettingsFor(brokerConfigFromMap({ ...LISTENERS, ...entries }), "SSL");
      } catch (err) {
        expect(err).toBeInstanceOf(TlsConfigError);
        return (err as Error).message;
      }
      throw new Error("accepted");
    };
    expect(refused({ "ssl.keystore.location": "/k.jks" })).toContain("ssl.keystore.type=JKS is not supported");
    expect(refused({ "ssl.truststore.location": "/t.jks" })).toContain("ssl.truststore.type=JKS is not supported");
    expect(refused({ "ssl.keystore.type": "PKCS12", "ssl.keystore.key": "k", "ssl.keystore.certificate.chain": "c" })).toContain("ssl.keystore.key needs ssl.keystore.type=PEM");
    expect(refused({ "ssl.keystore.type": "PEM", "ssl.keystore.key": "k" })).toContain("must be set together");
    expect(refused({ "ssl.keystore.type": "PEM", "ssl.enabled.protocols": "TLSv1" })).toContain("TLSv1 is not supported");
    expect(refused({ "ssl.keystore.type": "BKS", "ssl.keystore.location": "/k" })).toContain("unknown store type BKS");
    expect(refused({ "ssl.endpoint.identification.algorithm": "ldaps" })).toContain("must be https or empty");
  });
});
