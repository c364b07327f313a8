// A member of a KIP-848 consumer group, as an immutable value: its subscription (persisted in a
// ConsumerGroupMemberMetadata record) and its assignment state (ConsumerGroupCurrentMemberAssignment).
import { EMPTY_ASSIGNMENT, assignmentsEqual, type Assignment } from "./assignment.js";

/** Kafka's MemberState values, as persisted. */
export const MemberState = {
  /** Owns exactly its target assignment at the member epoch. */
  STABLE: 0,
  /** Must give up partitions before it can move to the next epoch. */
  UNREVOKED_PARTITIONS: 1,
  /** At the new epoch, but waiting for partitions other members still have to release. */
  UNRELEASED_PARTITIONS: 2,
} as const;
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

/** Epoch sent to leave the group for good. */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
/** Epoch sent by a static member leaving for a while (it keeps its partitions until its session ends). */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

export interface ConsumerMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly subscribedTopicNames: readonly string[];
  readonly subscribedTopicRegex: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly serverAssignor: string | null;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  readonly assignedPartitions: Assignment;
  readonly partitionsPendingRevocation: Assignment;
}

export function newConsumerMember(memberId: string): ConsumerMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: "",
    clientHost: "",
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    rebalanceTimeoutMs: -1,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: MemberState.STABLE,
    assignedPartitions: EMPTY_ASSIGNMENT,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT,
  };
}

export function isReconciledTo(member: ConsumerMember, targetEpoch: number): boolean {
  return member.state === MemberState.STABLE && member.memberEpoch === targetEpoch;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether the persisted subscription part differs (then a member metadata record is due). */
export function metadataChanged(a: ConsumerMember, b: ConsumerMember): boolean {
  return (
    a.instanceId !== b.instanceId ||
    a.rackId !== b.rackId ||
    a.clientId !== b.clientId ||
    a.clientHost !== b.clientHost ||
    !sameList(a.subscribedTopicNames, b.subscribedTopicNames) ||
    a.subscribedTopicRegex !== b.subscribedTopicRegex ||
    a.rebalanceTimeoutMs !== b.rebalanceTimeoutMs ||
    a.serverAssignor !== b.serverAssignor
  );
}

export function subscriptionChanged(a: ConsumerMember, b: ConsumerMember): boolean {
  return !sameList([...a.subscribedTopicNames].sort(), [...b.subscribedTopicNames].sort()) || a.subscribedTopicRegex !== b.subscribedTopicRegex;
}

/** Whether the persisted assignment part differs (then a current assignment record is due). */
export function assignmentStateChanged(a: ConsumerMember, b: ConsumerMember): boolean {
  return (
    a.memberEpoch !== b.memberEpoch ||
    a.previousMemberEpoch !== b.previousMemberEpoch ||
    a.state !== b.state ||
    !assignmentsEqual(a.assignedPartitions, b.assignedPartitions) ||
    !assignmentsEqual(a.partitionsPendingRevocation, b.partitionsPendingRevocation)
  );
}

/** The server assignor most members ask for, or null when none asks (ties: alphabetical). */
export function preferredServerAssignor(members: Iterable<ConsumerMember>): string | null {
  const votes = new Map<string, number>();
  for (const m of members) if (m.serverAssignor) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
  let best: string | null = null;
  for (const [name, n] of [...votes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (best === null || n > votes.get(best)!) best = name;
  }
  return best;
}
