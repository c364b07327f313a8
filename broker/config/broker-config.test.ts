import { describe, expect, it } from "vitest";
import { brokerConfigFromMap, buildBrokerConfig, rawConfigMap, withDynamicLayers } from "./broker-config.js";
import { ConfigSource } from "./config-def.js";
import { ConfigError } from "./errors.js";
import { collectStaticConfig } from "./sources.js";
import { EMPTY_LAYERS } from "./synonyms.js";

const fromFile = (text: string) =>
  buildBrokerConfig({ ...EMPTY_LAYERS, static: collectStaticConfig({ file: { path: "server.properties", text } }) });

function errorOf(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("built-in defaults", () => {
  it("give a single-node dev broker on 127.0.0.1:9092 storing in ./data", () => {
    const c = buildBrokerConfig();
    expect(c.nodeId).toBe(1);
    expect(c.processRoles).toEqual(["broker", "controller"]);
    expect(c.listeners).toEqual([{ name: "PLAINTEXT", host: "127.0.0.1", port: 9092, securityProtocol: "PLAINTEXT" }]);
    expect(c.advertisedListeners).toEqual(c.listeners);
    expect(c.singleNodeQuorum).toBe(true);
    expect(c.logDirs).toEqual(["./data"]);
    expect(c.metadataLogDir).toBe("./data");
    expect(c.offsetsTopicReplicationFactor).toBe(1);
    expect(c.transactionStateLogReplicationFactor).toBe(1);
    expect(c.numPartitions).toBe(1);
    expect(c.logRetentionMs).toBe(7 * 24 * 3600 * 1000);
    expect(c.logSegmentBytes).toBe(1073741824);
    expect(c.messageMaxBytes).toBe(1048588);
    expect(c.offsetsRetentionMs).toBe(7 * 24 * 60 * 60 * 1000);
    expect(c.logFlushIntervalMessages).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(c.warnings).toEqual([]);
    expect(c.entries.get("listeners")?.source).toBe(ConfigSource.DEFAULT_CONFIG);
  });
});

describe("retention and roll precedence", () => {
  it("log.retention.ms > minutes > hours, negative means forever", () => {
    expect(brokerConfigFromMap({ "log.retention.hours": "1" }).logRetentionMs).toBe(3_600_000);
    expect(brokerConfigFromMap({ "log.retention.hours": "1", "log.retention.minutes": "2" }).logRetentionMs).toBe(120_000);
    expect(
      brokerConfigFromMap({ "log.retention.hours": "1", "log.retention.minutes": "2", "log.retention.ms": "5" }).logRetentionMs,
    ).toBe(5);
    expect(brokerConfigFromMap({ "log.retention.ms": "-5" }).logRetentionMs).toBe(-1);
    expect(brokerConfigFromMap({ "log.retention.hours": "-1" }).logRetentionMs).toBe(-1);
  });

  it("log.roll.ms > log.roll.hours; log.flush.interval.ms falls back to the scheduler interval", () => {
    expect(brokerConfigFromMap({ "log.roll.hours": "2" }).logRollMs).toBe(7_200_000);
    expect(brokerConfigFromMap({ "log.roll.hours": "2", "log.roll.ms": "1000" }).logRollMs).toBe(1000);
    expect(brokerConfigFromMap({ "log.flush.scheduler.interval.ms": "3000" }).logFlushIntervalMs).toBe(3000);
    expect(brokerConfigFromMap({ "log.flush.scheduler.interval.ms": "3000", "log.flush.interval.ms": "10" }).logFlushIntervalMs).toBe(10);
  });
});

describe("start-up errors name the key, the reason and where it was set", () => {
  it("unknown keys, with a hint", () => {
    expect(errorOf(() => fromFile("# x\nlog.retention.hour=1\n")).message).toBe(
      "Unknown broker config 'log.retention.hour' (did you mean 'log.retention.hours'?) (from server.properties:2)",
    );
    expect(errorOf(() => brokerConfigFromMap({ "retention.ms": "1" })).message).toBe(
      "Unknown broker config 'retention.ms': it is a topic config; the broker-wide default is 'log.retention.ms' (from --override)",
    );
    expect(errorOf(() => brokerConfigFromMap({ "totally.unknown": "1" })).key).toBe("totally.unknown");
  });

  it("invalid values", () => {
    const e = errorOf(() => fromFile("num.partitions=abc\n"));
    expect(e.message).toBe("Invalid value abc for configuration num.partitions: Not a number of type INT (from server.properties:1)");
    expect(e.key).toBe("num.partitions");
    expect(errorOf(() => brokerConfigFromMap({ "log.segment.bytes": "1000" })).message).toContain("Value must be at least 1048576");
    expect(errorOf(() => brokerConfigFromMap({ "process.roles": "broker,broker" })).message).toContain("must not be duplicated");
  });

  it("reads from the environment are reported by variable name", () => {
    const e = errorOf(() =>
      buildBrokerConfig({ ...EMPTY_LAYERS, static: collectStaticConfig({ env: { MILLRACE_NUM_PARTITIONS: "0" } }) }),
    );
    expect(e.message).toBe(
      "Invalid value 0 for configuration num.partitions: Value must be at least 1 (from environment variable MILLRACE_NUM_PARTITIONS)",
    );
  });

  it("topic defaults derived from broker keys must be valid topic values", () => {
    expect(errorOf(() => brokerConfigFromMap({ "log.roll.ms": "0" })).message).toBe(
      "Invalid value 0 for configuration segment.ms: Value must be at least 1 (derived from log.roll.ms) (from --override)",
    );
    expect(
      errorOf(() => brokerConfigFromMap({ "log.cleaner.min.compaction.lag.ms": "10", "log.cleaner.max.compaction.lag.ms": "5" })).message,
    ).toContain("conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)");
  });

  it("group timeouts must be ordered", () => {
    expect(errorOf(() => brokerConfigFromMap({ "group.min.session.timeout.ms": "10", "group.max.session.timeout.ms": "5" })).key).toBe(
      "group.min.session.timeout.ms",
    );
    const both = { "group.consumer.heartbeat.interval.ms": "60000", "group.consumer.max.heartbeat.interval.ms": "60000" };
    expect(errorOf(() => brokerConfigFromMap(both)).message).toContain(
      "group.consumer.heartbeat.interval.ms (60000) must be less than group.consumer.session.timeout.ms (45000)",
    );
  });
});

describe("accepted but not implemented", () => {
  it("warns for unimplemented keys and stays quiet for no-ops", () => {
    const c = brokerConfigFromMap({ "queued.max.request.bytes": "1000000", "num.io.threads": "16", "num.network.threads": "4" });
    expect(c.warnings).toEqual(["queued.max.request.bytes is a Kafka config Millrace does not implement yet; its value is accepted and ignored"]);
    expect(c.numIoThreads).toBe(16);
  });

  it("serves every security protocol (a TLS listener's ssl.* keys are checked when it starts)", () => {
    const c = brokerConfigFromMap({ listeners: "PLAINTEXT://:9092,SSL://:9093,SASL_SSL://:9094,SASL_PLAINTEXT://:9095", "ssl.keystore.location": "/k.pem" });
    expect(c.listeners.map((l) => l.securityProtocol)).toEqual(["PLAINTEXT", "SSL", "SASL_SSL", "SASL_PLAINTEXT"]);
    expect(c.warnings).toEqual([]);
  });
});

describe("node identity", () => {
  it("broker.id is an alias of node.id", () => {
    expect(brokerConfigFromMap({ "broker.id": "7" }).nodeId).toBe(7);
    expect(brokerConfigFromMap({ "broker.id": "7", "node.id": "7" }).nodeId).toBe(7);
    expect(errorOf(() => brokerConfigFromMap({ "broker.id": "7", "node.id": "8" })).message).toContain(
      "You must set `node.id` to the same value as `broker.id`.",
    );
  });
});

describe("listeners", () => {
  it("advertised listeners default to listeners and are validated", () => {
    const c = brokerConfigFromMap({
      listeners: "PLAINTEXT://0.0.0.0:9092,EXTERNAL://:19092",
      "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT",
      "advertised.listeners": "PLAINTEXT://broker-0.svc:9092,EXTERNAL://lb.example:443",
    });
    expect(c.advertisedListeners.map((l) => `${l.name}@${l.host}:${l.port}`)).toEqual(["PLAINTEXT@broker-0.svc:9092", "EXTERNAL@lb.example:443"]);
    expect(errorOf(() => brokerConfigFromMap({ listeners: "PLAINTEXT://0.0.0.0:9092" })).message).toContain("nonroutable meta-address 0.0.0.0");
    expect(errorOf(() => brokerConfigFromMap({ "advertised.listeners": "SSL://x:1" })).message).toContain(
      "advertised.listeners listener names must be equal to or a subset of the ones defined in listeners",
    );
  });

  it("the inter-broker listener must be advertised, and set only one way", () => {
    const base = { listeners: "INTERNAL://:9092", "listener.security.protocol.map": "INTERNAL:PLAINTEXT" };
    expect(errorOf(() => brokerConfigFromMap(base)).message).toContain("inter.broker.listener.name must be a listener name defined in advertised.listeners");
    expect(brokerConfigFromMap({ ...base, "inter.broker.listener.name": "internal" }).interBrokerListenerName).toBe("INTERNAL");
    expect(
      errorOf(() => brokerConfigFromMap({ ...base, "inter.broker.listener.name": "INTERNAL", "security.inter.broker.protocol": "PLAINTEXT" })).message,
    ).toContain("Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.");
  });
});

describe("KRaft roles", () => {
  it("a broker-only node needs a quorum and a controller listener it does not bind", () => {
    expect(errorOf(() => brokerConfigFromMap({ "process.roles": "broker" })).message).toContain("controller.quorum.bootstrap.servers");
    const c = brokerConfigFromMap({
      "process.roles": "broker",
      "node.id": "4",
      "controller.quorum.bootstrap.servers": "c1:9093,c2:9093",
      "controller.listener.names": "CONTROLLER",
    });
    expect(c.singleNodeQuorum).toBe(false);
    expect(c.controllerQuorumBootstrapServers).toEqual([{ host: "c1", port: 9093 }, { host: "c2", port: 9093 }]);
    expect(c.listenerSecurityProtocolMap.get("CONTROLLER")).toBe("PLAINTEXT");
  });

  it("a combined node in a quorum binds its controller listener but does not advertise it", () => {
    const c = brokerConfigFromMap({
      "node.id": "1",
      listeners: "PLAINTEXT://:9092,CONTROLLER://:9093",
      "controller.listener.names": "CONTROLLER",
      "controller.quorum.voters": "1@n1:9093,2@n2:9093,3@n3:9093",
    });
    expect(c.advertisedListeners.map((l) => l.name)).toEqual(["PLAINTEXT"]);
    expect(c.controllerQuorumVoters.map((v) => v.id)).toEqual([1, 2, 3]);
    expect(
      errorOf(() =>
        brokerConfigFromMap({
          "node.id": "9",
          listeners: "PLAINTEXT://:9092,CONTROLLER://:9093",
          "controller.listener.names": "CONTROLLER",
          "controller.quorum.voters": "1@n1:9093",
        }),
      ).message,
    ).toContain("the node id 9 must be included in the set of voters");
    expect(
      errorOf(() => brokerConfigFromMap({ "controller.quorum.voters": "1@n1:9093" })).message,
    ).toContain("controller.listener.names must contain at least one value");
  });
});

describe("controller-only nodes (process.roles=controller)", () => {
  const controllerOnly = {
    "process.roles": "controller",
    "node.id": "1",
    listeners: "CONTROLLER://:9093",
    "controller.listener.names": "CONTROLLER",
    "controller.quorum.voters": "1@n1:9093,2@n2:9093,3@n3:9093",
  };

  it("listen on controller listeners only and advertise nothing to clients", () => {
    const c = brokerConfigFromMap(controllerOnly);
    expect(c.processRoles).toEqual(["controller"]);
    expect(c.listeners.map((l) => l.name)).toEqual(["CONTROLLER"]);
    expect(c.advertisedListeners).toEqual([]);
    expect(c.singleNodeQuorum).toBe(false);
  });

  it("need a quorum: a controller alone would have no broker to serve", () => {
    const { "controller.quorum.voters": _, ...noVoters } = controllerOnly;
    expect(errorOf(() => brokerConfigFromMap(noVoters)).message).toContain(
      "With process.roles=controller, either controller.quorum.bootstrap.servers must list the bootstrap controllers or controller.quorum.voters must list the voters",
    );
  });

  it("must be a voter, and list only controller listeners that exist", () => {
    expect(errorOf(() => brokerConfigFromMap({ ...controllerOnly, "node.id": "7" })).message).toContain("the node id 7 must be included in the set of voters");
    expect(errorOf(() => brokerConfigFromMap({ ...controllerOnly, listeners: "PLAINTEXT://:9092,CONTROLLER://:9093" })).message).toContain(
      "The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller",
    );
    expect(errorOf(() => brokerConfigFromMap({ ...controllerOnly, listeners: "OTHER://:9093", "listener.security.protocol.map": "OTHER:PLAINTEXT,CONTROLLER:PLAINTEXT" })).message).toContain(
      "controller.listener.names must only contain values appearing in the 'listeners' configuration",
    );
  });

  it("skip the inter-broker listener checks, which are for brokers (Kafka's rule)", () => {
    // A controller listener named like the default inter-broker listener is fine without the broker role.
    const c = brokerConfigFromMap({ ...controllerOnly, listeners: "PLAINTEXT://:9093", "controller.listener.names": "PLAINTEXT" });
    expect(c.listeners.map((l) => l.name)).toEqual(["PLAINTEXT"]);
    expect(
      errorOf(() => brokerConfigFromMap({ ...controllerOnly, "process.roles": "broker,controller", listeners: "PLAINTEXT://:9093", "controller.listener.names": "PLAINTEXT" }))
        .message,
    ).toContain("inter.broker.listener.name must be a listener name defined in advertised.listeners");
  });
});

describe("directories", () => {
  it("log.dirs wins over log.dir; metadata.log.dir defaults to the first", () => {
    const c = brokerConfigFromMap({ "log.dir": "/x", "log.dirs": "/a, /b" });
    expect(c.logDirs).toEqual(["/a", "/b"]);
    expect(c.metadataLogDir).toBe("/a");
    expect(brokerConfigFromMap({ "log.dir": "/x" }).logDirs).toEqual(["/x"]);
    expect(errorOf(() => brokerConfigFromMap({ "log.dirs": "/a,/a" })).message).toContain("same directory twice");
  });
});

describe("dynamic layers", () => {
  it("override static values and report their source", () => {
    const c = brokerConfigFromMap({ "log.retention.ms": "1000" });
    const updated = withDynamicLayers(c, { dynamicDefault: new Map([["log.retention.ms", "2000"]]) });
    expect(updated.ok && updated.value.logRetentionMs).toBe(2000);
    expect(updated.ok && updated.value.entries.get("log.retention.ms")?.source).toBe(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    const perBroker = withDynamicLayers(c, {
      dynamicDefault: new Map([["log.retention.ms", "2000"]]),
      dynamicBroker: new Map([["log.retention.ms", "3000"]]),
    });
    expect(perBroker.ok && perBroker.value.logRetentionMs).toBe(3000);
  });

  it("drop keys that cannot be dynamic, with a warning, as Kafka does", () => {
    const c = withDynamicLayers(buildBrokerConfig(), {
      dynamicDefault: new Map([["num.partitions", "9"], ["listeners", "PLAINTEXT://:1"], ["message.max.bytes", "x"]]),
    });
    expect(c.ok && c.value.numPartitions).toBe(1);
    expect(c.ok && c.value.warnings).toEqual([
      "ignoring dynamic cluster default config num.partitions: it cannot be updated dynamically",
      "ignoring dynamic cluster default config listeners: it can only be set per broker",
      "ignoring dynamic cluster default config message.max.bytes: Invalid value x for configuration message.max.bytes: Not a number of type INT",
    ]);
  });

  it("return cross-key problems as errors instead of throwing", () => {
    const r = withDynamicLayers(buildBrokerConfig(), { dynamicBroker: new Map([["listeners", "OTHER://:9092"]]) });
    expect(r).toMatchObject({ ok: false, error: { error: "INVALID_CONFIG" } });
  });
});

describe("meta.properties keys", () => {
  it("are pointed out when put in server.properties", () => {
    expect(errorOf(() => brokerConfigFromMap({ "cluster.id": "abc" })).message).toContain("Kafka keeps it in meta.properties");
  });

  it("never break the one-line error", () => {
    expect(errorOf(() => fromFile("num.partitions=a\\nb\n")).message).toBe(
      "Invalid value a\\nb for configuration num.partitions: Not a number of type INT (from server.properties:1)",
    );
  });
});

describe("rawConfigMap", () => {
  it("gives every key with a value as text", () => {
    const raw = rawConfigMap(brokerConfigFromMap({ "num.partitions": " 3 " }));
    expect(raw.get("num.partitions")).toBe(" 3 ");
    expect(raw.get("log.retention.hours")).toBe("168");
    expect(raw.has("log.retention.ms")).toBe(false);
  });
});
