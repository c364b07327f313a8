import { describe, expect, it } from "vitest";
import { brokerLeavingChanges, brokerReturningChanges, election, ElectionType, isrChange, rebalanceChanges, uncleanElectionChanges } from "./partition-leadership.js";
import { TEST_TOPIC_ID as TOPIC, testImage, type TestPartition } from "./test-image.js";

const image = (partitions: TestPartition[], fenced: number[] = []) => testImage(partitions, { fenced });

const changes = (records: ReturnType<typeof brokerLeavingChanges>) =>
  records.map((r) => (r.type === "partitionChange" ? { p: r.record.partitionId, leader: r.record.leader, isr: r.record.isr } : null));

describe("partition leadership decisions", () => {
  it("moves a departing broker's leaderships to the next ISR member and drops it from ISRs, keeping a last member", () => {
    const img = image([
      { replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 },
      { replicas: [2, 1, 3], isr: [2, 1], leader: 2 },
      { replicas: [1, 3, 2], isr: [1], leader: 1 },
      { replicas: [2, 3], isr: [2, 3], leader: 2 },
    ]);
    expect(changes(brokerLeavingChanges(img, 1))).toEqual([
      { p: 0, leader: 2, isr: [2, 3] },
      { p: 1, leader: -2, isr: [2] },
      // The only in-sync copy: it stays in the ISR, and the partition has no leader until it returns.
      { p: 2, leader: -1, isr: null },
    ]);
  });

  it("gives a leaderless partition back to a returning ISR member", () => {
    const img = image([{ replicas: [1, 2], isr: [1], leader: -1 }, { replicas: [2, 1], isr: [2], leader: -1 }]);
    expect(changes(brokerReturningChanges(img, 1))).toEqual([{ p: 0, leader: 1, isr: null }]);
  });

  it("checks ISR changes as the controller must", () => {
    const img = image([{ replicas: [1, 2, 3], isr: [1, 2], leader: 1 }], [3]);
    const base = { brokerId: 1, topicId: TOPIC, partition: 0, leaderEpoch: 0, partitionEpoch: 0 };
    expect(isrChange(img, { ...base, newIsr: [1, 2] })).toEqual({ ok: true, record: null });
    expect(isrChange(img, { ...base, newIsr: [1] })).toMatchObject({ ok: true });
    expect(isrChange(img, { ...base, newIsr: [1, 2, 3] })).toEqual({ ok: false, error: "INELIGIBLE_REPLICA" }); // 3 is fenced
    expect(isrChange(img, { ...base, newIsr: [2] })).toEqual({ ok: false, error: "INVALID_REQUEST" });
    expect(isrChange(img, { ...base, brokerId: 2, newIsr: [1] })).toEqual({ ok: false, error: "NOT_LEADER_OR_FOLLOWER" });
    expect(isrChange(img, { ...base, partitionEpoch: 7, newIsr: [1] })).toEqual({ ok: false, error: "INVALID_UPDATE_VERSION" });
    expect(isrChange(img, { ...base, leaderEpoch: -1, newIsr: [1] })).toEqual({ ok: false, error: "FENCED_LEADER_EPOCH" });
  });

  it("elects preferred and unclean leaders only when it may", () => {
    const img = image(
      [
        { replicas: [1, 2], isr: [1, 2], leader: 2 },
        { replicas: [1, 2], isr: [1, 2], leader: 1 },
        { replicas: [3, 2], isr: [2], leader: 2 },
        { replicas: [3, 2], isr: [3], leader: -1 },
      ],
      [3],
    );
    expect(election(img, TOPIC, 0, ElectionType.preferred).error).toBe("NONE");
    expect(election(img, TOPIC, 1, ElectionType.preferred).error).toBe("ELECTION_NOT_NEEDED");
    expect(election(img, TOPIC, 2, ElectionType.preferred).error).toBe("PREFERRED_LEADER_NOT_AVAILABLE");
    expect(election(img, TOPIC, 9, ElectionType.preferred).error).toBe("UNKNOWN_TOPIC_OR_PARTITION");
    // Partition 3's only in-sync copy is on fenced broker 3: an unclean election picks live broker 2.
    const unclean = election(img, TOPIC, 3, ElectionType.unclean);
    expect(unclean.error).toBe("NONE");
    expect(unclean.record).toMatchObject({ record: { leader: 2, isr: [2] } });
  });

  it("rebalances only brokers beyond the tolerated imbalance", () => {
    const img = image([
      { replicas: [1, 2], isr: [1, 2], leader: 2 },
      { replicas: [1, 2], isr: [1, 2], leader: 1 },
      { replicas: [2, 1], isr: [2, 1], leader: 2 },
    ]);
    // Broker 1 leads 1 of its 2 preferred partitions: 50 % misplaced.
    expect(changes(rebalanceChanges(img, 60))).toEqual([]);
    expect(changes(rebalanceChanges(img, 10))).toEqual([{ p: 0, leader: 1, isr: null }]);
  });

  it("elects out-of-sync replicas only where the topic allows it and no in-sync replica can lead", () => {
    const img = image(
      [
        { replicas: [3, 2, 1], isr: [3], leader: -1 }, // the only in-sync replica is on fenced 3
        { replicas: [3, 2], isr: [3, 2], leader: -1 }, // 2 is in sync: a clean election's job
        { replicas: [1, 2], isr: [1, 2], leader: 1 },
      ],
      [3],
    );
    expect(changes(uncleanElectionChanges(img, () => false))).toEqual([]);
    expect(changes(uncleanElectionChanges(img, (topic) => topic === "t"))).toEqual([{ p: 0, leader: 2, isr: [2] }]);
  });
});
