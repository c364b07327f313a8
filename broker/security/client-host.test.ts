import { describe, expect, it } from "vitest";
import { aclHost, hostFromBytes, hostToBytes } from "./client-host.js";
import { deserializePrincipal, serializePrincipal } from "./principal-serde.js";

describe("client host", () => {
  it("names IPv4 clients of dual-stack sockets as IPv4, as ACL hosts do", () => {
    expect(aclHost("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(aclHost("10.1.2.3")).toBe("10.1.2.3");
    expect(aclHost("::1")).toBe("::1");
  });

  it("round-trips addresses through Envelope bytes", () => {
    expect([...hostToBytes("::ffff:127.0.0.1")]).toEqual([127, 0, 0, 1]);
    expect(hostFromBytes(hostToBytes("192.168.0.9"))).toBe("192.168.0.9");
    expect(hostToBytes("::1").length).toBe(16);
    expect(hostFromBytes(hostToBytes("::1"))).toBe("0:0:0:0:0:0:0:1");
    expect(hostFromBytes(hostToBytes("fe80::1:2"))).toBe("fe80:0:0:0:0:0:1:2");
    expect(() => hostFromBytes(Buffer.alloc(3))).toThrow(/3 bytes/);
  });

  it("serializes principals as Kafka's DefaultPrincipalData", () => {
    expect(deserializePrincipal(serializePrincipal({ type: "User", name: "alice:x" }))).toEqual({ type: "User", name: "alice:x" });
    expect(() => deserializePrincipal(Buffer.from([0, 9]))).toThrow(/version 9/);
  });
});
