import { describe, expect, it } from "vitest";
import { ZERO_UUID } from "../../../protocol/primitives.js";
import type { CoordinatorRecord } from "./coordinator-record.js";
import { decodeCoordinatorRecord, encodeCoordinatorRecord } from "./record-codec.js";

const str = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
const int16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};

describe("__consumer_offsets record format", () => {
  it("writes offset commits as Kafka does: key v1, value v3", () => {
    const { key, value } = encodeCoordinatorRecord({
      kind: "offsetCommit",
      groupId: "g",
      topic: "t",
      partition: 2,
      value: { offset: 42n, leaderEpoch: 5, metadata: "m", commitTimestamp: 1000n, expireTimestamp: -1n },
    });
    expect(key).toEqual(Buffer.concat([int16(1), str("g"), str("t"), int32(2)]));
    expect(value).toEqual(Buffer.concat([int16(3), int64(42n), int32(5), str("m"), int64(1000n)]));
  });

  it("writes an explicit expire timestamp with value v1", () => {
    const { value } = encodeCoordinatorRecord({
      kind: "offsetCommit",
      groupId: "g",
      topic: "t",
      partition: 0,
      value: { offset: 1n, leaderEpoch: -1, metadata: "", commitTimestamp: 10n, expireTimestamp: 20n },
    });
    expect(value).toEqual(Buffer.concat([int16(1), int64(1n), str(""), int64(10n), int64(20n)]));
  });

  it("reads older offset commit keys (v0) and values", () => {
    const key = Buffer.concat([int16(0), str("g"), str("t"), int32(1)]);
    const value = Buffer.concat([int16(0), int64(7n), str("x"), int64(99n)]);
    expect(decodeCoordinatorRecord(key, value)).toEqual({
      kind: "offsetCommit",
      groupId: "g",
      topic: "t",
      partition: 1,
      value: { offset: 7n, leaderEpoch: -1, metadata: "x", commitTimestamp: 99n, expireTimestamp: -1n },
    });
  });

  it("round-trips every record type, tombstones included", () => {
    const records: CoordinatorRecord[] = [
      {
        kind: "groupMetadata",
        groupId: "g",
        value: {
          protocolType: "consumer",
          generation: 3,
          protocol: "range",
          leader: "m1",
          currentStateTimestamp: 123n,
          members: [
            { memberId: "m1", groupInstanceId: "i1", clientId: "c", clientHost: "/h", rebalanceTimeout: 100, sessionTimeout: 50, subscription: Buffer.from([1]), assignment: Buffer.from([2]) },
          ],
        },
      },
      { kind: "groupMetadata", groupId: "g", value: null },
      { kind: "consumerGroupMetadata", groupId: "g", value: { epoch: 4 } },
      { kind: "consumerGroupPartitionMetadata", groupId: "g", value: { topics: [{ topicId: ZERO_UUID, topicName: "t", numPartitions: 3, partitionMetadata: [] }] } },
      {
        kind: "consumerGroupMemberMetadata",
        groupId: "g",
        memberId: "m",
        value: {
          instanceId: null,
          rackId: "r",
          clientId: "c",
          clientHost: "/h",
          subscribedTopicNames: ["t"],
          subscribedTopicRegex: null,
          rebalanceTimeoutMs: 1000,
          serverAssignor: "uniform",
          classicMemberMetadata: null,
        },
      },
      { kind: "consumerGroupTargetAssignmentMetadata", groupId: "g", value: { assignmentEpoch: 4 } },
      { kind: "consumerGroupTargetAssignmentMember", groupId: "g", memberId: "m", value: { topicPartitions: [{ topicId: ZERO_UUID, partitions: [0, 2] }] } },
      {
        kind: "consumerGroupCurrentMemberAssignment",
        groupId: "g",
        memberId: "m",
        value: { memberEpoch: 4, previousMemberEpoch: 3, state: 0, assignedPartitions: [{ topicId: ZERO_UUID, partitions: [0] }], partitionsPendingRevocation: [] },
      },
      { kind: "consumerGroupCurrentMemberAssignment", groupId: "g", memberId: "m", value: null },
    ];
    for (const record of records) {
      const { key, value } = encodeCoordinatorRecord(record);
      expect(decodeCoordinatorRecord(key, value)).toEqual(record);
    }
    // Key versions name the record types as in Kafka.
    expect(records.map((r) => encodeCoordinatorRecord(r).key.readInt16BE(0))).toEqual([2, 2, 3, 4, 5, 6, 7, 8, 8]);
  });

  it("ignores record types it does not keep (share groups)", () => {
    expect(decodeCoordinatorRecord(Buffer.concat([int16(10), str("g")]), null)).toBeUndefined();
  });
});
