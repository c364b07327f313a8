import { describe, expect, it } from "vitest";
import { type AlterConfigOp, alterBrokerConfigs, alterTopicConfigs, checkBrokerResourceName, replaceTopicConfigs } from "./alter.js";
import { brokerConfigFromMap } from "./broker-config.js";

const set = (name: string, value: string | null): AlterConfigOp => ({ name, op: "SET", value });
const del = (name: string): AlterConfigOp => ({ name, op: "DELETE", value: null });
const append = (name: string, value: string): AlterConfigOp => ({ name, op: "APPEND", value });
const subtract = (name: string, value: string): AlterConfigOp => ({ name, op: "SUBTRACT", value });

const topic = (current: Record<string, string>, ops: AlterConfigOp[]) => {
  const r = alterTopicConfigs(new Map(Object.entries(current)), ops, brokerConfigFromMap());
  return r.ok ? Object.fromEntries(r.value) : r.error;
};

describe("alterTopicConfigs", () => {
  it("SET and DELETE", () => {
    expect(topic({ "retention.ms": "1", "segment.ms": "2" }, [set("retention.ms", "10"), del("segment.ms"), del("not.there.but.fine")])).toEqual({
      "retention.ms": "10",
    });
  });

  it("APPEND and SUBTRACT start from the built-in default and skip what is already there", () => {
    expect(topic({}, [append("cleanup.policy", "compact")])).toEqual({ "cleanup.policy": "delete,compact" });
    expect(topic({ "cleanup.policy": "compact" }, [append("cleanup.policy", "compact,delete")])).toEqual({ "cleanup.policy": "compact,delete" });
    expect(topic({ "cleanup.policy": "compact,delete" }, [subtract("cleanup.policy", "delete")])).toEqual({ "cleanup.policy": "compact" });
    expect(topic({}, [subtract("cleanup.policy", "delete")])).toEqual({ "cleanup.policy": "" });
  });

  it("accepts wire op ids", () => {
    expect(topic({}, [{ name: "retention.ms", op: 0, value: "5" }])).toEqual({ "retention.ms": "5" });
  });

  it("answers Kafka's errors and never throws", () => {
    expect(topic({}, [set("retention.ms", "1"), del("retention.ms")])).toMatchObject({
      error: "INVALID_REQUEST",
      errorCode: 42,
      message: "Error due to duplicate config keys",
    });
    expect(topic({}, [set("retention.ms", null), append("cleanup.policy", "x"), del("segment.ms")])).toMatchObject({
      error: "INVALID_REQUEST",
      message: "Null value not supported for : retention.ms",
    });
    expect(topic({}, [append("retention.ms", "1")])).toEqual({
      error: "INVALID_CONFIG",
      errorCode: 40,
      message: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    expect(topic({}, [set("retention.ms", "abc")])).toMatchObject({
      error: "INVALID_CONFIG",
      message: "Invalid value abc for configuration retention.ms: Not a number of type LONG",
    });
    expect(topic({}, [set("bogus", "1")])).toMatchObject({ error: "INVALID_CONFIG", message: "Unknown topic config name: bogus" });
    expect(topic({}, [append("cleanup.policy", "forever")])).toMatchObject({ error: "INVALID_CONFIG" });
    expect(topic({}, [{ name: "retention.ms", op: 9, value: "1" }])).toMatchObject({
      error: "INVALID_REQUEST",
      message: "Unknown operations type 9",
    });
  });
});

describe("replaceTopicConfigs (legacy AlterConfigs)", () => {
  it("replaces the whole set", () => {
    const r = replaceTopicConfigs(new Map([["retention.ms", "7"]]));
    expect(r.ok && Object.fromEntries(r.value)).toEqual({ "retention.ms": "7" });
    expect(replaceTopicConfigs(new Map([["retention.ms", null]]))).toMatchObject({ ok: false, error: { error: "INVALID_REQUEST" } });
  });
});

describe("alterBrokerConfigs", () => {
  const broker = brokerConfigFromMap();
  const alter = (current: Record<string, string>, ops: AlterConfigOp[], perBroker = true) => {
    const r = alterBrokerConfigs(new Map(Object.entries(current)), ops, { perBroker, broker });
    return r.ok ? Object.fromEntries(r.value) : r.error;
  };

  it("sets dynamic keys per broker and cluster-wide", () => {
    expect(alter({}, [set("log.retention.ms", "1000"), set("message.max.bytes", "2000000")], false)).toEqual({
      "log.retention.ms": "1000",
      "message.max.bytes": "2000000",
    });
    expect(alter({ "log.retention.ms": "1000" }, [del("log.retention.ms")])).toEqual({});
    expect(alter({}, [append("log.cleanup.policy", "compact")], false)).toEqual({ "log.cleanup.policy": "delete,compact" });
  });

  it("refuses read-only keys and per-broker keys at cluster level, as Kafka words it", () => {
    expect(alter({}, [set("num.partitions", "3"), set("log.retention.hours", "1")])).toEqual({
      error: "INVALID_REQUEST",
      errorCode: 42,
      message: "Cannot update these configs dynamically: Set(num.partitions, log.retention.hours)",
    });
    expect(alter({}, [set("advertised.listeners", "PLAINTEXT://h:9092")], false)).toMatchObject({
      message: "Cannot update these configs at default cluster level, broker id must be specified: Set(advertised.listeners)",
    });
    expect(alter({}, [set("ssl.keystore.location", "/k")])).toMatchObject({
      message: "These security configs can be dynamically updated only per-listener using the listener prefix: Set(ssl.keystore.location)",
    });
    expect(alter({}, [set("listener.name.plaintext.ssl.keystore.location", "/k")])).toEqual({
      "listener.name.plaintext.ssl.keystore.location": "/k",
    });
  });

  it("validates types and the combination with the running config", () => {
    expect(alter({}, [set("message.max.bytes", "big")])).toMatchObject({
      error: "INVALID_REQUEST",
      message: "Invalid value big for configuration message.max.bytes: Not a number of type INT",
    });
    expect(alter({}, [append("message.max.bytes", "1")])).toMatchObject({
      error: "INVALID_REQUEST",
      message: "Config value append is not allowed for config key: message.max.bytes",
    });
    expect(alter({}, [set("advertised.listeners", "OTHER://h:1")])).toMatchObject({ error: "INVALID_REQUEST" });
    expect(alter({}, [set("no.such.key", "1")])).toMatchObject({ error: "INVALID_REQUEST", message: expect.stringContaining("Unknown broker config 'no.such.key'") });
  });

  it("checks the resource name", () => {
    expect(checkBrokerResourceName("", 1)).toBeUndefined();
    expect(checkBrokerResourceName("1", 1)).toBeUndefined();
    expect(checkBrokerResourceName("x", 1)?.message).toBe("Node id must be an integer, but it is: x");
    expect(checkBrokerResourceName("2", 1)?.message).toBe("Unexpected broker id, expected 1, but received 2");
  });
});
