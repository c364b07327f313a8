// Moves a member's current assignment toward its target (Kafka's CurrentAssignmentBuilder). The
// rule that makes KIP-848 safe: a partition goes to its new owner only after the previous owner
// has revoked it — until then the new owner waits in UNRELEASED_PARTITIONS, and a member that
// must give partitions up waits in UNREVOKED_PARTITIONS at its old epoch.
import type { Uuid } from "../../../protocol/primitives.js";
import { ownsAnyOf, type Assignment, type WireTopicPartitions } from "./assignment.js";
import { MemberState, type ConsumerMember } from "./consumer-member.js";

export interface ReconcileInput {
  readonly targetEpoch: number;
  readonly target: Assignment;
  /** Epoch of the member holding a partition, -1 when free. */
  readonly currentPartitionEpoch: (topicId: Uuid, partition: number) => number;
  /** The partitions the member reports owning; null when not reported in this heartbeat. */
  readonly owned: readonly WireTopicPartitions[] | null;
}

export function reconcile(member: ConsumerMember, input: ReconcileInput): ConsumerMember {
  switch (member.state) {
    case MemberState.STABLE:
      return member.memberEpoch === input.targetEpoch ? member : nextAssignment(member, member.memberEpoch, input);
    case MemberState.UNREVOKED_PARTITIONS:
      // Still holding what it must give up: nothing moves until it reports them gone.
      if (ownsAnyOf(input.owned, member.partitionsPendingRevocation)) return member;
      return nextAssignment(member, member.memberEpoch + 1, input);
    case MemberState.UNRELEASED_PARTITIONS:
      return nextAssignment(member, member.memberEpoch, input);
    default:
      return member;
  }
}

function withEpoch(member: ConsumerMember, epoch: number): Pick<ConsumerMember, "memberEpoch" | "previousMemberEpoch"> {
  return { memberEpoch: epoch, previousMemberEpoch: member.memberEpoch };
}

function nextAssignment(member: ConsumerMember, memberEpoch: number, input: ReconcileInput): ConsumerMember {
  const assigned = new Map<Uuid, Set<number>>();
  const pendingRevocation = new Map<Uuid, Set<number>>();
  const pendingAssignment = new Map<Uuid, Set<number>>();
  let hasUnreleased = false;
  const topicIds = new Set([...input.target.keys(), ...member.assignedPartitions.keys()]);
  for (const topicId of topicIds) {
    const target = input.target.get(topicId) ?? new Set<number>();
    const current = member.assignedPartitions.get(topicId) ?? new Set<number>();
    const keep = new Set([...current].filter((p) => target.has(p)));
    const revoke = new Set([...current].filter((p) => !keep.has(p)));
    const revokingNow = member.partitionsPendingRevocation.get(topicId);
    const add = new Set<number>();
    for (const p of target) {
      if (keep.has(p)) continue;
      // Held by another member (its own partitions being revoked do not count: only one member holds a partition).
      if (input.currentPartitionEpoch(topicId, p) !== -1 && !revokingNow?.has(p)) hasUnreleased = true;
      else add.add(p);
    }
    if (keep.size > 0) assigned.set(topicId, keep);
    if (revoke.size > 0) pendingRevocation.set(topicId, revoke);
    if (add.size > 0) pendingAssignment.set(topicId, add);
  }

  if (pendingRevocation.size > 0 && ownsAnyOf(input.owned, pendingRevocation)) {
    return {
      ...member,
      ...withEpoch(member, memberEpoch),
      state: MemberState.UNREVOKED_PARTITIONS,
      assignedPartitions: assigned,
      partitionsPendingRevocation: pendingRevocation,
    };
  }
  for (const [topicId, ps] of pendingAssignment) {
    const set = assigned.get(topicId) ?? new Set<number>();
    for (const p of ps) set.add(p);
    assigned.set(topicId, set);
  }
  return {
    ...member,
    ...withEpoch(member, input.targetEpoch),
    state: hasUnreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
    assignedPartitions: assigned,
    partitionsPendingRevocation: new Map(),
  };
}
