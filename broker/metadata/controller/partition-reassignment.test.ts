import { describe, expect, it } from "vitest";
import type { MetadataImage } from "../metadata-image.js";
import type { MetadataRecord } from "../metadata-records.js";
import { change } from "./partition-leadership.js";
import { ongoingReassignments, reassignment, reassignmentCompletion } from "./partition-reassignment.js";
import { TEST_TOPIC_ID as TOPIC, testImage } from "./test-image.js";

const BROKERS = { brokers: [1, 2, 3, 4, 5] };

/** Applies a decision's record, as the quorum would once it commits. */
function commit(img: MetadataImage, record: MetadataRecord | null): void {
  if (record) img.apply(record);
}

const partition = (img: MetadataImage, p = 0) => {
  const s = img.topicsById.get(TOPIC)!.partitions[p]!;
  return { replicas: s.replicas, isr: s.isr, adding: s.addingReplicas, removing: s.removingReplicas, leader: s.leader };
};

describe("partition reassignment decisions", () => {
  it("starts by adding the new replicas, completes once they are in sync, and moves leadership off a removed leader", () => {
    const img = testImage([{ replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 }], BROKERS);
    const started = reassignment(img, TOPIC, 0, [4, 2, 5]);
    expect(started.error).toBe("NONE");
    commit(img, started.record);
    expect(partition(img)).toEqual({ replicas: [4, 2, 5, 1, 3], isr: [1, 2, 3], adding: [4, 5], removing: [1, 3], leader: 1 });
    expect(ongoingReassignments(img).map((o) => o.partition.partition)).toEqual([0]);

    const p = img.topicsById.get(TOPIC)!.partitions[0]!;
    // Only one of the two new replicas caught up: nothing to complete yet.
    expect(reassignmentCompletion(p, [1, 2, 3, 4], img)).toBeNull();
    const done = reassignmentCompletion(p, [1, 2, 3, 4, 5], img)!;
    expect(done).toEqual({ replicas: [4, 2, 5], isr: [2, 4, 5], addingReplicas: [], removingReplicas: [], leader: 4 });
    commit(img, change(TOPIC, 0, done));
    expect(ongoingReassignments(img)).toEqual([]);
  });

  it("completes at once when the target replicas are already in sync (a pure shrink or reorder)", () => {
    const img = testImage([{ replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 }], BROKERS);
    commit(img, reassignment(img, TOPIC, 0, [2, 3]).record);
    expect(partition(img)).toEqual({ replicas: [2, 3], isr: [2, 3], adding: [], removing: [], leader: 2 });
    // Asking for what is already there changes nothing.
    expect(reassignment(img, TOPIC, 0, [2, 3])).toEqual({ error: "NONE", record: null });
  });

  it("a new target replaces an ongoing reassignment, measured against the original replicas", () => {
    const img = testImage([{ replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 }], BROKERS);
    commit(img, reassignment(img, TOPIC, 0, [1, 2, 4]).record);
    // Replica 4 caught up meanwhile; the new target drops it again.
    commit(img, { type: "partitionChange", record: { ...isrOnly([1, 2, 3, 4]) } });
    commit(img, reassignment(img, TOPIC, 0, [1, 2, 5]).record);
    expect(partition(img)).toEqual({ replicas: [1, 2, 5, 3], isr: [1, 2, 3], adding: [5], removing: [3], leader: 1 });
  });

  it("cancels back to the original replicas, dropping the added ones from the ISR", () => {
    const img = testImage([{ replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 }], BROKERS);
    expect(reassignment(img, TOPIC, 0, null)).toMatchObject({ error: "NO_REASSIGNMENT_IN_PROGRESS" });
    commit(img, reassignment(img, TOPIC, 0, [4, 5, 1]).record);
    commit(img, { type: "partitionChange", record: { ...isrOnly([1, 2, 3, 4]) } });
    const cancelled = reassignment(img, TOPIC, 0, null);
    expect(cancelled.error).toBe("NONE");
    commit(img, cancelled.record);
    expect(partition(img)).toEqual({ replicas: [1, 2, 3], isr: [1, 2, 3], adding: [], removing: [], leader: 1 });
  });

  it("refuses targets Kafka refuses, with its messages", () => {
    const img = testImage([{ replicas: [1, 2], isr: [1, 2], leader: 1 }], BROKERS);
    expect(reassignment(img, TOPIC, 0, [])).toMatchObject({ error: "INVALID_REPLICA_ASSIGNMENT", message: "The manual partition assignment includes an empty replica list." });
    expect(reassignment(img, TOPIC, 0, [1, 1])).toMatchObject({ error: "INVALID_REPLICA_ASSIGNMENT", message: "The manual partition assignment includes the broker 1 more than once." });
    expect(reassignment(img, TOPIC, 0, [1, 9])).toMatchObject({
      error: "INVALID_REPLICA_ASSIGNMENT",
      message: "The manual partition assignment includes broker 9, but no such broker is registered.",
    });
    expect(reassignment(img, TOPIC, 7, [1, 2])).toMatchObject({ error: "UNKNOWN_TOPIC_OR_PARTITION" });
  });

  it("does not complete while no target replica in sync can lead", () => {
    const img = testImage([{ replicas: [1, 2], isr: [1, 2], leader: 1 }], { brokers: [1, 2, 3, 4], fenced: [3] });
    commit(img, reassignment(img, TOPIC, 0, [3, 4]).record);
    const p = img.topicsById.get(TOPIC)!.partitions[0]!;
    // Both targets in the ISR, but 3 is fenced and 4 would do: 4 leads.
    expect(reassignmentCompletion(p, [1, 2, 3, 4], img)).toMatchObject({ leader: 4, replicas: [3, 4] });
    // Only the fenced one: the old leader stays and the reassignment waits.
    const img2 = testImage([{ replicas: [1], isr: [1], leader: 1 }], { brokers: [1, 3], fenced: [3] });
    commit(img2, reassignment(img2, TOPIC, 0, [3]).record);
    expect(reassignmentCompletion(img2.topicsById.get(TOPIC)!.partitions[0]!, [1, 3], img2)).toBeNull();
  });
});

/** A PartitionChangeRecord body that sets only the ISR of partition 0. */
function isrOnly(isr: number[]) {
  return {
    partitionId: 0,
    topicId: TOPIC,
    isr,
    leader: -2,
    replicas: null,
    removingReplicas: null,
    addingReplicas: null,
    leaderRecoveryState: -1,
    directories: null,
    eligibleLeaderReplicas: null,
    lastKnownElr: null,
  };
}
