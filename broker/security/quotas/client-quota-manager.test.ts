import { describe, expect, it } from "vitest";
import { MetadataImage, type QuotaEntityPart } from "../../metadata/metadata-image.js";
import { decideAlterations } from "./alter-client-quotas.js";
import { ClientQuotaManager } from "./client-quota-manager.js";

function setQuota(image: MetadataImage, entity: QuotaEntityPart[], key: string, value: number | null): void {
  const d = decideAlterations([{ entity, ops: [{ key, value: value ?? 0, remove: value === null }] }], image.clientQuotas);
  for (const r of d.records) image.apply(r);
}

function manager(image: MetadataImage, clock: { now: number }): ClientQuotaManager {
  return new ClientQuotaManager({ image, windowNum: 11, windowSizeSeconds: 1, now: () => clock.now });
}

const alice = { user: "alice", clientId: "app" };

describe("ClientQuotaManager", () => {
  it("is idle, and throttles nobody, while no quota is configured", () => {
    const m = manager(new MetadataImage(), { now: 0 });
    expect(m.idle).toBe(true);
    expect(m.recordAndThrottleMs("producer_byte_rate", alice, 1e9)).toBe(0);
  });

  it("throttles a producer over its client-id quota by Kafka's formula", () => {
    const image = new MetadataImage();
    setQuota(image, [{ entityType: "client-id", entityName: "app" }], "producer_byte_rate", 1000);
    const clock = { now: 0 };
    const m = manager(image, clock);
    expect(m.idle).toBe(false);
    expect(m.recordAndThrottleMs("producer_byte_rate", alice, 10_000)).toBe(0); // 1000/s over the 10 s minimum window
    // 15 kB over 10 s = 1500/s: (1500 − 1000) / 1000 × 10 s.
    expect(m.recordAndThrottleMs("producer_byte_rate", alice, 5000)).toBe(5000);
    // Another user with the same client id shares the client-id quota's measurement.
    expect(m.recordAndThrottleMs("producer_byte_rate", { user: "bob", clientId: "app" }, 0)).toBe(5000);
    // Other quota types and other clients are not affected.
    expect(m.recordAndThrottleMs("consumer_byte_rate", alice, 1e9)).toBe(0);
    expect(m.recordAndThrottleMs("producer_byte_rate", { user: "alice", clientId: "other" }, 1e9)).toBe(0);
  });

  it("measures each client id on its own under the default client-id quota", () => {
    const image = new MetadataImage();
    setQuota(image, [{ entityType: "client-id", entityName: null }], "producer_byte_rate", 1000);
    const m = manager(image, { now: 0 });
    expect(m.recordAndThrottleMs("producer_byte_rate", { user: "u", clientId: "a" }, 15_000)).toBe(5000);
    expect(m.recordAndThrottleMs("producer_byte_rate", { user: "u", clientId: "b" }, 10_000)).toBe(0);
  });

  it("follows quota changes in the image, keeping what it measured", () => {
    const image = new MetadataImage();
    setQuota(image, [{ entityType: "user", entityName: "alice" }], "producer_byte_rate", 1000);
    const m = manager(image, { now: 0 });
    expect(m.recordAndThrottleMs("producer_byte_rate", alice, 20_000)).toBe(10_000);
    setQuota(image, [{ entityType: "user", entityName: "alice" }], "producer_byte_rate", 4000);
    expect(m.recordAndThrottleMs("producer_byte_rate", alice, 0)).toBe(0);
    setQuota(image, [{ entityType: "user", entityName: "alice" }], "producer_byte_rate", null);
    expect(m.idle).toBe(true);
    expect(m.limitFor("producer_byte_rate", alice)).toBeNull();
  });

  it("bounds the request quota's throttle by one window, as Kafka does", () => {
    const image = new MetadataImage();
    setQuota(image, [{ entityType: "user", entityName: null }], "request_percentage", 1);
    const m = manager(image, { now: 0 });
    expect(m.recordAndThrottleMs("request_percentage", alice, 1000)).toBe(1000);
  });

  it("bounds a fetch by the quota over (samples − 1) windows and takes back unsent bytes", () => {
    const image = new MetadataImage();
    setQuota(image, [{ entityType: "user", entityName: "alice" }], "consumer_byte_rate", 1000);
    const m = manager(image, { now: 0 });
    expect(m.maxValueInWindow("consumer_byte_rate", alice)).toBe(10_000);
    expect(m.recordAndThrottleMs("consumer_byte_rate", alice, 20_000)).toBe(10_000);
    m.unrecord("consumer_byte_rate", alice, 20_000);
    expect(m.recordAndThrottleMs("consumer_byte_rate", alice, 0)).toBe(0);
  });

  it("controller mutations: a burst of rate × samples × window, then a debt paid back at the rate", () => {
    const image = new MetadataImage();
    setQuota(image, [{ entityType: "user", entityName: "alice" }], "controller_mutation_rate", 2);
    const clock = { now: 0 };
    const m = manager(image, clock);
    const q = m.controllerMutation(alice)!;
    expect(q.throttleMs()).toBe(0);
    q.record(30); // 22 tokens in the bucket: 8 owed
    expect(q.throttleMs()).toBe(4000);
    clock.now = 4000;
    expect(m.controllerMutation(alice)!.throttleMs()).toBe(0);
    expect(m.controllerMutation({ user: "bob", clientId: "app" })).toBeNull();
  });
});
