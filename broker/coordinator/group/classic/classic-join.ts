// JoinGroup against a classic group (the group exists and the request passed the basic checks):
// new members (KIP-394 member id handshake, KIP-345 static members) and rejoining members, as
// Kafka's GroupMetadataManager decides between answering at once and parking the request until
// the rebalance completes.
import { GroupError, writeFailureError } from "../group-errors.js";
import type { ClassicContext } from "./classic-context.js";
import type { ClassicGroup } from "./classic-group.js";
import { ClassicMember, type ClassicProtocol } from "./classic-member.js";
import type { ClassicRebalancer } from "./classic-rebalance.js";
import { groupMetadataRecord } from "./classic-records.js";
import { joinError, type JoinGroupResult } from "./classic-results.js";

export interface JoinGroupInput {
  readonly groupId: string;
  /** "" for a member joining for the first time. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly ClassicProtocol[];
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** JoinGroup v4+: a new dynamic member first gets its id with MEMBER_ID_REQUIRED (KIP-394). */
  readonly requireKnownMemberId: boolean;
  /** JoinGroup v9+: a rejoining static leader is told to skip the assignment (KIP-814). */
  readonly supportsSkipAssignment: boolean;
  readonly reason: string | null;
}

type Respond = (result: JoinGroupResult) => void;

export class ClassicJoin {
  constructor(
    private readonly ctx: ClassicContext,
    private readonly rebalancer: ClassicRebalancer,
  ) {}

  /** Resolves when the JoinGroup can be answered: at once, or when the rebalance completes. */
  join(group: ClassicGroup, input: JoinGroupInput): Promise<JoinGroupResult> {
    return new Promise((respond) => {
      if (!this.acceptJoiningMember(group, input.memberId)) {
        group.remove(input.memberId);
        respond(joinError("GROUP_MAX_SIZE_REACHED", ""));
      } else if (input.memberId === "") {
        this.joinNewMember(group, input, respond);
      } else {
        this.joinExistingMember(group, input, respond);
      }
    });
  }

