// Applies KIP-848 records to the groups: the only way a consumer group changes. Loading from the
// log and serving a heartbeat go through the same code, so a restarted coordinator rebuilds
// exactly the state it had.
import type { GroupRegistry } from "../group-registry.js";
import type { ConsumerGroupRecord } from "../records/coordinator-record.js";
import { EMPTY_ASSIGNMENT, assignmentFromWire } from "./assignment.js";
import { ConsumerGroup } from "./consumer-group.js";
import { LEAVE_GROUP_MEMBER_EPOCH, newConsumerMember, type MemberState } from "./consumer-member.js";

/** The consumer group for a record, created when missing; an empty classic group of that id gives way. */
function groupFor(registry: GroupRegistry, groupId: string, create: boolean): ConsumerGroup | undefined {
  const existing = registry.get(groupId);
  if (existing?.type === "consumer") return existing;
  if (!create) return undefined;
  if (existing && !existing.isEmpty()) {
    throw new Error(`record for consumer group ${groupId}, but a non-empty classic group has that id`);
  }
  existing?.markDead();
  const group = new ConsumerGroup(groupId);
  registry.set(group);
  return group;
}

export function replayConsumerGroupRecord(registry: GroupRegistry, record: ConsumerGroupRecord): void {
  const { groupId } = record;
  switch (record.kind) {
    case "consumerGroupMetadata": {
      if (record.value) {
        groupFor(registry, groupId, true)!.groupEpoch = record.value.epoch;
      } else {
        const group = groupFor(registry, groupId, false);
        if (!group) return;
        group.markDead();
        registry.delete(groupId);
      }
      return;
    }
    case "consumerGroupPartitionMetadata": {
      const group = groupFor(registry, groupId, record.value !== null);
      if (!group) return;
      group.subscriptionMetadata = new Map(
        (record.value?.topics ?? []).map((t) => [t.topicName, { topicId: t.topicId, name: t.topicName, numPartitions: t.numPartitions }]),
      );
      return;
    }
    case "consumerGroupMemberMetadata": {
      const group = groupFor(registry, groupId, record.value !== null);
      if (!group) return;
      const v = record.value;
      if (!v) {
        group.removeMember(record.memberId);
        return;
      }
      const old = group.members.get(record.memberId) ?? newConsumerMember(record.memberId);
      group.putMember({
        ...old,
        instanceId: v.instanceId,
        rackId: v.rackId,
        clientId: v.clientId,
        clientHost: v.clientHost,
        subscribedTopicNames: v.subscribedTopicNames,
        subscribedTopicRegex: v.subscribedTopicRegex === "" ? null : v.subscribedTopicRegex,
        rebalanceTimeoutMs: v.rebalanceTimeoutMs,
        serverAssignor: v.serverAssignor,
      });
      return;
    }
    case "consumerGroupTargetAssignmentMetadata": {
      const group = groupFor(registry, groupId, record.value !== null);
      if (!group) return;
      group.assignmentEpoch = record.value ? record.value.assignmentEpoch : -1;
      return;
    }
    case "consumerGroupTargetAssignmentMember": {
      const group = groupFor(registry, groupId, record.value !== null);
      if (!group) return;
      if (record.value) group.setTargetAssignment(record.memberId, assignmentFromWire(record.value.topicPartitions));
      else group.removeTargetAssignment(record.memberId);
      return;
    }
    case "consumerGroupCurrentMemberAssignment": {
      const group = groupFor(registry, groupId, record.value !== null);
      const old = group?.members.get(record.memberId);
      if (!group || !old) return;
      const v = record.value;
      group.putMember(
        v
          ? {
              ...old,
              memberEpoch: v.memberEpoch,
              previousMemberEpoch: v.previousMemberEpoch,
              state: v.state as MemberState,
              assignedPartitions: assignmentFromWire(v.assignedPartitions),
              partitionsPendingRevocation: assignmentFromWire(v.partitionsPendingRevocation),
            }
          : {
              ...old,
              memberEpoch: LEAVE_GROUP_MEMBER_EPOCH,
              previousMemberEpoch: LEAVE_GROUP_MEMBER_EPOCH,
              assignedPartitions: EMPTY_ASSIGNMENT,
              partitionsPendingRevocation: EMPTY_ASSIGNMENT,
            },
      );
      return;
    }
  }
}
