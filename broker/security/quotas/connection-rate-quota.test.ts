import { describe, expect, it } from "vitest";
import { connect } from "node:net";
import { MetadataImage, type QuotaEntityPart } from "../../metadata/metadata-image.js";
import { apiVersionsHandler } from "../../handlers/18-api-versions.js";
import { startTestBroker } from "../../handlers/test-fixtures.js";
import { Listener } from "../../network/listener.js";
import { decideAlterations } from "./alter-client-quotas.js";
import { ClientQuotaManager } from "./client-quota-manager.js";
import { ConnectionRateQuota, normalizedIp } from "./connection-rate-quota.js";

function setIpQuota(image: MetadataImage, ip: string | null, value: number): void {
  const entity: QuotaEntityPart[] = [{ entityType: "ip", entityName: ip }];
  for (const r of decideAlterations([{ entity, ops: [{ key: "connection_creation_rate", value, remove: false }] }], image.clientQuotas).records) image.apply(r);
}

describe("connection_creation_rate (ip quotas)", () => {
  it("admits an address's connections up to its rate, then refuses for the throttle time (at most one window), not counting refusals", () => {
    const image = new MetadataImage();
    setIpQuota(image, "10.0.0.1", 2);
    const clock = { now: 0 };
    const q = new ConnectionRateQuota({ image, windowNum: 11, windowSizeSeconds: 1, now: () => clock.now });
    // 2 per second over the 10 s minimum window: 20 connections.
    for (let i = 0; i < 20; i++) expect(q.admit("10.0.0.1")).toBe(0);
    expect(q.admit("10.0.0.1")).toBe(500); // (2.1 − 2) / 2 × 10 s, bounded by one window (1 s)
    expect(q.admit("10.0.0.1")).toBe(500); // the refused one did not count
    expect(q.admit("10.0.0.2")).toBe(0); // no quota for that address
    expect(q.admit("::ffff:10.0.0.1")).toBe(500); // the same address, IPv4-mapped
  });

  it("falls back to the default ip quota, and a specific one wins over it", () => {
    const image = new MetadataImage();
    setIpQuota(image, null, 1);
    setIpQuota(image, "10.0.0.9", 100);
    const q = new ConnectionRateQuota({ image, windowNum: 2, windowSizeSeconds: 1, now: () => 0 });
    expect(q.admit("10.0.0.3")).toBe(0);
    expect(q.admit("10.0.0.3")).toBe(1000);
    expect(q.admit("10.0.0.4")).toBe(0); // each address on its own
    expect(q.admit("10.0.0.9")).toBe(0);
    expect(q.admit("10.0.0.9")).toBe(0);
  });

  it("normalizes IPv4-mapped addresses only", () => {
    expect(normalizedIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizedIp("::1")).toBe("::1");
  });

  it("a listener closes a connection over the rate without serving it", async () => {
    const broker = await startTestBroker({ handlers: [apiVersionsHandler] });
    const quotas = new ClientQuotaManager({ image: broker.services.metadata.image, windowNum: 2, windowSizeSeconds: 1 });
    const services = { ...broker.services, quotas };
    await broker.services.metadata.change(() => ({
      records: decideAlterations([{ entity: [{ entityType: "ip", entityName: "127.0.0.1" }], ops: [{ key: "connection_creation_rate", value: 1, remove: false }] }], broker.services.metadata.image.clientQuotas).records,
      result: null,
    }));
    const listener = new Listener({ name: "CLIENTS", host: "127.0.0.1", port: 0, securityProtocol: "PLAINTEXT" }, services, services.log);
    const port = await listener.listen();
    // ApiVersions v0: header v1, empty body.
    const apiVersions = Buffer.from([0, 0, 0, 14, 0, 18, 0, 0, 0, 0, 0, 1, 0, 4, 0x74, 0x65, 0x73, 0x74]);
    const exchange = () =>
      new Promise<{ answered: boolean; closedAfterMs: number }>((resolve) => {
        const started = Date.now();
        let answered = false;
        const socket = connect({ host: "127.0.0.1", port }, () => socket.write(apiVersions));
        socket.on("data", () => {
          answered = true;
          socket.destroy();
        });
        socket.on("error", () => undefined);
        socket.on("close", () => resolve({ answered, closedAfterMs: Date.now() - started }));
      });
    try {
      // One per second over the 1 s minimum window: the first is served, the second is not.
      expect((await exchange()).answered).toBe(true);
      const refused = await exchange();
      expect(refused.answered).toBe(false);
      expect(refused.closedAfterMs).toBeGreaterThanOrEqual(900);
      expect(refused.closedAfterMs).toBeLessThan(3000);
    } finally {
      await listener.close();
      await broker.close();
    }
  });
});