  /** group.max.size: members already in the group (or already rejoined) are always let back in. */
  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.ctx.config.classicMaxSize;
    switch (group.state) {
      case "Empty":
      case "Dead":
        return true;
      case "PreparingRebalance":
        return (group.has(memberId) && group.member(memberId).isAwaitingJoin) || group.numAwaitingJoin() < max;
      case "CompletingRebalance":
      case "Stable":
        return group.has(memberId) || group.size < max;
    }
  }

  private joinNewMember(group: ClassicGroup, input: JoinGroupInput, respond: Respond): void {
    if (group.isDead()) return respond(joinError("COORDINATOR_NOT_AVAILABLE", ""));
    if (!group.supportsProtocols(input.protocolType, input.protocols)) return respond(joinError("INCONSISTENT_GROUP_PROTOCOL", ""));
    const newMemberId = group.generateMemberId(input.clientId, input.groupInstanceId);
    if (input.groupInstanceId !== null) {
      const existingMemberId = group.staticMemberId(input.groupInstanceId);
      if (existingMemberId !== undefined) this.replaceStaticMember(group, input, existingMemberId, newMemberId, respond);
      else this.addMemberAndRebalance(group, input, newMemberId, respond);
    } else if (input.requireKnownMemberId) {
      // The id is remembered for one session timeout; the member must rejoin with it.
      group.addPendingMember(newMemberId);
      this.rebalancer.scheduleHeartbeat(group, newMemberId, input.sessionTimeoutMs);
      respond(joinError("MEMBER_ID_REQUIRED", newMemberId));
    } else {
      this.addMemberAndRebalance(group, input, newMemberId, respond);
    }
  }

  private joinExistingMember(group: ClassicGroup, input: JoinGroupInput, respond: Respond): void {
    const { memberId } = input;
    if (group.isDead()) return respond(joinError("COORDINATOR_NOT_AVAILABLE", memberId));
    if (!group.supportsProtocols(input.protocolType, input.protocols)) return respond(joinError("INCONSISTENT_GROUP_PROTOCOL", memberId));
    if (group.isPendingMember(memberId)) {
      // Pending ids are handed to dynamic members only.
      if (input.groupInstanceId !== null) return respond(joinError("UNKNOWN_MEMBER_ID", memberId));
      return this.addMemberAndRebalance(group, input, memberId, respond);
    }
    try {
      group.validateMember(memberId, input.groupInstanceId);
    } catch (err) {
      if (err instanceof GroupError) return respond(joinError(err.error, memberId));
      throw err;
    }
    const member = group.member(memberId);
    const reason = `member ${memberId} rejoins during ${group.state}; client reason: ${input.reason ?? "not provided"}`;
    switch (group.state) {
      case "PreparingRebalance":
        return this.updateMemberAndRebalance(group, member, input, reason, respond);
      case "CompletingRebalance":
        // Same metadata: it lost the JoinGroup answer, so resend this generation's.
        if (member.matches(input.protocols)) return respond(this.currentGeneration(group, memberId, group.isLeader(memberId)));
        return this.updateMemberAndRebalance(group, member, input, reason, respond);
      case "Stable":
        // The leader rejoining forces a rebalance (it may have seen metadata change); a follower
        // with unchanged metadata just gets the current generation and proceeds to SyncGroup.
        if (group.isLeader(memberId) || !member.matches(input.protocols)) {
          return this.updateMemberAndRebalance(group, member, input, reason, respond);
        }
        return respond(this.currentGeneration(group, memberId, false));
      default:
        return respond(joinError("UNKNOWN_MEMBER_ID", memberId));
    }
  }

  private currentGeneration(group: ClassicGroup, memberId: string, withMembers: boolean): JoinGroupResult {
    return {
      error: "NONE",
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? "",
      skipAssignment: false,
      memberId,
      members: withMembers ? group.currentMembersForLeader() : [],
    };
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: ClassicMember, input: JoinGroupInput, reason: string, respond: Respond): void {
    group.updateMember(member, input.protocols, input.rebalanceTimeoutMs, input.sessionTimeoutMs, respond);
    this.rebalancer.maybePrepareRebalanceOrCompleteJoin(group, reason);
  }

  private addMemberAndRebalance(group: ClassicGroup, input: JoinGroupInput, memberId: string, respond: Respond): void {
    const member = new ClassicMember(
      memberId,
      input.groupInstanceId,
      input.clientId,
      input.clientHost,
      input.rebalanceTimeoutMs,
      input.sessionTimeoutMs,
      input.protocolType,
      input.protocols,
    );
    member.isNew = true;
    if (group.is("PreparingRebalance") && group.previousState === "Empty") group.newMemberAdded = true;
    group.add(member, respond);
    // A new member's JoinGroup is parked and its socket muted, so a vanished client is only noticed
    // by this (long) timeout; it keeps retried joins from piling up defunct members.
    this.rebalancer.scheduleHeartbeat(group, memberId, this.ctx.config.classicNewMemberJoinTimeoutMs);
    const reason = `adding new member ${memberId} with group instance id ${input.groupInstanceId}; client reason: ${input.reason ?? "not provided"}`;
    this.rebalancer.maybePrepareRebalanceOrCompleteJoin(group, reason);
  }

  /**
   * KIP-345: a static member restarted (same group.instance.id, no member id). It takes over the old
   * member's place under a new id; in a Stable group whose protocol choice does not change, there
   * is no rebalance: the new id is persisted and the member gets the current generation.
   */
  private replaceStaticMember(group: ClassicGroup, input: JoinGroupInput, oldMemberId: string, newMemberId: string, respond: Respond): void {
    const instanceId = input.groupInstanceId!;
    const previousLeader = group.leaderId;
    this.rebalancer.cancelHeartbeat(group, oldMemberId);
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.rebalancer.rescheduleHeartbeat(group, member);
    const previous = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs };
    group.updateMember(member, input.protocols, input.rebalanceTimeoutMs, input.sessionTimeoutMs, respond);
    const reason = `static member ${newMemberId} with instance id ${instanceId} rejoined; client reason: ${input.reason ?? "not provided"}`;

    if (group.is("CompletingRebalance")) {
      // The leader may already be assigning to the old member id: run the assignment again.
      return this.rebalancer.prepareRebalance(group, reason);
    }
    if (!group.is("Stable")) return this.rebalancer.maybeCompleteJoinPhase(group);
    if ((group.protocolName ?? "") !== group.selectProtocol()) {
      return this.rebalancer.maybePrepareRebalanceOrCompleteJoin(group, `${reason}, changing the group's protocol`);
    }
    this.ctx.log.info({ groupId: group.groupId, memberId: newMemberId, instanceId }, "static member rejoined a stable group without rebalance");
    const record = groupMetadataRecord(group, group.groupAssignment());
    this.ctx.writer.append(group.groupId, [record]).then(
      () => {
        const isLeader = group.isLeader(newMemberId);
        const skip = input.supportsSkipAssignment && isLeader;
        member.completeJoin({
          error: "NONE",
          generationId: group.generationId,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          // Older clients are told the previous leader id, so a rejoining static leader acts as a
          // follower and does not reassign; v9+ clients are told to skip the assignment instead.
          leader: (input.supportsSkipAssignment ? group.leaderId : previousLeader) ?? "",
          skipAssignment: skip,
          memberId: newMemberId,
          members: skip ? group.currentMembersForLeader() : [],
        });
      },
      (err: unknown) => {
        this.ctx.log.warn({ groupId: group.groupId, instanceId, err: String(err) }, "failed to persist static member, reverting");
        if (!group.is("Stable") || !group.has(newMemberId) || member.awaitingJoin !== respond) return;
        group.updateMember(member, previous.protocols, previous.rebalanceTimeoutMs, previous.sessionTimeoutMs, null);
        const restored = group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
        this.rebalancer.cancelHeartbeat(group, newMemberId);
        this.rebalancer.rescheduleHeartbeat(group, restored);
        respond({ ...joinError(writeFailureError(err), ""), generationId: group.generationId, leader: previousLeader ?? "" });
      },
    );
  }
}
