// Membership upkeep of consumer groups: applying records, the session and rebalance timeouts that
// fence members, and what a member's subscription resolves to.
import type { CoordinatorRecord } from "../records/coordinator-record.js";
import { isConsumerGroupRecord } from "../records/coordinator-record.js";
import type { ConsumerContext } from "./consumer-context.js";
import type { ConsumerGroup } from "./consumer-group.js";
import { MemberState, type ConsumerMember } from "./consumer-member.js";
import { groupEpochRecord, memberTombstones, subscriptionMetadataRecord } from "./consumer-records.js";
import { replayConsumerGroupRecord } from "./consumer-replay.js";
import { subscriptionMetadataEqual, subscriptionMetadataOf, type SubscriptionMetadata } from "./topic-metadata.js";

const sessionKey = (groupId: string, memberId: string) => `consumer-session:${groupId}:${memberId}`;
const rebalanceKey = (groupId: string, memberId: string) => `consumer-rebalance:${groupId}:${memberId}`;

export class ConsumerMembership {
  constructor(private readonly ctx: ConsumerContext) {}

  /** Applies records to the groups (before they are durable; the response waits for durability). */
  apply(records: readonly CoordinatorRecord[]): void {
    for (const record of records) {
      if (isConsumerGroupRecord(record)) {
        replayConsumerGroupRecord(this.ctx.registry, record);
        if (record.kind === "consumerGroupMemberMetadata" && record.value?.subscribedTopicRegex) {
          const group = this.ctx.registry.get(record.groupId);
          if (group?.type === "consumer") this.refreshRegexes(group);
        }
      } else if (record.kind === "groupMetadata" && record.value === null) {
        // An empty classic group giving its id to a consumer group.
        const classic = this.ctx.registry.get(record.groupId);
        if (classic?.type === "classic") {
          classic.markDead();
          this.ctx.registry.delete(record.groupId);
        }
      }
    }
  }

  /** Applies and persists records produced outside a request (timeouts); failures are logged. */
  applyAndWrite(groupId: string, records: readonly CoordinatorRecord[]): void {
    if (records.length === 0) return;
    this.apply(records);
    this.ctx.writer.append(groupId, records).catch((err: unknown) =>
      this.ctx.log.warn({ groupId, err: String(err) }, "failed to persist consumer group change"),
    );
  }

  /** The topic names a member subscribes to: its names and what its regex matches now. */
  topicNamesOf(group: ConsumerGroup, member: ConsumerMember): Set<string> {
    const names = new Set(member.subscribedTopicNames);
    const regex = member.subscribedTopicRegex;
    if (regex) for (const name of this.resolveRegex(group, regex)) names.add(name);
    return names;
  }

  /** Topics a regex matches, remembered on the group (offsets of those topics are in use). */
  private resolveRegex(group: ConsumerGroup, regex: string): ReadonlySet<string> {
    let matched: ReadonlySet<string>;
    try {
      matched = this.ctx.regexes.resolve(regex);
    } catch {
      // Checked when a member sends it; one loaded from the log that we cannot compile matches nothing.
      matched = new Set();
    }
    group.resolvedRegexes.set(regex, matched);
    return matched;
  }

  /** Resolves every regex the group's members use (after loading, or when a new one arrives). */
  refreshRegexes(group: ConsumerGroup): void {
    for (const regex of group.subscribedRegexes()) this.resolveRegex(group, regex);
  }

  /** Subscription metadata for a set of members (the group's, with one member changed or gone). */
  subscriptionMetadata(group: ConsumerGroup, members: Iterable<ConsumerMember>): SubscriptionMetadata {
    const names = new Set<string>();
    for (const m of members) for (const n of this.topicNamesOf(group, m)) names.add(n);
    return subscriptionMetadataOf(names, this.ctx.topics);
  }

  /**
   * Removes a member: its records are deleted and the group epoch is bumped, so the next heartbeat
   * of any member computes a target assignment without it.
   */
  fenceMember(group: ConsumerGroup, member: ConsumerMember): CoordinatorRecord[] {
    const { groupId } = group;
    const records: CoordinatorRecord[] = memberTombstones(groupId, member.memberId);
    const remaining = [...group.members.values()].filter((m) => m.memberId !== member.memberId);
    const metadata = this.subscriptionMetadata(group, remaining);
    if (!subscriptionMetadataEqual(metadata, group.subscriptionMetadata)) records.push(subscriptionMetadataRecord(groupId, metadata));
    records.push(groupEpochRecord(groupId, group.groupEpoch + 1));
    this.cancelTimers(groupId, member.memberId);
    return records;
  }

  scheduleSessionTimeout(groupId: string, memberId: string): void {
    this.ctx.timers.schedule(sessionKey(groupId, memberId), this.ctx.config.consumerSessionTimeoutMs, () => {
      const group = this.ctx.registry.get(groupId);
      const member = group?.type === "consumer" ? group.members.get(memberId) : undefined;
      if (group?.type !== "consumer" || !member) return;
      this.ctx.log.info({ groupId, memberId }, "member fenced from the group because its session expired");
      this.applyAndWrite(groupId, this.fenceMember(group, member));
    });
  }

  /** A member that does not revoke partitions within its rebalance timeout is fenced. */
  scheduleRebalanceTimeout(groupId: string, memberId: string, memberEpoch: number, timeoutMs: number): void {
    this.ctx.timers.schedule(rebalanceKey(groupId, memberId), timeoutMs, () => {
      const group = this.ctx.registry.get(groupId);
      const member = group?.type === "consumer" ? group.members.get(memberId) : undefined;
      if (group?.type !== "consumer" || !member || member.memberEpoch !== memberEpoch) return;
      this.ctx.log.info({ groupId, memberId, memberEpoch, timeoutMs }, "member fenced for not revoking partitions within the rebalance timeout");
      this.applyAndWrite(groupId, this.fenceMember(group, member));
    });
  }

  cancelRebalanceTimeout(groupId: string, memberId: string): void {
    this.ctx.timers.cancel(rebalanceKey(groupId, memberId));
  }

  cancelTimers(groupId: string, memberId: string): void {
    this.ctx.timers.cancel(sessionKey(groupId, memberId));
    this.ctx.timers.cancel(rebalanceKey(groupId, memberId));
  }

  /** After loading: every member must heartbeat within its session; revocations keep their deadline. */
  onLoaded(group: ConsumerGroup): void {
    this.refreshRegexes(group);
    for (const member of group.members.values()) {
      this.scheduleSessionTimeout(group.groupId, member.memberId);
      if (member.state === MemberState.UNREVOKED_PARTITIONS) {
        this.scheduleRebalanceTimeout(group.groupId, member.memberId, member.memberEpoch, member.rebalanceTimeoutMs);
      }
    }
  }
}
