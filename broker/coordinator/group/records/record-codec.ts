// Kafka's __consumer_offsets record format: key = int16 key version + key struct, value = int16
// value version + value struct (absent for a tombstone). The key version names the record type:
// 0–1 offset commit, 2 classic group, 3–8 KIP-848 consumer group (9+ share groups, ignored here).
// Values are written at the versions Kafka 4.0 writes, so older tools can read them.
import * as CG from "../../../protocol/generated/coordinator/index.gen.js";
import { Reader, Writer } from "../../../protocol/primitives.js";
import type { CoordinatorRecord } from "./coordinator-record.js";

const KEY_VERSION = {
  offsetCommit: 1,
  groupMetadata: 2,
  consumerGroupMetadata: 3,
  consumerGroupPartitionMetadata: 4,
  consumerGroupMemberMetadata: 5,
  consumerGroupTargetAssignmentMetadata: 6,
  consumerGroupTargetAssignmentMember: 7,
  consumerGroupCurrentMemberAssignment: 8,
} as const satisfies Record<CoordinatorRecord["kind"], number>;

// Kafka writes OffsetCommitValue v3 (v1 only to carry an explicit expire timestamp from
// OffsetCommit v2–v4) and GroupMetadataValue v3; the flexible v4s are read, not written.
const OFFSET_COMMIT_VALUE_VERSION = 3;
const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1;
const GROUP_METADATA_VALUE_VERSION = 3;

function withVersion(version: number, body: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int16(version);
  body(w);
  return Buffer.from(w.finish());
}

export function encodeCoordinatorRecord(r: CoordinatorRecord): { key: Buffer; value: Buffer | null } {
  const kv = KEY_VERSION[r.kind];
  switch (r.kind) {
    case "offsetCommit": {
      const key = withVersion(kv, (w) => CG.OffsetCommitKey.writeOffsetCommitKey(w, kv, { group: r.groupId, topic: r.topic, partition: r.partition }));
      const v = r.value;
      if (!v) return { key, value: null };
      const vv = v.expireTimestamp >= 0n ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY : OFFSET_COMMIT_VALUE_VERSION;
      return { key, value: withVersion(vv, (w) => CG.OffsetCommitValue.writeOffsetCommitValue(w, vv, v)) };
    }
    case "groupMetadata": {
      const key = withVersion(kv, (w) => CG.GroupMetadataKey.writeGroupMetadataKey(w, kv, { group: r.groupId }));
      const v = r.value;
      const vv = GROUP_METADATA_VALUE_VERSION;
      return { key, value: v && withVersion(vv, (w) => CG.GroupMetadataValue.writeGroupMetadataValue(w, vv, v)) };
    }
    case "consumerGroupMetadata": {
      const key = withVersion(kv, (w) => CG.ConsumerGroupMetadataKey.writeConsumerGroupMetadataKey(w, kv, { groupId: r.groupId }));
      const v = r.value;
      return { key, value: v && withVersion(0, (w) => CG.ConsumerGroupMetadataValue.writeConsumerGroupMetadataValue(w, 0, v)) };
    }
    case "consumerGroupPartitionMetadata": {
      const key = withVersion(kv, (w) => CG.ConsumerGroupPartitionMetadataKey.writeConsumerGroupPartitionMetadataKey(w, kv, { groupId: r.groupId }));
      const v = r.value;
      return { key, value: v && withVersion(0, (w) => CG.ConsumerGroupPartitionMetadataValue.writeConsumerGroupPartitionMetadataValue(w, 0, v)) };
    }
    case "consumerGroupMemberMetadata": {
      const key = withVersion(kv, (w) =>
        CG.ConsumerGroupMemberMetadataKey.writeConsumerGroupMemberMetadataKey(w, kv, { groupId: r.groupId, memberId: r.memberId }),
      );
      const v = r.value;
      return { key, value: v && withVersion(0, (w) => CG.ConsumerGroupMemberMetadataValue.writeConsumerGroupMemberMetadataValue(w, 0, v)) };
    }
    case "consumerGroupTargetAssignmentMetadata": {
      const key = withVersion(kv, (w) =>
        CG.ConsumerGroupTargetAssignmentMetadataKey.writeConsumerGroupTargetAssignmentMetadataKey(w, kv, { groupId: r.groupId }),
      );
      const v = r.value;
      return {
        key,
        value: v && withVersion(0, (w) => CG.ConsumerGroupTargetAssignmentMetadataValue.writeConsumerGroupTargetAssignmentMetadataValue(w, 0, v)),
      };
    }
    case "consumerGroupTargetAssignmentMember": {
      const key = withVersion(kv, (w) =>
        CG.ConsumerGroupTargetAssignmentMemberKey.writeConsumerGroupTargetAssignmentMemberKey(w, kv, { groupId: r.groupId, memberId: r.memberId }),
      );
      const v = r.value;
      return {
        key,
        value: v && withVersion(0, (w) => CG.ConsumerGroupTargetAssignmentMemberValue.writeConsumerGroupTargetAssignmentMemberValue(w, 0, v)),
      };
    }
    case "consumerGroupCurrentMemberAssignment": {
      const key = withVersion(kv, (w) =>
        CG.ConsumerGroupCurrentMemberAssignmentKey.writeConsumerGroupCurrentMemberAssignmentKey(w, kv, { groupId: r.groupId, memberId: r.memberId }),
      );
      const v = r.value;
      return {
        key,
        value: v && withVersion(0, (w) => CG.ConsumerGroupCurrentMemberAssignmentValue.writeConsumerGroupCurrentMemberAssignmentValue(w, 0, v)),
      };
    }
  }
}

