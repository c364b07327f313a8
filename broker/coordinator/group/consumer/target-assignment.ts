// Computes a consumer group's new target assignment at a new group epoch and the records that
// persist it: a record per member whose target changed, then the assignment epoch.
import type { Uuid } from "../../../protocol/primitives.js";
import type { ConsumerGroupRecord } from "../records/coordinator-record.js";
import { EMPTY_ASSIGNMENT, assignmentsEqual, type Assignment } from "./assignment.js";
import type { AssignmentMemberSpec, AssignmentTopicSpec, ServerAssignor } from "./assignors/assignor.js";
import type { ConsumerGroup } from "./consumer-group.js";
import type { ConsumerMember } from "./consumer-member.js";
import { targetAssignmentEpochRecord, targetAssignmentRecord } from "./consumer-records.js";
import type { SubscriptionMetadata } from "./topic-metadata.js";

export interface TargetAssignmentInput {
  readonly group: ConsumerGroup;
  readonly groupEpoch: number;
  readonly assignor: ServerAssignor;
  readonly subscriptionMetadata: SubscriptionMetadata;
  /** The topic names a member subscribes to: its names plus what its regex resolves to. */
  readonly topicNamesOf: (member: ConsumerMember) => Iterable<string>;
  /** A member added or changed by the heartbeat being served (not yet in the group). */
  readonly updatedMember?: ConsumerMember;
  /** A member replaced (static member restart) or leaving, left out of the assignment. */
  readonly removedMemberId?: string;
  /** Previous target per member id where it differs from the group's (a replaced static member's). */
  readonly previousTargets?: ReadonlyMap<string, Assignment>;
}

export interface TargetAssignmentResult {
  readonly assignments: ReadonlyMap<string, Assignment>;
  readonly records: ConsumerGroupRecord[];
}

export function computeTargetAssignment(input: TargetAssignmentInput): TargetAssignmentResult {
  const { group, subscriptionMetadata } = input;
  const members = new Map(group.members);
  if (input.removedMemberId !== undefined) members.delete(input.removedMemberId);
  if (input.updatedMember) members.set(input.updatedMember.memberId, input.updatedMember);

  const topics = new Map<Uuid, AssignmentTopicSpec>();
  for (const t of subscriptionMetadata.values()) topics.set(t.topicId, { topicId: t.topicId, name: t.name, numPartitions: t.numPartitions });

  const previousOf = (memberId: string) => input.previousTargets?.get(memberId) ?? group.targetAssignmentOf(memberId);
  const specs: AssignmentMemberSpec[] = [...members.values()].map((m) => {
    const ids = new Set<Uuid>();
    for (const name of input.topicNamesOf(m)) {
      const t = subscriptionMetadata.get(name);
      if (t) ids.add(t.topicId);
    }
    return { memberId: m.memberId, instanceId: m.instanceId, rackId: m.rackId, subscribedTopicIds: ids, currentAssignment: previousOf(m.memberId) };
  });

  const assignments = input.assignor.assign({ members: specs, topics });
  const records: ConsumerGroupRecord[] = [];
  for (const spec of specs) {
    const next = assignments.get(spec.memberId) ?? EMPTY_ASSIGNMENT;
    const hadTarget = group.targetAssignment.has(spec.memberId) && !input.previousTargets?.has(spec.memberId);
    if (!hadTarget || !assignmentsEqual(next, group.targetAssignmentOf(spec.memberId))) {
      records.push(targetAssignmentRecord(group.groupId, spec.memberId, next));
    }
  }
  records.push(targetAssignmentEpochRecord(group.groupId, input.groupEpoch));
  return { assignments, records };
}
