import { describe, expect, it } from "vitest";
import { brokerConfigFromMap, buildBrokerConfig, withDynamicLayers } from "./broker-config.js";
import { ConfigSource, DescribeConfigType, LONG_MAX_STRING } from "./config-def.js";
import { defaultTopicConfig, resolveTopicConfig, validateTopicConfig } from "./topic-config.js";
import { TOPIC_CONFIG_DEFS } from "./topic-definitions.js";

const { DYNAMIC_TOPIC_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG } = ConfigSource;

function resolved(overrides: Record<string, string>, broker = buildBrokerConfig()) {
  const r = resolveTopicConfig(overrides, broker);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe("defaults", () => {
  it("with Kafka's broker defaults, every topic key gets its own Kafka default", () => {
    const entries = resolved({}).entries;
    for (const def of TOPIC_CONFIG_DEFS) expect(entries.get(def.name)?.text, def.name).toBe(def.default);
  });

  it("defaultTopicConfig gives the typed view", () => {
    const t = defaultTopicConfig(buildBrokerConfig());
    expect(t.retentionMs).toBe(604800000);
    expect(t.segmentBytes).toBe(1073741824);
    expect(t.cleanupPolicy).toEqual(["delete"]);
    expect(t.delete && !t.compact).toBe(true);
    expect(t.maxMessageBytes).toBe(1048588);
    expect(t.messageTimestampType).toBe("CreateTime");
  });

  it("follow broker keys, converting hours and minutes", () => {
    const t = defaultTopicConfig(
      brokerConfigFromMap({ "log.retention.hours": "1", "log.roll.hours": "2", "message.max.bytes": "2000000", "log.cleanup.policy": "compact" }),
    );
    expect(t.retentionMs).toBe(3_600_000);
    expect(t.segmentMs).toBe(7_200_000);
    expect(t.maxMessageBytes).toBe(2_000_000);
    expect(t.compact).toBe(true);
    expect(defaultTopicConfig(brokerConfigFromMap({ "log.retention.ms": "-7" })).retentionMs).toBe(-1);
  });
});

describe("sources and synonyms, as DescribeConfigs reports them", () => {
  it("a key left at its default", () => {
    const e = resolved({}).entries.get("retention.ms");
    expect(e).toMatchObject({ text: "604800000", source: DEFAULT_CONFIG, isSensitive: false, readOnly: false, configType: DescribeConfigType.LONG });
    expect(e?.synonyms).toEqual([{ name: "log.retention.hours", value: "168", source: DEFAULT_CONFIG }]);
    expect(resolved({}).entries.get("flush.ms")?.synonyms).toEqual([
      { name: "log.flush.scheduler.interval.ms", value: LONG_MAX_STRING, source: DEFAULT_CONFIG },
    ]);
  });

  it("a key set in server.properties", () => {
    const e = resolved({}, brokerConfigFromMap({ "log.retention.hours": "1" })).entries.get("retention.ms");
    expect(e?.text).toBe("3600000");
    expect(e?.source).toBe(STATIC_BROKER_CONFIG);
    expect(e?.synonyms).toEqual([
      { name: "log.retention.hours", value: "1", source: STATIC_BROKER_CONFIG },
      { name: "log.retention.hours", value: "168", source: DEFAULT_CONFIG },
    ]);
  });

  it("layer-major order: dynamic default before static, synonyms in priority order inside a layer", () => {
    const broker = withDynamicLayers(brokerConfigFromMap({ "log.retention.hours": "1" }), {
      dynamicDefault: new Map([["log.retention.ms", "5000"]]),
    });
    if (!broker.ok) throw new Error(broker.error.message);
    const e = resolved({}, broker.value).entries.get("retention.ms");
    expect(e?.text).toBe("5000");
    expect(e?.source).toBe(DYNAMIC_DEFAULT_BROKER_CONFIG);
    expect(e?.synonyms.map((s) => [s.name, s.value, s.source])).toEqual([
      ["log.retention.ms", "5000", DYNAMIC_DEFAULT_BROKER_CONFIG],
      ["log.retention.hours", "1", STATIC_BROKER_CONFIG],
      ["log.retention.hours", "168", DEFAULT_CONFIG],
    ]);
  });

  it("a topic override comes first, with its canonical text", () => {
    const r = resolved({ "retention.ms": " 1000 ", "cleanup.policy": "compact , delete", "min.cleanable.dirty.ratio": "1" });
    const e = r.entries.get("retention.ms");
    expect(e?.source).toBe(DYNAMIC_TOPIC_CONFIG);
    expect(e?.synonyms[0]).toEqual({ name: "retention.ms", value: "1000", source: DYNAMIC_TOPIC_CONFIG });
    expect(r.entries.get("cleanup.policy")?.text).toBe("compact,delete");
    expect(r.entries.get("min.cleanable.dirty.ratio")?.text).toBe("1.0");
    expect(r.config.compact && r.config.delete).toBe(true);
    expect(r.config.retentionMs).toBe(1000);
  });

  it("keys without a broker synonym have no synonyms", () => {
    const e = resolved({}).entries.get("remote.storage.enable");
    expect(e).toMatchObject({ text: "false", source: DEFAULT_CONFIG, synonyms: [] });
  });
});

describe("validateTopicConfig", () => {
  const error = (overrides: Record<string, string | null>, broker = buildBrokerConfig()) => {
    const r = validateTopicConfig(overrides, broker);
    return r.ok ? undefined : r.error;
  };

  it("accepts valid overrides and reports unimplemented ones", () => {
    const r = validateTopicConfig({ "retention.ms": "-1", "preallocate": "true" });
    expect(r).toMatchObject({ ok: true });
    expect(r.ok && r.value.warnings).toEqual(["topic config preallocate is accepted but not implemented by Millrace yet"]);
  });

  it("answers INVALID_CONFIG naming the key", () => {
    expect(error({ "retention.ms": "-2" })).toEqual({
      error: "INVALID_CONFIG",
      errorCode: 40,
      message: "Invalid value -2 for configuration retention.ms: Value must be at least -1",
    });
    expect(error({ "no.such.config": "1" })?.message).toBe("Unknown topic config name: no.such.config");
    expect(error({ "retention.ms": null })?.message).toBe("Null value not supported for topic configs: retention.ms");
    expect(error({ "cleanup.policy": "compact,forever" })?.message).toBe(
      "Invalid value forever for configuration cleanup.policy: String must be one of: compact, delete",
    );
    expect(error({ "segment.bytes": "1024" })?.message).toBe(
      "Invalid value 1024 for configuration segment.bytes: Value must be at least 1048576",
    );
    expect(error({ "leader.replication.throttled.replicas": "0:1,x" })?.message).toContain("Must be the literal '*'");
    expect(error({ "leader.replication.throttled.replicas": "0:1, 1:2" })).toBeUndefined();
  });

  it("checks the combination with the broker's defaults", () => {
    const broker = brokerConfigFromMap({ "log.cleaner.max.compaction.lag.ms": "100" });
    expect(error({ "min.compaction.lag.ms": "500" }, broker)?.message).toBe(
      "conflict topic config setting min.compaction.lag.ms (500) > max.compaction.lag.ms (100)",
    );
    expect(error({ "remote.storage.enable": "true" })?.message).toContain("Tiered Storage functionality is disabled");
    expect(error({ "retention.ms": "1".repeat(40000) })?.message).toContain("exceeds the maximum value size of 32767");
  });
});
