import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigSource } from "./config-def.js";
import { ConfigError } from "./errors.js";
import { loadBrokerConfig } from "./load.js";

const dir = mkdtempSync(join(tmpdir(), "millrace-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadBrokerConfig", () => {
  it("reads a Kafka server.properties and applies env and --override on top", () => {
    const file = join(dir, "server.properties");
    writeFileSync(
      file,
      [
        "# a typical KRaft combined-mode file",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@localhost:9093",
        "listeners=PLAINTEXT://:9092,CONTROLLER://:9093",
        "advertised.listeners=PLAINTEXT://localhost:9092",
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "num.network.threads=3",
        "num.io.threads=8",
        "log.dirs=/tmp/kraft-combined-logs",
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "log.retention.hours=168",
        "log.segment.bytes=1073741824",
        "log.retention.check.interval.ms=300000",
        "",
      ].join("\n"),
    );
    const c = loadBrokerConfig({
      argv: [file, "--override", "num.partitions=3"],
      env: { MILLRACE_LOG_RETENTION_HOURS: "24", HOME: "/root" },
    });
    expect(c.numPartitions).toBe(3);
    expect(c.logRetentionMs).toBe(24 * 3_600_000);
    expect(c.logDirs).toEqual(["/tmp/kraft-combined-logs"]);
    expect(c.advertisedListeners.map((l) => `${l.name}://${l.host}:${l.port}`)).toEqual(["PLAINTEXT://localhost:9092"]);
    expect(c.entries.get("num.partitions")?.source).toBe(ConfigSource.STATIC_BROKER_CONFIG);
    expect(c.layers.static.get("log.retention.hours")?.origin).toBe("env");
    expect(c.warnings).toEqual([]);
  });

  it("fails with a one-line ConfigError naming the key and its origin", () => {
    const readFile = () => "num.partitions=1\nlog.retention.hours=one day\n";
    let error: unknown;
    try {
      loadBrokerConfig({ argv: ["--config", "my.properties"], readFile });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      "Invalid value one day for configuration log.retention.hours: Not a number of type INT (from my.properties:2)",
    );
    expect((error as ConfigError).message).not.toContain("\n");
  });

  it("reports an unreadable file and an unknown environment key", () => {
    expect(() => loadBrokerConfig({ argv: ["--config", join(dir, "missing.properties")] })).toThrow(/cannot read config file/);
    expect(() => loadBrokerConfig({ env: { MILLRACE_NUM_PARTITION: "2" } })).toThrow(
      "Unknown broker config 'num.partition' (did you mean 'num.partitions'?) (from environment variable MILLRACE_NUM_PARTITION)",
    );
  });

  it("loads the shipped example server.properties", () => {
    const example = fileURLToPath(new URL("../../examples/server.properties", import.meta.url));
    const c = loadBrokerConfig({ argv: ["--config", example] });
    expect(c.numPartitions).toBe(3);
    expect(c.logFlushIntervalMessages).toBe(1);
    expect(c.warnings).toEqual([]);
  });

  it("needs no arguments at all", () => {
    expect(loadBrokerConfig().listeners[0]?.port).toBe(9092);
  });
});
