// What the coordinator asks of any group, classic or KIP-848 consumer: listing, offsets checks,
// expiry and deletion. Each group type answers these as Kafka's ClassicGroup / ConsumerGroup do.
import type { OffsetExpiryPolicy } from "./offsets/offset-expiry.js";
import type { CoordinatorRecord } from "./records/coordinator-record.js";

export type GroupType = "classic" | "consumer";

export interface Group {
  readonly type: GroupType;
  readonly groupId: string;
  /** The state as ListGroups and DescribeGroups print it ("Empty", "Stable", …). */
  stateName(): string;
  isEmpty(): boolean;
  isDead(): boolean;
  /** The protocol type ListGroups reports ("" for a group without one). */
  listedProtocolType(): string;
  /** Whether offsets of this topic are in use (they neither expire nor may be deleted). */
  isSubscribedToTopic(topic: string): boolean;
  /** Throws a GroupError when the commit must be refused for the whole group. */
  validateOffsetCommit(memberId: string, groupInstanceId: string | null, generationIdOrMemberEpoch: number, apiVersion: number): void;
  validateOffsetFetch(memberId: string | null, memberEpoch: number): void;
  validateOffsetDelete(): void;
  validateDeleteGroup(): void;
  offsetExpiryPolicy(): OffsetExpiryPolicy;
  /** Records removing the group's own metadata from the log (its offsets are separate). */
  tombstones(): CoordinatorRecord[];
  /** The group was deleted or unloaded: later operations on this object are refused. */
  markDead(): void;
}
