import { describe, expect, it } from "vitest";
import {
  type SecurityProtocol,
  formatListener,
  parseBootstrapServers,
  parseListeners,
  parseQuorumVoters,
  parseSecurityProtocolMap,
} from "./listeners.js";

const defaultMap = new Map<string, SecurityProtocol>([
  ["PLAINTEXT", "PLAINTEXT"],
  ["SSL", "SSL"],
  ["EXTERNAL", "PLAINTEXT"],
  ["CONTROLLER", "PLAINTEXT"],
]);

const listeners = (value: string, distinct = true) => parseListeners("listeners", value, defaultMap, distinct);

describe("parseListeners", () => {
  it("parses names, hosts, empty hosts and IPv6 literals", () => {
    expect(listeners("PLAINTEXT://127.0.0.1:9092,external://:9093, SSL://[::1]:9094")).toEqual({
      ok: true,
      value: [
        { name: "PLAINTEXT", host: "127.0.0.1", port: 9092, securityProtocol: "PLAINTEXT" },
        { name: "EXTERNAL", host: "", port: 9093, securityProtocol: "PLAINTEXT" },
        { name: "SSL", host: "::1", port: 9094, securityProtocol: "SSL" },
      ],
    });
  });

  it("round-trips through formatListener", () => {
    const r = listeners("SSL://[::1]:9094,PLAINTEXT://:9092");
    expect(r.ok && r.value.map(formatListener)).toEqual(["SSL://[::1]:9094", "PLAINTEXT://:9092"]);
  });

  it("rejects unparsable entries, unknown protocols and bad ports", () => {
    expect(listeners("localhost:9092")).toMatchObject({ ok: false, error: expect.stringContaining("Unable to parse localhost:9092") });
    expect(listeners("CLIENT://:9092")).toMatchObject({ ok: false, error: expect.stringContaining("No security protocol defined for listener CLIENT") });
    expect(listeners("PLAINTEXT://:70000")).toMatchObject({ ok: false, error: expect.stringContaining("not between 0 and 65535") });
  });

  it("rejects duplicate names and ports, except one IPv4 plus one IPv6 on a port", () => {
    expect(listeners("PLAINTEXT://:9092,PLAINTEXT://:9093")).toMatchObject({ ok: false, error: expect.stringContaining("different name") });
    expect(listeners("PLAINTEXT://:9092,EXTERNAL://:9092")).toMatchObject({ ok: false, error: expect.stringContaining("different port") });
    expect(listeners("PLAINTEXT://127.0.0.1:9092,EXTERNAL://[::1]:9092").ok).toBe(true);
    expect(listeners("PLAINTEXT://:0,EXTERNAL://:0").ok).toBe(true);
    // advertised listeners may share a port (one load balancer address for two listeners)
    expect(listeners("PLAINTEXT://lb:9092,EXTERNAL://lb:9092", false).ok).toBe(true);
  });
});

describe("parseSecurityProtocolMap", () => {
  it("upper-cases names and accepts protocols in any case", () => {
    const r = parseSecurityProtocolMap("internal:plaintext, EXTERNAL:SSL");
    expect(r.ok && [...r.value]).toEqual([["INTERNAL", "PLAINTEXT"], ["EXTERNAL", "SSL"]]);
  });

  it("names the bad protocol", () => {
    expect(parseSecurityProtocolMap("A:TLS")).toEqual({
      ok: false,
      error: "Invalid security protocol `TLS` defined in listener.security.protocol.map",
    });
    expect(parseSecurityProtocolMap("A").ok).toBe(false);
  });
});

describe("quorum addresses", () => {
  it("parses voters", () => {
    expect(parseQuorumVoters(["1@localhost:9093", "2@[::1]:9093"])).toEqual({
      ok: true,
      value: [
        { id: 1, host: "localhost", port: 9093 },
        { id: 2, host: "::1", port: 9093 },
      ],
    });
    expect(parseQuorumVoters(["localhost:9093"]).ok).toBe(false);
    expect(parseQuorumVoters(["x@localhost:9093"]).ok).toBe(false);
    expect(parseQuorumVoters(["1@a:1", "1@b:2"]).ok).toBe(false);
  });

  it("parses bootstrap servers", () => {
    expect(parseBootstrapServers(["c1:9093", "c2:9093"])).toEqual({
      ok: true,
      value: [
        { host: "c1", port: 9093 },
        { host: "c2", port: 9093 },
      ],
    });
    expect(parseBootstrapServers(["c1"]).ok).toBe(false);
  });
});
