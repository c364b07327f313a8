import { describe, expect, it } from "vitest";
import { BROKER_CONFIG_DEFS, brokerKeyDef, resolveBrokerKey } from "./definitions.js";
import { TOPIC_CONFIG_DEFS } from "./topic-definitions.js";
import { parseValue } from "./values.js";

describe("broker definitions", () => {
  it("have unique names, one-line docs, and defaults that parse and validate", () => {
    const names = BROKER_CONFIG_DEFS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of BROKER_CONFIG_DEFS) {
      expect(d.doc, d.name).not.toMatch(/\n/);
      expect(d.doc.length, d.name).toBeGreaterThan(10);
      if (d.default !== undefined) expect(parseValue(d, d.default), d.name).toMatchObject({ ok: true });
      if (d.kafkaDefault !== undefined && d.kafkaDefault !== null && d.kafkaDefault !== "") {
        expect(parseValue(d, d.kafkaDefault), d.name).toMatchObject({ ok: true });
      }
    }
  });

  it("cover every key the broker needs", () => {
    const required = `node.id broker.id process.roles listeners advertised.listeners listener.security.protocol.map
      inter.broker.listener.name controller.listener.names controller.quorum.voters controller.quorum.bootstrap.servers
      broker.rack log.dirs log.dir num.partitions default.replication.factor auto.create.topics.enable delete.topic.enable
      log.segment.bytes log.roll.ms log.roll.hours log.retention.ms log.retention.minutes log.retention.hours
      log.retention.bytes log.retention.check.interval.ms log.cleanup.policy log.cleaner.enable
      log.cleaner.delete.retention.ms log.cleaner.min.cleanable.ratio log.cleaner.min.compaction.lag.ms
      log.index.interval.bytes log.index.size.max.bytes log.flush.interval.messages log.flush.interval.ms
      log.flush.scheduler.interval.ms log.message.timestamp.type message.max.bytes replica.fetch.max.bytes
      socket.request.max.bytes socket.send.buffer.bytes socket.receive.buffer.bytes num.network.threads num.io.threads
      offsets.topic.num.partitions offsets.topic.replication.factor offsets.topic.segment.bytes offsets.retention.minutes
      offsets.retention.check.interval.ms offsets.commit.timeout.ms group.min.session.timeout.ms
      group.max.session.timeout.ms group.initial.rebalance.delay.ms group.max.size group.consumer.session.timeout.ms
      group.consumer.heartbeat.interval.ms group.consumer.assignors group.coordinator.rebalance.protocols
      transactional.id.expiration.ms producer.id.expiration.ms max.incremental.fetch.session.cache.slots fetch.max.bytes
      min.insync.replicas unclean.leader.election.enable connections.max.idle.ms queued.max.requests metadata.log.dir`
      .split(/\s+/)
      .filter((s) => s !== "");
    for (const name of required) expect(brokerKeyDef(name), name).toBeDefined();
  });

  it("keep Kafka's defaults", () => {
    const kafka: Record<string, string> = {
      "log.segment.bytes": "1073741824",
      "log.retention.hours": "168",
      "message.max.bytes": "1048588",
      "socket.request.max.bytes": "104857600",
      "offsets.topic.num.partitions": "50",
      "group.min.session.timeout.ms": "6000",
      "group.max.session.timeout.ms": "1800000",
      "log.index.interval.bytes": "4096",
      "log.index.size.max.bytes": "10485760",
      "replica.fetch.max.bytes": "1048576",
      "fetch.max.bytes": "57671680",
      "offsets.retention.minutes": "10080",
      "transactional.id.expiration.ms": "604800000",
      "producer.id.expiration.ms": "86400000",
      "log.message.timestamp.after.max.ms": "3600000",
      "group.consumer.assignors": "uniform,range",
      "listener.security.protocol.map": "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT",
    };
    for (const [name, value] of Object.entries(kafka)) expect(brokerKeyDef(name)?.default, name).toBe(value);
  });

  it("record where Millrace's embedded defaults differ from Kafka's", () => {
    const differ = BROKER_CONFIG_DEFS.filter((d) => "kafkaDefault" in d).map((d) => [d.name, d.default, d.kafkaDefault]);
    expect(differ).toEqual([
      ["node.id", "1", undefined],
      ["process.roles", "broker,controller", ""],
      ["listeners", "PLAINTEXT://127.0.0.1:9092", "PLAINTEXT://:9092"],
      ["log.dir", "./data", "/tmp/kafka-logs"],
      ["offsets.topic.replication.factor", "1", "3"],
      ["transaction.state.log.replication.factor", "1", "3"],
      ["transaction.state.log.min.isr", "1", "2"],
    ]);
  });

  it("mark update modes as Kafka's DynamicBrokerConfig does", () => {
    const mode = (n: string) => brokerKeyDef(n)?.updateMode;
    expect(mode("log.retention.ms")).toBe("cluster-wide");
    expect(mode("log.retention.hours")).toBe("read-only");
    expect(mode("log.roll.hours")).toBe("read-only");
    expect(mode("message.max.bytes")).toBe("cluster-wide");
    expect(mode("num.io.threads")).toBe("cluster-wide");
    expect(mode("listeners")).toBe("per-broker");
    expect(mode("advertised.listeners")).toBe("per-broker");
    expect(mode("num.partitions")).toBe("read-only");
    expect(mode("producer.id.expiration.ms")).toBe("cluster-wide");
    expect(mode("log.flush.scheduler.interval.ms")).toBe("read-only");
  });

  it("resolve listener-prefixed keys to their base definition", () => {
    const r = resolveBrokerKey("listener.name.internal.ssl.keystore.location");
    expect(r?.listener).toBe("internal");
    expect(r?.def.type).toBe("string");
    expect(resolveBrokerKey("listener.name.client.plain.sasl.jaas.config")?.def.type).toBe("password");
    expect(resolveBrokerKey("listener.name.client.max.connections")?.def.updateMode).toBe("cluster-wide");
    expect(resolveBrokerKey("listener.name.client.no.such.key")).toBeUndefined();
  });
});

describe("topic definitions", () => {
  it("have defaults that parse and synonyms that are broker keys", () => {
    for (const t of TOPIC_CONFIG_DEFS) {
      expect(parseValue(t, t.default as string), t.name).toMatchObject({ ok: true });
      for (const s of t.synonyms) expect(brokerKeyDef(s.name), `${t.name} → ${s.name}`).toBeDefined();
    }
  });

  it("are sorted by name", () => {
    const names = TOPIC_CONFIG_DEFS.map((t) => t.name);
    expect(names).toEqual([...names].sort());
  });
});
