// A KIP-848 consumer group: group epoch, target assignment (and its epoch), members with their
// current assignment, and which member epoch owns each partition. Changed only by replaying
// records (consumer-replay.ts); the heartbeat logic reads it to decide what records to write.
//
// State (derived): Empty (no members) → Assigning (group epoch ahead of the target assignment)
// → Reconciling (some member not yet at the target) → Stable; Dead once deleted.
import type { Uuid } from "../../../protocol/primitives.js";
import type { Group } from "../group.js";
import { GroupError } from "../group-errors.js";
import type { OffsetExpiryPolicy } from "../offsets/offset-expiry.js";
import type { CoordinatorRecord } from "../records/coordinator-record.js";
import { EMPTY_ASSIGNMENT, type Assignment } from "./assignment.js";
import { isReconciledTo, preferredServerAssignor, type ConsumerMember } from "./consumer-member.js";
import { groupTombstones } from "./consumer-records.js";
import type { SubscriptionMetadata } from "./topic-metadata.js";

export type ConsumerGroupState = "Empty" | "Assigning" | "Reconciling" | "Stable" | "Dead";

export const CONSUMER_GROUP_PROTOCOL_TYPE = "consumer";

export class ConsumerGroup implements Group {
  readonly type = "consumer";
  groupEpoch = 0;
  assignmentEpoch = 0;
  subscriptionMetadata: SubscriptionMetadata = new Map();
  /** Topic names each regex in use resolved to, kept by the heartbeat logic for isSubscribedToTopic. */
  readonly resolvedRegexes = new Map<string, ReadonlySet<string>>();
  private dead = false;
  private readonly memberMap = new Map<string, ConsumerMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly targets = new Map<string, Assignment>();
  /** topic id → partition → epoch of the member that holds it (assigned or still revoking). */
  private readonly partitionEpochs = new Map<Uuid, Map<number, number>>();
  private readonly subscribedNameCounts = new Map<string, number>();
  private readonly regexCounts = new Map<string, number>();

  constructor(readonly groupId: string) {}

  get members(): ReadonlyMap<string, ConsumerMember> {
    return this.memberMap;
  }

  get targetAssignment(): ReadonlyMap<string, Assignment> {
    return this.targets;
  }

  state(): ConsumerGroupState {
    if (this.dead) return "Dead";
    if (this.memberMap.size === 0) return "Empty";
    if (this.groupEpoch > this.assignmentEpoch) return "Assigning";
    for (const m of this.memberMap.values()) if (!isReconciledTo(m, this.assignmentEpoch)) return "Reconciling";
    return "Stable";
  }

  staticMember(instanceId: string): ConsumerMember | undefined {
    const memberId = this.staticMembers.get(instanceId);
    return memberId === undefined ? undefined : this.memberMap.get(memberId);
  }

  targetAssignmentOf(memberId: string): Assignment {
    return this.targets.get(memberId) ?? EMPTY_ASSIGNMENT;
  }

  /** The epoch of the member holding a partition, or -1 when it is free to assign. */
  currentPartitionEpoch(topicId: Uuid, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  /** Topic names subscribed by name by at least one member. */
  subscribedTopicNames(): Set<string> {
    return new Set(this.subscribedNameCounts.keys());
  }

  /** Regular expressions at least one member subscribes with. */
  subscribedRegexes(): Set<string> {
    return new Set(this.regexCounts.keys());
  }

  putMember(member: ConsumerMember): void {
    const old = this.memberMap.get(member.memberId);
    if (old) this.forgetMember(old);
    this.memberMap.set(member.memberId, member);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId);
    count(this.subscribedNameCounts, member.subscribedTopicNames, 1);
    if (member.subscribedTopicRegex) count(this.regexCounts, [member.subscribedTopicRegex], 1);
    this.addPartitionEpochs(member.assignedPartitions, member.memberEpoch);
    this.addPartitionEpochs(member.partitionsPendingRevocation, member.memberEpoch);
  }

  removeMember(memberId: string): void {
    const old = this.memberMap.get(memberId);
    if (!old) return;
    this.forgetMember(old);
    this.memberMap.delete(memberId);
  }

  private forgetMember(m: ConsumerMember): void {
    if (m.instanceId !== null && this.staticMembers.get(m.instanceId) === m.memberId) this.staticMembers.delete(m.instanceId);
    count(this.subscribedNameCounts, m.subscribedTopicNames, -1);
    if (m.subscribedTopicRegex) {
      count(this.regexCounts, [m.subscribedTopicRegex], -1);
      if (!this.regexCounts.has(m.subscribedTopicRegex)) this.resolvedRegexes.delete(m.subscribedTopicRegex);
    }
    this.removePartitionEpochs(m.assignedPartitions, m.memberEpoch);
    this.removePartitionEpochs(m.partitionsPendingRevocation, m.memberEpoch);
  }

