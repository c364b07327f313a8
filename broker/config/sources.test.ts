import { describe, expect, it } from "vitest";
import { parseConfigArgs } from "./args.js";
import { ConfigError } from "./errors.js";
import { collectStaticConfig, envVarToKey, keyToEnvVar } from "./sources.js";

describe("environment variable names", () => {
  it("map MILLRACE_A_B to a.b, with __ for _ and ___ for -", () => {
    expect(envVarToKey("MILLRACE_LOG_RETENTION_HOURS")).toBe("log.retention.hours");
    expect(envVarToKey("MILLRACE_A__B___C")).toBe("a_b-c");
    expect(envVarToKey("KAFKA_LOG_DIRS")).toBeUndefined();
    expect(keyToEnvVar("log.retention.hours")).toBe("MILLRACE_LOG_RETENTION_HOURS");
    expect(envVarToKey(keyToEnvVar("a_b-c.d"))).toBe("a_b-c.d");
  });
});

describe("collectStaticConfig", () => {
  it("applies file < env < overrides, remembering where each value came from", () => {
    const layer = collectStaticConfig({
      file: { path: "server.properties", text: "num.partitions=3\nlog.dirs=/a\nbroker.rack=r1\n" },
      env: { MILLRACE_NUM_PARTITIONS: "4", MILLRACE_LOG_DIRS: "/b", PATH: "/usr/bin" },
      overrides: ["num.partitions=5", "listeners=PLAINTEXT://:1=2"],
    });
    expect(Object.fromEntries([...layer].map(([k, e]) => [k, [e.value, e.origin, e.location]]))).toEqual({
      "num.partitions": ["5", "override", "--override num.partitions"],
      "log.dirs": ["/b", "env", "environment variable MILLRACE_LOG_DIRS"],
      "broker.rack": ["r1", "file", "server.properties:3"],
      listeners: ["PLAINTEXT://:1=2", "override", "--override listeners"],
    });
  });

  it("skips tooling variables", () => {
    const layer = collectStaticConfig({ env: { MILLRACE_SKIP_COMPAT: "1", MILLRACE_LOG_LEVEL: "debug", MILLRACE_TEST_HOME: "/x" } });
    expect(layer.size).toBe(0);
  });

  it("accepts an empty override value and refuses one without '='", () => {
    expect(collectStaticConfig({ overrides: ["advertised.listeners="] }).get("advertised.listeners")?.value).toBe("");
    expect(() => collectStaticConfig({ overrides: ["num.partitions"] })).toThrow(ConfigError);
  });

  it("points at the file line of a syntax error", () => {
    expect(() => collectStaticConfig({ file: { path: "s.properties", text: "a=1\nb=\\uZZZZ\n" } })).toThrow(
      "Malformed \\uxxxx encoding. (from s.properties:2)",
    );
  });
});

describe("parseConfigArgs", () => {
  it("reads --config, --override in both spellings and a bare .properties path", () => {
    expect(parseConfigArgs(["--config", "a.properties", "--override", "x=1", "--override=y=2", "--verbose"])).toEqual({
      configFile: "a.properties",
      overrides: ["x=1", "y=2"],
      rest: ["--verbose"],
    });
    expect(parseConfigArgs(["server.properties"]).configFile).toBe("server.properties");
    expect(parseConfigArgs(["--config=b.properties"]).configFile).toBe("b.properties");
  });

  it("refuses a missing value and two config files", () => {
    expect(() => parseConfigArgs(["--override"])).toThrow("--override needs a value");
    expect(() => parseConfigArgs(["a.properties", "--config", "b.properties"])).toThrow(ConfigError);
  });
});
