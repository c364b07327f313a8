// ConsumerGroupHeartbeat (KIP-848), as Kafka's GroupMetadataManager serves it:
//  1. create or update the member; a changed subscription (or changed topic metadata) bumps the
//     group epoch;
//  2. a group epoch ahead of the assignment epoch computes a new target assignment with the
//     group's server assignor;
//  3. the member's current assignment is reconciled toward its target (revoke first, then assign).
// Every change is a record; records are applied, then appended, and the response waits for them.
import { randomUuid } from "../../../protocol/primitives.js";
import { GroupError, groupErrorOf, writeFailureError, type GroupErrorName } from "../group-errors.js";
import type { CoordinatorRecord } from "../records/coordinator-record.js";
import { assignmentToWire, assignmentsEqual, ownedIsSubsetOf, type Assignment, type WireTopicPartitions } from "./assignment.js";
import type { ConsumerContext } from "./consumer-context.js";
import { ConsumerGroup } from "./consumer-group.js";
import {
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  MemberState,
  assignmentStateChanged,
  isReconciledTo,
  metadataChanged,
  newConsumerMember,
  preferredServerAssignor,
  subscriptionChanged,
  type ConsumerMember,
} from "./consumer-member.js";
import type { ConsumerMembership } from "./consumer-membership.js";
import {
  currentAssignmentRecord,
  groupEpochRecord,
  memberMetadataRecord,
  memberTombstones,
  subscriptionMetadataRecord,
  targetAssignmentRecord,
} from "./consumer-records.js";
import { reconcile } from "./reconcile.js";
import { computeTargetAssignment } from "./target-assignment.js";
import { compileTopicRegex } from "./topic-regex.js";
import { subscriptionMetadataEqual } from "./topic-metadata.js";

export interface ConsumerHeartbeatInput {
  readonly groupId: string;
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly subscribedTopicNames: readonly string[] | null;
  readonly subscribedTopicRegex: string | null;
  readonly serverAssignor: string | null;
  readonly topicPartitions: readonly WireTopicPartitions[] | null;
  readonly clientId: string;
  readonly clientHost: string;
}

export interface ConsumerHeartbeatResult {
  readonly error: GroupErrorName;
  readonly errorMessage: string | null;
  readonly memberId: string | null;
  readonly memberEpoch: number;
  readonly heartbeatIntervalMs: number;
  /** Sent when the member (re)joined, reported its partitions, or its assignment changed. */
  readonly assignment: WireTopicPartitions[] | null;
}

interface Outcome {
  readonly records: CoordinatorRecord[];
  readonly result: ConsumerHeartbeatResult;
}

