import { describe, expect, it } from "vitest";
import { brokerConfigFromMap, withDynamicLayers } from "./broker-config.js";
import { ConfigSource, DescribeConfigType } from "./config-def.js";
import { describeBrokerConfigs, describeTopicConfigs } from "./describe.js";

const { DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG } = ConfigSource;

describe("describeTopicConfigs", () => {
  it("filters keys and includes synonyms and docs only when asked", () => {
    const broker = brokerConfigFromMap();
    const r = describeTopicConfigs({ "retention.ms": "1000" }, broker, { keys: ["retention.ms", "nope"] });
    expect(r).toEqual({
      ok: true,
      value: [
        {
          name: "retention.ms",
          value: "1000",
          readOnly: false,
          configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG,
          isSensitive: false,
          synonyms: [],
          configType: DescribeConfigType.LONG,
          documentation: null,
        },
      ],
    });
    const all = describeTopicConfigs({}, broker, { includeSynonyms: true, includeDocumentation: true });
    expect(all.ok && all.value.length).toBeGreaterThan(25);
    expect(all.ok && all.value.find((c) => c.name === "segment.ms")).toMatchObject({
      value: "604800000",
      configSource: DEFAULT_CONFIG,
      synonyms: [{ name: "log.roll.hours", value: "168", source: DEFAULT_CONFIG }],
      documentation: expect.any(String),
    });
  });
});

describe("describeBrokerConfigs", () => {
  const broker = (() => {
    const base = brokerConfigFromMap({ "log.retention.hours": "24", "ssl.keystore.password": "secret" });
    const r = withDynamicLayers(base, {
      dynamicDefault: new Map([["log.retention.ms", "1000"], ["message.max.bytes", "2000000"]]),
      dynamicBroker: new Map([["message.max.bytes", "3000000"]]),
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  })();

  it("per broker: every key, effective value, Kafka's synonym chain from the key itself", () => {
    const all = describeBrokerConfigs(broker, "1", { includeSynonyms: true });
    const get = (n: string) => all.find((c) => c.name === n);
    expect(get("message.max.bytes")).toMatchObject({
      value: "3000000",
      readOnly: false,
      configSource: DYNAMIC_BROKER_CONFIG,
      configType: DescribeConfigType.INT,
      synonyms: [
        { name: "message.max.bytes", value: "3000000", source: DYNAMIC_BROKER_CONFIG },
        { name: "message.max.bytes", value: "2000000", source: DYNAMIC_DEFAULT_BROKER_CONFIG },
        { name: "message.max.bytes", value: "1048588", source: DEFAULT_CONFIG },
      ],
    });
    // log.retention.hours is read-only and its chain starts at itself, not at log.retention.ms
    expect(get("log.retention.hours")).toMatchObject({
      value: "24",
      readOnly: true,
      configSource: STATIC_BROKER_CONFIG,
      synonyms: [
        { name: "log.retention.hours", value: "24", source: STATIC_BROKER_CONFIG },
        { name: "log.retention.hours", value: "168", source: DEFAULT_CONFIG },
      ],
    });
    expect(get("log.retention.ms")?.synonyms.map((s) => s.name)).toEqual(["log.retention.ms", "log.retention.hours", "log.retention.hours"]);
    // Kafka drops the chain up to the key itself; minutes never appears, so nothing is left
    expect(get("log.retention.minutes")).toMatchObject({ value: null, configSource: DEFAULT_CONFIG, synonyms: [] });
    expect(get("ssl.keystore.password")).toMatchObject({
      value: null,
      isSensitive: true,
      configType: DescribeConfigType.PASSWORD,
      synonyms: [{ name: "ssl.keystore.password", value: null, source: STATIC_BROKER_CONFIG }],
    });
    expect(get("log.roll.ms")).toMatchObject({ value: null, configSource: DEFAULT_CONFIG });
  });

  it("cluster default: only the dynamic defaults that are set", () => {
    const d = describeBrokerConfigs(broker, "", { includeSynonyms: true });
    expect(d.map((c) => [c.name, c.value, c.configSource])).toEqual([
      ["log.retention.ms", "1000", DYNAMIC_DEFAULT_BROKER_CONFIG],
      ["message.max.bytes", "2000000", DYNAMIC_DEFAULT_BROKER_CONFIG],
    ]);
    expect(d[1]?.synonyms).toEqual([{ name: "message.max.bytes", value: "2000000", source: DYNAMIC_DEFAULT_BROKER_CONFIG }]);
  });
});
