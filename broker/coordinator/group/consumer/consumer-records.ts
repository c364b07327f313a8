// Builders of the KIP-848 records. A consumer group's state is exactly the replay of these
// (consumer-replay.ts), at load and at run time alike, as in Kafka's coordinator.
import type { ConsumerGroupRecord } from "../records/coordinator-record.js";
import { assignmentToWire, type Assignment } from "./assignment.js";
import type { ConsumerMember } from "./consumer-member.js";
import type { SubscriptionMetadata } from "./topic-metadata.js";

export function memberMetadataRecord(groupId: string, m: ConsumerMember): ConsumerGroupRecord {
  return {
    kind: "consumerGroupMemberMetadata",
    groupId,
    memberId: m.memberId,
    value: {
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: m.subscribedTopicRegex,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      serverAssignor: m.serverAssignor,
      classicMemberMetadata: null,
    },
  };
}

export function currentAssignmentRecord(groupId: string, m: ConsumerMember): ConsumerGroupRecord {
  return {
    kind: "consumerGroupCurrentMemberAssignment",
    groupId,
    memberId: m.memberId,
    value: {
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      assignedPartitions: assignmentToWire(m.assignedPartitions),
      partitionsPendingRevocation: assignmentToWire(m.partitionsPendingRevocation),
    },
  };
}

export function targetAssignmentRecord(groupId: string, memberId: string, a: Assignment): ConsumerGroupRecord {
  return { kind: "consumerGroupTargetAssignmentMember", groupId, memberId, value: { topicPartitions: assignmentToWire(a) } };
}

export function targetAssignmentEpochRecord(groupId: string, assignmentEpoch: number): ConsumerGroupRecord {
  return { kind: "consumerGroupTargetAssignmentMetadata", groupId, value: { assignmentEpoch } };
}

export function groupEpochRecord(groupId: string, epoch: number): ConsumerGroupRecord {
  return { kind: "consumerGroupMetadata", groupId, value: { epoch } };
}

export function subscriptionMetadataRecord(groupId: string, metadata: SubscriptionMetadata): ConsumerGroupRecord {
  return {
    kind: "consumerGroupPartitionMetadata",
    groupId,
    value: {
      topics: [...metadata.values()]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((t) => ({ topicId: t.topicId, topicName: t.name, numPartitions: t.numPartitions, partitionMetadata: [] })),
    },
  };
}

/** A member's removal; the order matters to replay (assignment, then target, then the member). */
export function memberTombstones(groupId: string, memberId: string): ConsumerGroupRecord[] {
  return [
    { kind: "consumerGroupCurrentMemberAssignment", groupId, memberId, value: null },
    { kind: "consumerGroupTargetAssignmentMember", groupId, memberId, value: null },
    { kind: "consumerGroupMemberMetadata", groupId, memberId, value: null },
  ];
}

/** The whole group's removal, in Kafka's order. */
export function groupTombstones(groupId: string, memberIds: readonly string[]): ConsumerGroupRecord[] {
  return [
    ...memberIds.map((memberId): ConsumerGroupRecord => ({ kind: "consumerGroupCurrentMemberAssignment", groupId, memberId, value: null })),
    ...memberIds.map((memberId): ConsumerGroupRecord => ({ kind: "consumerGroupTargetAssignmentMember", groupId, memberId, value: null })),
    { kind: "consumerGroupTargetAssignmentMetadata", groupId, value: null },
    ...memberIds.map((memberId): ConsumerGroupRecord => ({ kind: "consumerGroupMemberMetadata", groupId, memberId, value: null })),
    { kind: "consumerGroupPartitionMetadata", groupId, value: null },
    { kind: "consumerGroupMetadata", groupId, value: null },
  ];
}