function failure(err: unknown): ConsumerHeartbeatResult {
  const error = groupErrorOf(err);
  const message = err instanceof GroupError && err.message !== err.error ? err.message : null;
  return { error, errorMessage: message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
}

/** Kafka's Uuid.randomUuid().toString(): 22 characters of base64url. */
function newMemberId(): string {
  return randomUuid();
}

export class ConsumerGroupHeartbeat {
  constructor(
    private readonly ctx: ConsumerContext,
    private readonly membership: ConsumerMembership,
  ) {}

  async heartbeat(input: ConsumerHeartbeatInput): Promise<ConsumerHeartbeatResult> {
    let outcome: Outcome;
    try {
      this.validate(input);
      const leaving = input.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || input.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH;
      outcome = leaving ? this.leave(input) : this.join(input);
    } catch (err) {
      if (!(err instanceof GroupError)) this.ctx.log.error({ groupId: input.groupId, err }, "consumer group heartbeat failed");
      return failure(err);
    }
    this.membership.apply(outcome.records);
    try {
      await this.ctx.writer.append(input.groupId, outcome.records);
    } catch (err) {
      this.ctx.log.warn({ groupId: input.groupId, err: String(err) }, "failed to persist consumer group heartbeat");
      return { ...failure(undefined), error: writeFailureError(err) };
    }
    return outcome.result;
  }

  private validate(input: ConsumerHeartbeatInput): void {
    const blank = (s: string | null) => s !== null && s.trim() === "";
    const invalid = (message: string) => new GroupError("INVALID_REQUEST", message);
    if (blank(input.groupId)) throw invalid("GroupId can't be empty.");
    if (blank(input.instanceId)) throw invalid("InstanceId can't be empty.");
    if (blank(input.rackId)) throw invalid("RackId can't be empty.");
    const epoch = input.memberEpoch;
    if (epoch > 0 || epoch === LEAVE_GROUP_MEMBER_EPOCH) {
      if (blank(input.memberId)) throw invalid("MemberId can't be empty.");
    } else if (epoch === 0) {
      if (input.rebalanceTimeoutMs === -1) throw invalid("RebalanceTimeoutMs must be provided in first request.");
      if (input.topicPartitions === null || input.topicPartitions.length > 0) throw invalid("TopicPartitions must be empty when (re-)joining.");
      const hasNames = (input.subscribedTopicNames?.length ?? 0) > 0;
      const hasRegex = !!input.subscribedTopicRegex;
      if (!hasNames && !hasRegex) throw invalid("SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
    } else if (epoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (blank(input.memberId)) throw invalid("MemberId can't be empty.");
      if (input.instanceId === null) throw invalid("InstanceId can't be null.");
    } else {
      throw invalid("MemberEpoch is invalid.");
    }
    if (input.serverAssignor !== null && !this.ctx.assignors.has(input.serverAssignor)) {
      throw new GroupError(
        "UNSUPPORTED_ASSIGNOR",
        `ServerAssignor ${input.serverAssignor} is not supported. Supported assignors: ${[...this.ctx.assignors.keys()].join(", ")}.`,
      );
    }
  }

  /** The group to heartbeat into; an empty classic group of the same id is converted (its record deleted). */
  private groupFor(groupId: string, create: boolean, records: CoordinatorRecord[]): ConsumerGroup {
    const existing = this.ctx.registry.get(groupId);
    if (existing?.type === "consumer" && !existing.isDead()) return existing;
    if (existing?.type === "classic") {
      if (!create || !existing.isEmpty()) throw new GroupError("GROUP_ID_NOT_FOUND", `Group ${groupId} is not a consumer group.`);
      records.push({ kind: "groupMetadata", groupId, value: null });
      return new ConsumerGroup(groupId);
    }
    if (!create) throw new GroupError("GROUP_ID_NOT_FOUND", `Consumer group ${groupId} not found.`);
    // Not registered yet: replaying the records below creates it.
    return new ConsumerGroup(groupId);
  }

  private join(input: ConsumerHeartbeatInput): Outcome {
    const { groupId } = input;
    const records: CoordinatorRecord[] = [];
    const group = this.groupFor(groupId, input.memberEpoch === 0, records);
    const max = this.ctx.config.consumerMaxSize;
    if (group.members.size >= max && (input.memberId === "" || !group.members.has(input.memberId))) {
      throw new GroupError("GROUP_MAX_SIZE_REACHED", `The consumer group has reached its maximum capacity of ${max} members.`);
    }
    const memberId = input.memberId === "" ? newMemberId() : input.memberId;
    const { member, replacedMemberId } =
      input.instanceId === null ? this.dynamicMember(group, memberId, input) : this.staticMember(group, memberId, input, records);

    // 1. The member and its subscription.
    const updated: ConsumerMember = {
      ...member,
      instanceId: input.instanceId ?? member.instanceId,
      rackId: input.rackId ?? member.rackId,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs === -1 ? member.rebalanceTimeoutMs : input.rebalanceTimeoutMs,
      serverAssignor: input.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames: input.subscribedTopicNames ?? member.subscribedTopicNames,
      subscribedTopicRegex: input.subscribedTopicRegex === null ? member.subscribedTopicRegex : input.subscribedTopicRegex || null,
      clientId: input.clientId,
      clientHost: input.clientHost,
    };
    // Only the member sending a new regex is refused for it; regexes already stored never fail a heartbeat.
    if (updated.subscribedTopicRegex !== null && updated.subscribedTopicRegex !== member.subscribedTopicRegex) {
      compileTopicRegex(updated.subscribedTopicRegex);
    }
    // A replaced static member keeps its predecessor's subscription: no new epoch unless it changed.
    const isNew = replacedMemberId === undefined && !group.members.has(member.memberId);
    let bumpGroupEpoch = false;
    if (isNew || metadataChanged(member, updated)) {
      records.push(memberMetadataRecord(groupId, updated));
      if (isNew || subscriptionChanged(member, updated)) bumpGroupEpoch = true;
    }
    const others = [...group.members.values()].filter((m) => m.memberId !== member.memberId && m.memberId !== replacedMemberId);
    const subscriptionMetadata = this.membership.subscriptionMetadata(group, [...others, updated]);
    if (!subscriptionMetadataEqual(subscriptionMetadata, group.subscriptionMetadata)) {
      bumpGroupEpoch = true;
      records.push(subscriptionMetadataRecord(groupId, subscriptionMetadata));
    }
    let groupEpoch = group.groupEpoch;
    if (bumpGroupEpoch) {
      groupEpoch += 1;
      records.push(groupEpochRecord(groupId, groupEpoch));
      this.ctx.log.info({ groupId, memberId, groupEpoch }, "bumped consumer group epoch");
    }

    // 2. The target assignment.
    let targetEpoch = group.assignmentEpoch;
    let target: Assignment = replacedMemberId !== undefined ? group.targetAssignmentOf(replacedMemberId) : group.targetAssignmentOf(memberId);
    if (groupEpoch > group.assignmentEpoch) {
      const assignorName = preferredServerAssignor([...others, updated]) ?? this.ctx.assignors.keys().next().value!;
      const result = computeTargetAssignment({
        group,
        groupEpoch,
        assignor: this.ctx.assignors.get(assignorName)!,
        subscriptionMetadata,
        topicNamesOf: (m) => this.membership.topicNamesOf(group, m),
        updatedMember: updated,
        ...(replacedMemberId !== undefined && { removedMemberId: replacedMemberId, previousTargets: new Map([[memberId, target]]) }),
      });
      records.push(...result.records);
      target = result.assignments.get(memberId) ?? new Map();
      targetEpoch = groupEpoch;
      this.ctx.log.info({ groupId, groupEpoch, assignor: assignorName, members: result.assignments.size }, "computed new target assignment");
    }

    // 3. Reconciliation.
    let reconciled = updated;
    if (!isReconciledTo(updated, targetEpoch)) {
      reconciled = reconcile(updated, {
        targetEpoch,
        target,
        currentPartitionEpoch: (topicId, p) => group.currentPartitionEpoch(topicId, p),
        owned: input.topicPartitions,
      });
    }
    if (isNew || assignmentStateChanged(updated, reconciled)) {
      records.push(currentAssignmentRecord(groupId, reconciled));
      if (reconciled.state === MemberState.UNREVOKED_PARTITIONS) {
        this.membership.scheduleRebalanceTimeout(groupId, memberId, reconciled.memberEpoch, reconciled.rebalanceTimeoutMs);
      } else {
        this.membership.cancelRebalanceTimeout(groupId, memberId);
      }
    }
    this.membership.scheduleSessionTimeout(groupId, memberId);

    const sendAssignment =
      input.memberEpoch === 0 || input.topicPartitions !== null || !assignmentsEqual(member.assignedPartitions, reconciled.assignedPartitions);
    return {
      records,
      result: {
        error: "NONE",
        errorMessage: null,
        memberId,
        memberEpoch: reconciled.memberEpoch,
        heartbeatIntervalMs: this.ctx.config.consumerHeartbeatIntervalMs,
        assignment: sendAssignment ? assignmentToWire(reconciled.assignedPartitions) : null,
      },
    };
  }

  private dynamicMember(group: ConsumerGroup, memberId: string, input: ConsumerHeartbeatInput): { member: ConsumerMember; replacedMemberId?: undefined } {
    const existing = group.members.get(memberId);
    if (input.memberEpoch === 0) {
      if (!existing) this.ctx.log.info({ groupId: group.groupId, memberId }, "member joins the consumer group");
      return { member: existing ?? newConsumerMember(memberId) };
    }
    if (!existing) throw new GroupError("UNKNOWN_MEMBER_ID", `Member ${memberId} is not a member of group ${group.groupId}.`);
    this.checkEpoch(existing, input.memberEpoch, input.topicPartitions);
    return { member: existing };
  }

  private staticMember(
    group: ConsumerGroup,
    memberId: string,
    input: ConsumerHeartbeatInput,
    records: CoordinatorRecord[],
  ): { member: ConsumerMember; replacedMemberId?: string } {
    const instanceId = input.instanceId!;
    const existing = group.staticMember(instanceId);
    if (input.memberEpoch === 0) {
      if (!existing) return { member: group.members.get(memberId) ?? newConsumerMember(memberId) };
      if (existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        throw new GroupError(
          "UNRELEASED_INSTANCE_ID",
          `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`,
        );
      }
      // A static member back after a restart takes over its predecessor's partitions without a rebalance.
      const replacement: ConsumerMember = { ...existing, memberId, memberEpoch: 0, previousMemberEpoch: 0, state: MemberState.STABLE, partitionsPendingRevocation: new Map() };
      records.push(...memberTombstones(group.groupId, existing.memberId));
      records.push(memberMetadataRecord(group.groupId, replacement));
      records.push(targetAssignmentRecord(group.groupId, memberId, group.targetAssignmentOf(existing.memberId)));
      records.push(currentAssignmentRecord(group.groupId, replacement));
      this.membership.cancelTimers(group.groupId, existing.memberId);
      this.ctx.log.info({ groupId: group.groupId, memberId, instanceId, replaced: existing.memberId }, "static member rejoins the consumer group");
      return { member: replacement, replacedMemberId: existing.memberId };
    }
    if (!existing) throw new GroupError("UNKNOWN_MEMBER_ID", `Instance id ${instanceId} is unknown.`);
    if (existing.memberId !== memberId) {
      throw new GroupError("FENCED_INSTANCE_ID", `Static member ${memberId} with instance id ${instanceId} was fenced by member ${existing.memberId}.`);
    }
    this.checkEpoch(existing, input.memberEpoch, input.topicPartitions);
    return { member: existing };
  }

  /** An epoch ahead is fenced; one behind only when it is the previous epoch and the member owns no more than it should (a lost response). */
  private checkEpoch(member: ConsumerMember, epoch: number, owned: readonly WireTopicPartitions[] | null): void {
    if (epoch > member.memberEpoch) {
      throw new GroupError(
        "FENCED_MEMBER_EPOCH",
        `The consumer group member has a greater member epoch (${epoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
    }
    if (epoch < member.memberEpoch && (epoch !== member.previousMemberEpoch || !ownedIsSubsetOf(owned, member.assignedPartitions))) {
      throw new GroupError(
        "FENCED_MEMBER_EPOCH",
        `The consumer group member has a smaller member epoch (${epoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
    }
  }

  private leave(input: ConsumerHeartbeatInput): Outcome {
    const { groupId, memberId, instanceId } = input;
    const group = this.ctx.registry.get(groupId);
    if (group?.type !== "consumer" || group.isDead()) throw new GroupError("GROUP_ID_NOT_FOUND", `Consumer group ${groupId} not found.`);
    const result: ConsumerHeartbeatResult = {
      error: "NONE",
      errorMessage: null,
      memberId,
      memberEpoch: input.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
    if (instanceId === null) {
      const member = group.members.get(memberId);
      if (!member) throw new GroupError("UNKNOWN_MEMBER_ID", `Member ${memberId} is not a member of group ${groupId}.`);
      this.ctx.log.info({ groupId, memberId }, "member left the consumer group");
      return { records: this.membership.fenceMember(group, member), result };
    }
    const member = group.staticMember(instanceId);
    if (!member) throw new GroupError("UNKNOWN_MEMBER_ID", `Instance id ${instanceId} is unknown.`);
    if (member.memberId !== memberId) {
      throw new GroupError("FENCED_INSTANCE_ID", `Static member ${memberId} with instance id ${instanceId} was fenced by member ${member.memberId}.`);
    }
    if (input.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // Keeps its partitions (nobody else gets them) until it returns or its session expires.
      this.ctx.log.info({ groupId, memberId, instanceId }, "static member temporarily left the consumer group");
      const leaving: ConsumerMember = { ...member, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, partitionsPendingRevocation: new Map() };
      return { records: [currentAssignmentRecord(groupId, leaving)], result };
    }
    this.ctx.log.info({ groupId, memberId, instanceId }, "static member left the consumer group");
    return { records: this.membership.fenceMember(group, member), result };
  }
}
