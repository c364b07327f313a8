import { describe, expect, it } from "vitest";
import { settingsFromEnv } from "./main.js";

describe("operator settings from the environment", () => {
  it("defaults: all namespaces, leader election on, port 8081", () => {
    expect(settingsFromEnv({ POD_NAME: "op-0" })).toEqual({ identity: "op-0", leaseNamespace: "default", namespaces: undefined, leaderElect: true, healthPort: 8081 });
  });

  it("reads namespaces, election and port", () => {
    expect(settingsFromEnv({ POD_NAME: "op-1", POD_NAMESPACE: "millrace", MILLRACE_WATCH_NAMESPACES: " kafka, apps ,", MILLRACE_LEADER_ELECT: "false", MILLRACE_HEALTH_PORT: "9000" })).toEqual({
      identity: "op-1",
      leaseNamespace: "millrace",
      namespaces: ["kafka", "apps"],
      leaderElect: false,
      healthPort: 9000,
    });
  });

  it("refuses bad values with the variable named", () => {
    expect(() => settingsFromEnv({ MILLRACE_HEALTH_PORT: "http" })).toThrow(/MILLRACE_HEALTH_PORT=http/);
    expect(() => settingsFromEnv({ MILLRACE_LEADER_ELECT: "yes" })).toThrow(/MILLRACE_LEADER_ELECT=yes: want true or false/);
  });
});