/** Reads a value: its version prefix, clamped to the newest we know (newer fields are appended or tagged). */
function readValue<T>(value: Buffer | null, maxVersion: number, read: (r: Reader, v: number) => T): T | null {
  if (value === null) return null;
  const r = new Reader(value);
  const version = Math.min(r.int16(), maxVersion);
  return read(r, version);
}

/** Decodes one record; undefined for record types this coordinator does not keep (share groups, future types). */
export function decodeCoordinatorRecord(key: Buffer, value: Buffer | null): CoordinatorRecord | undefined {
  const r = new Reader(key);
  const kv = r.int16();
  switch (kv) {
    case 0:
    case 1: {
      const k = CG.OffsetCommitKey.readOffsetCommitKey(r, kv);
      const v = readValue(value, 4, CG.OffsetCommitValue.readOffsetCommitValue);
      return { kind: "offsetCommit", groupId: k.group, topic: k.topic, partition: k.partition, value: v };
    }
    case 2: {
      const k = CG.GroupMetadataKey.readGroupMetadataKey(r, kv);
      return { kind: "groupMetadata", groupId: k.group, value: readValue(value, 4, CG.GroupMetadataValue.readGroupMetadataValue) };
    }
    case 3: {
      const k = CG.ConsumerGroupMetadataKey.readConsumerGroupMetadataKey(r, kv);
      return { kind: "consumerGroupMetadata", groupId: k.groupId, value: readValue(value, 0, CG.ConsumerGroupMetadataValue.readConsumerGroupMetadataValue) };
    }
    case 4: {
      const k = CG.ConsumerGroupPartitionMetadataKey.readConsumerGroupPartitionMetadataKey(r, kv);
      return {
        kind: "consumerGroupPartitionMetadata",
        groupId: k.groupId,
        value: readValue(value, 0, CG.ConsumerGroupPartitionMetadataValue.readConsumerGroupPartitionMetadataValue),
      };
    }
    case 5: {
      const k = CG.ConsumerGroupMemberMetadataKey.readConsumerGroupMemberMetadataKey(r, kv);
      return {
        kind: "consumerGroupMemberMetadata",
        groupId: k.groupId,
        memberId: k.memberId,
        value: readValue(value, 0, CG.ConsumerGroupMemberMetadataValue.readConsumerGroupMemberMetadataValue),
      };
    }
    case 6: {
      const k = CG.ConsumerGroupTargetAssignmentMetadataKey.readConsumerGroupTargetAssignmentMetadataKey(r, kv);
      return {
        kind: "consumerGroupTargetAssignmentMetadata",
        groupId: k.groupId,
        value: readValue(value, 0, CG.ConsumerGroupTargetAssignmentMetadataValue.readConsumerGroupTargetAssignmentMetadataValue),
      };
    }
    case 7: {
      const k = CG.ConsumerGroupTargetAssignmentMemberKey.readConsumerGroupTargetAssignmentMemberKey(r, kv);
      return {
        kind: "consumerGroupTargetAssignmentMember",
        groupId: k.groupId,
        memberId: k.memberId,
        value: readValue(value, 0, CG.ConsumerGroupTargetAssignmentMemberValue.readConsumerGroupTargetAssignmentMemberValue),
      };
    }
    case 8: {
      const k = CG.ConsumerGroupCurrentMemberAssignmentKey.readConsumerGroupCurrentMemberAssignmentKey(r, kv);
      return {
        kind: "consumerGroupCurrentMemberAssignment",
        groupId: k.groupId,
        memberId: k.memberId,
        value: readValue(value, 0, CG.ConsumerGroupCurrentMemberAssignmentValue.readConsumerGroupCurrentMemberAssignmentValue),
      };
    }
    default:
      return undefined;
  }
}
