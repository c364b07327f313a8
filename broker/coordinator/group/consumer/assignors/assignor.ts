// A server-side assignor (KIP-848): given the members' subscriptions (topic ids), the topics'
// partition counts and the previous target assignment, computes the new target assignment.
import type { Uuid } from "../../../../protocol/primitives.js";
import type { Assignment } from "../assignment.js";

export interface AssignmentMemberSpec {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  /** Subscribed topics that exist. */
  readonly subscribedTopicIds: ReadonlySet<Uuid>;
  /** The member's previous target assignment, for stickiness. */
  readonly currentAssignment: Assignment;
}

export interface AssignmentTopicSpec {
  readonly topicId: Uuid;
  readonly name: string;
  readonly numPartitions: number;
}

export interface GroupSpec {
  readonly members: readonly AssignmentMemberSpec[];
  readonly topics: ReadonlyMap<Uuid, AssignmentTopicSpec>;
}

export interface ServerAssignor {
  readonly name: string;
  /** Every member of the spec appears in the result, possibly with nothing. */
  assign(spec: GroupSpec): Map<string, Assignment>;
}

/** Topics subscribed by anyone, ordered by name (a stable order for handing out partitions). */
export function subscribedTopicsByName(spec: GroupSpec): { topicId: Uuid; name: string; numPartitions: number }[] {
  const ids = new Set<Uuid>();
  for (const m of spec.members) for (const t of m.subscribedTopicIds) if (spec.topics.has(t)) ids.add(t);
  return [...ids].map((id) => spec.topics.get(id)!).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function byMemberId<T extends { memberId: string }>(a: T, b: T): number {
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}
