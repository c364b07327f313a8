import { describe, expect, it } from "vitest";
import { MetadataImage } from "../metadata/metadata-image.js";
import { dynamicBrokerNumber, listsThrottledReplica, ReplicationQuota } from "./replication-quota.js";

describe("replication quota", () => {
  it("measures bytes over at least windowNum − 1 windows and drops samples that age out", () => {
    let now = 0;
    let rate = 1000;
    const quota = new ReplicationQuota({ rate: () => rate, windowNum: 11, windowMs: 1000, now: () => now });
    expect(quota.exceeded()).toBe(false);
    quota.record(9_000); // a burst: 9,000 bytes over the 10 s floor is 900 B/s
    expect(quota.measured()).toBe(900);
    expect(quota.exceeded()).toBe(false);
    quota.record(2_000);
    expect(quota.exceeded()).toBe(true);
    now = 11_000; // every sample is older than 11 windows
    expect(quota.measured()).toBe(0);
    expect(quota.exceeded()).toBe(false);
    quota.record(50_000);
    rate = Number.MAX_SAFE_INTEGER; // Kafka's Long.MAX_VALUE default: no limit
    expect(quota.exceeded()).toBe(false);
  });

  it("reads throttled-replica lists as Kafka writes them", () => {
    expect(listsThrottledReplica("0:1,1:2", 0, 1)).toBe(true);
    expect(listsThrottledReplica("0:1,1:2", 1, 2)).toBe(true);
    expect(listsThrottledReplica("0:1, 1:2", 1, 1)).toBe(false);
    expect(listsThrottledReplica("*", 7, 3)).toBe(true);
    expect(listsThrottledReplica("", 0, 1)).toBe(false);
    expect(listsThrottledReplica(undefined, 0, 1)).toBe(false);
  });

  it("takes a rate from this broker's dynamic config, else the cluster default, else the static one", () => {
    const image = new MetadataImage();
    const key = "leader.replication.throttled.rate";
    expect(dynamicBrokerNumber(image, 1, key, 5)).toBe(5);
    image.apply({ type: "config", record: { resourceType: 4, resourceName: "", name: key, value: "100" } });
    expect(dynamicBrokerNumber(image, 1, key, 5)).toBe(100);
    image.apply({ type: "config", record: { resourceType: 4, resourceName: "1", name: key, value: "7" } });
    expect(dynamicBrokerNumber(image, 1, key, 5)).toBe(7);
    expect(dynamicBrokerNumber(image, 2, key, 5)).toBe(100);
  });
});