  setTargetAssignment(memberId: string, assignment: Assignment): void {
    this.targets.set(memberId, assignment);
  }

  removeTargetAssignment(memberId: string): void {
    this.targets.delete(memberId);
  }

  private addPartitionEpochs(a: Assignment, epoch: number): void {
    for (const [topicId, partitions] of a) {
      let epochs = this.partitionEpochs.get(topicId);
      if (!epochs) this.partitionEpochs.set(topicId, (epochs = new Map()));
      for (const p of partitions) epochs.set(p, epoch);
    }
  }

  private removePartitionEpochs(a: Assignment, epoch: number): void {
    for (const [topicId, partitions] of a) {
      const epochs = this.partitionEpochs.get(topicId);
      if (!epochs) continue;
      // Only the holder's own entry goes; a newer owner's entry stays.
      for (const p of partitions) if (epochs.get(p) === epoch) epochs.delete(p);
      if (epochs.size === 0) this.partitionEpochs.delete(topicId);
    }
  }

  /** The server assignor most members ask for, or null when none asks. */
  preferredServerAssignor(): string | null {
    return preferredServerAssignor(this.memberMap.values());
  }

  // ── Group ────────────────────────────────────────────────────────────────────────────────────

  stateName(): string {
    return this.state();
  }

  isEmpty(): boolean {
    return this.memberMap.size === 0;
  }

  isDead(): boolean {
    return this.dead;
  }

  listedProtocolType(): string {
    return CONSUMER_GROUP_PROTOCOL_TYPE;
  }

  isSubscribedToTopic(topic: string): boolean {
    if (this.subscribedNameCounts.has(topic)) return true;
    for (const topics of this.resolvedRegexes.values()) if (topics.has(topic)) return true;
    return false;
  }

  validateOffsetCommit(memberId: string, _groupInstanceId: string | null, memberEpoch: number, apiVersion: number): void {
    if (this.dead) throw new GroupError("COORDINATOR_NOT_AVAILABLE");
    // Epoch -1: admin tools and consumers without group management may commit to an empty group.
    if (memberEpoch < 0 && this.memberMap.size === 0) return;
    const member = this.memberMap.get(memberId);
    if (!member) throw new GroupError("UNKNOWN_MEMBER_ID", `Member ${memberId} is not a member of group ${this.groupId}.`);
    if (apiVersion < 9) {
      throw new GroupError("UNSUPPORTED_VERSION", "OffsetCommit version 9 or above must be used by members using the consumer group protocol");
    }
    if (memberEpoch !== member.memberEpoch) {
      throw new GroupError("STALE_MEMBER_EPOCH", `The member epoch ${memberEpoch} differs from the current one (${member.memberEpoch}).`);
    }
  }

  validateOffsetFetch(memberId: string | null, memberEpoch: number): void {
    if (this.dead) throw new GroupError("GROUP_ID_NOT_FOUND");
    if (memberId === null && memberEpoch < 0) return;
    const member = memberId === null ? undefined : this.memberMap.get(memberId);
    if (!member) throw new GroupError("UNKNOWN_MEMBER_ID");
    if (memberEpoch !== member.memberEpoch) throw new GroupError("STALE_MEMBER_EPOCH");
  }

  validateOffsetDelete(): void {
    if (this.dead) throw new GroupError("GROUP_ID_NOT_FOUND");
  }

  validateDeleteGroup(): void {
    if (this.dead) throw new GroupError("GROUP_ID_NOT_FOUND");
    if (this.memberMap.size > 0) throw new GroupError("NON_EMPTY_GROUP");
  }

  offsetExpiryPolicy(): OffsetExpiryPolicy {
    return { baseTimestamp: (o) => o.commitTimestampMs, isSubscribedToTopic: (topic) => this.isSubscribedToTopic(topic) };
  }

  tombstones(): CoordinatorRecord[] {
    return groupTombstones(this.groupId, [...new Set([...this.memberMap.keys(), ...this.targets.keys()])]);
  }

  markDead(): void {
    this.dead = true;
  }
}

function count(counts: Map<string, number>, keys: readonly string[], delta: 1 | -1): void {
  for (const key of new Set(keys)) {
    const n = (counts.get(key) ?? 0) + delta;
    if (n <= 0) counts.delete(key);
    else counts.set(key, n);
  }
}
