// The records the coordinator keeps in __consumer_offsets, as typed values. The wire form is
// Kafka's own (see record-codec.ts), so `kafka-dump-log --offsets-decoder` reads our log.
import type { ConsumerGroupCurrentMemberAssignmentValue } from "../../../protocol/generated/coordinator/consumer-group-current-member-assignment-value.gen.js";
import type { ConsumerGroupMemberMetadataValue } from "../../../protocol/generated/coordinator/consumer-group-member-metadata-value.gen.js";
import type { ConsumerGroupMetadataValue } from "../../../protocol/generated/coordinator/consumer-group-metadata-value.gen.js";
import type { ConsumerGroupPartitionMetadataValue } from "../../../protocol/generated/coordinator/consumer-group-partition-metadata-value.gen.js";
import type { ConsumerGroupTargetAssignmentMemberValue } from "../../../protocol/generated/coordinator/consumer-group-target-assignment-member-value.gen.js";
import type { ConsumerGroupTargetAssignmentMetadataValue } from "../../../protocol/generated/coordinator/consumer-group-target-assignment-metadata-value.gen.js";
import type { GroupMetadataValue } from "../../../protocol/generated/coordinator/group-metadata-value.gen.js";
import type { OffsetCommitValue } from "../../../protocol/generated/coordinator/offset-commit-value.gen.js";

/** Every record names its group; a null value is a tombstone. */
export type CoordinatorRecord =
  | { kind: "offsetCommit"; groupId: string; topic: string; partition: number; value: OffsetCommitValue | null }
  | { kind: "groupMetadata"; groupId: string; value: GroupMetadataValue | null }
  | { kind: "consumerGroupMetadata"; groupId: string; value: ConsumerGroupMetadataValue | null }
  | { kind: "consumerGroupPartitionMetadata"; groupId: string; value: ConsumerGroupPartitionMetadataValue | null }
  | { kind: "consumerGroupMemberMetadata"; groupId: string; memberId: string; value: ConsumerGroupMemberMetadataValue | null }
  | { kind: "consumerGroupTargetAssignmentMetadata"; groupId: string; value: ConsumerGroupTargetAssignmentMetadataValue | null }
  | { kind: "consumerGroupTargetAssignmentMember"; groupId: string; memberId: string; value: ConsumerGroupTargetAssignmentMemberValue | null }
  | { kind: "consumerGroupCurrentMemberAssignment"; groupId: string; memberId: string; value: ConsumerGroupCurrentMemberAssignmentValue | null };

export type CoordinatorRecordKind = CoordinatorRecord["kind"];

/** The records of KIP-848 consumer groups. */
export type ConsumerGroupRecord = Exclude<CoordinatorRecord, { kind: "offsetCommit" | "groupMetadata" }>;

export function isConsumerGroupRecord(r: CoordinatorRecord): r is ConsumerGroupRecord {
  return r.kind !== "offsetCommit" && r.kind !== "groupMetadata";
}
