// The rebalance machinery of classic groups, as Kafka's GroupMetadataManager runs it: preparing a
// rebalance (with the initial delay for new groups), completing the join phase into a new
// generation, distributing the leader's assignment, and the three timeouts that keep a group
// moving — member heartbeats (session timeout), the join phase (rebalance timeout) and the sync
// phase (members that never send SyncGroup are removed).
import type { GroupErrorName } from "../group-errors.js";
import type { ClassicContext } from "./classic-context.js";
import type { ClassicGroup } from "./classic-group.js";
import type { ClassicMember } from "./classic-member.js";
import { groupMetadataRecord } from "./classic-records.js";
import { EMPTY_BYTES, joinError } from "./classic-results.js";

const heartbeatKey = (groupId: string, memberId: string) => `classic-heartbeat:${groupId}:${memberId}`;
const joinKey = (groupId: string) => `classic-join:${groupId}`;
const syncKey = (groupId: string) => `classic-sync:${groupId}`;

export class ClassicRebalancer {
  constructor(private readonly ctx: ClassicContext) {}

  // ── heartbeats ──────────────────────────────────────────────────────────────────────────────

  scheduleHeartbeat(group: ClassicGroup, memberId: string, timeoutMs: number): void {
    this.ctx.timers.schedule(heartbeatKey(group.groupId, memberId), timeoutMs, () => this.expireHeartbeat(group, memberId));
  }

  /** Restarts the member's session timeout: it heartbeated, or a rebalance step completed for it. */
  rescheduleHeartbeat(group: ClassicGroup, member: ClassicMember): void {
    this.scheduleHeartbeat(group, member.memberId, member.sessionTimeoutMs);
  }

  cancelHeartbeat(group: ClassicGroup, memberId: string): void {
    this.ctx.timers.cancel(heartbeatKey(group.groupId, memberId));
  }

  private expireHeartbeat(group: ClassicGroup, memberId: string): void {
    if (group.isDead()) return;
    if (group.isPendingMember(memberId)) {
      this.ctx.log.info({ groupId: group.groupId, memberId }, "pending member removed after session timeout");
      group.remove(memberId);
      if (group.is("PreparingRebalance") && group.hasAllMembersJoined()) this.completeJoin(group);
      return;
    }
    const member = group.members.get(memberId);
    if (!member || member.hasSatisfiedHeartbeat()) return;
    this.ctx.log.info({ groupId: group.groupId, memberId }, "member failed its session timeout, removing it");
    this.removeMemberAndUpdateGroup(group, member, `removing member ${memberId} on heartbeat expiration`);
  }

  /** Removes a member that left or failed, then rebalances (or finishes the join phase) without it. */
  removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicMember, reason: string): void {
    this.cancelHeartbeat(group, member.memberId);
    // A member parked in JoinGroup gets UNKNOWN_MEMBER_ID, so a still-live client rejoins from scratch.
    member.completeJoin(joinError("UNKNOWN_MEMBER_ID", ""));
    member.completeSync({ error: "UNKNOWN_MEMBER_ID", protocolType: null, protocolName: null, assignment: EMPTY_BYTES });
    group.remove(member.memberId);
    if (group.is("Stable") || group.is("CompletingRebalance")) this.maybePrepareRebalanceOrCompleteJoin(group, reason);
    else if (group.is("PreparingRebalance") && group.hasAllMembersJoined()) this.completeJoin(group);
  }

  // ── join phase ──────────────────────────────────────────────────────────────────────────────

  maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
    else this.maybeCompleteJoinPhase(group);
  }

  /** Completes the join phase once everyone rejoined, except during a new group's initial delay. */
  maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (group.is("PreparingRebalance") && group.hasAllMembersJoined() && group.previousState !== "Empty") {
      this.completeJoin(group);
    }
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    // Members parked in SyncGroup must rejoin: their generation is over.
    if (group.is("CompletingRebalance")) this.resetAndPropagateAssignmentWithError(group, "REBALANCE_IN_PROGRESS");
    this.removeSyncExpiration(group);
    const initial = group.is("Empty");
    if (initial) {
      // A new group waits a little so that consumers starting together land in one generation.
      const delayMs = this.ctx.config.classicInitialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      this.ctx.timers.schedule(joinKey(group.groupId), delayMs, () => this.tryCompleteInitialRebalance(group, delayMs, remainingMs));
    }
    group.transitionTo("PreparingRebalance");
    this.ctx.log.info({ groupId: group.groupId, generationId: group.generationId, reason }, "preparing to rebalance group");
    if (!initial) this.maybeCompleteJoinElseSchedule(group);
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.hasAllMembersJoined()) this.completeJoin(group);
    else this.ctx.timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () => this.completeJoin(group));
  }

  private tryCompleteInitialRebalance(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const nextDelayMs = Math.min(this.ctx.config.classicInitialRebalanceDelayMs, remainingMs);
      const nextRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.ctx.timers.schedule(joinKey(group.groupId), nextDelayMs, () =>
        this.tryCompleteInitialRebalance(group, nextDelayMs, nextRemainingMs),
      );
    } else {
      this.completeJoin(group);
    }
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are dropped (static ones keep their
   * place until their session expires), then the next generation starts and every parked
   * JoinGroup is answered — the leader with all members' metadata.
   */
  completeJoin(group: ClassicGroup): void {
    if (!group.is("PreparingRebalance")) return;
    const { groupId } = group;
    this.ctx.timers.cancel(joinKey(groupId));
    const dropped = group.notYetRejoinedMembers().filter((m) => !m.isStatic);
    for (const member of dropped) {
      group.remove(member.memberId);
      this.cancelHeartbeat(group, member.memberId);
    }
    if (dropped.length > 0) {
      this.ctx.log.info({ groupId, members: dropped.map((m) => m.memberId) }, "removed members that did not rejoin");
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members that have not rejoined remain: wait for them or for their sessions to end.
      this.ctx.log.warn({ groupId }, "group could not complete rebalance because no members rejoined");
      this.ctx.timers.schedule(joinKey(groupId), group.rebalanceTimeoutMs(), () => this.completeJoin(group));
      return;
    }
    group.initNextGeneration();
    if (group.is("Empty")) {
      this.ctx.log.info({ groupId, generationId: group.generationId }, "group is now empty");
      this.store(group, new Map()).catch((err: unknown) =>
        this.ctx.log.warn({ groupId, err: String(err) }, "failed to write empty group metadata"),
      );
      return;
    }
    this.ctx.log.info({ groupId, generationId: group.generationId, members: group.size, protocol: group.protocolName }, "stabilized group generation");
    for (const member of group.members.values()) {
      member.completeJoin({
        error: "NONE",
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? "",
        skipAssignment: false,
        memberId: member.memberId,
        members: group.isLeader(member.memberId) ? group.currentMembersForLeader() : [],
      });
      this.rescheduleHeartbeat(group, member);
      member.isNew = false;
      group.addPendingSyncMember(member.memberId);
    }
    this.schedulePendingSync(group);
  }

  // ── sync phase ──────────────────────────────────────────────────────────────────────────────

  private schedulePendingSync(group: ClassicGroup): void {
    const generationId = group.generationId;
    this.ctx.timers.schedule(syncKey(group.groupId), group.rebalanceTimeoutMs(), () => this.expirePendingSync(group, generationId));
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.clearPendingSyncMembers();
    this.ctx.timers.cancel(syncKey(group.groupId));
  }

  removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    const waiting = group.is("CompletingRebalance") || group.is("Stable");
    if (!waiting || group.hasReceivedSyncFromAllMembers()) this.ctx.timers.cancel(syncKey(group.groupId));
  }

  /** Members that got a generation but never sent SyncGroup are removed, and the group rebalances. */
  private expirePendingSync(group: ClassicGroup, generationId: number): void {
    if (generationId !== group.generationId) return;
    if (!group.is("CompletingRebalance") && !group.is("Stable")) return;
    if (group.hasReceivedSyncFromAllMembers()) return;
    const missing = group.pendingSyncMemberIds();
    for (const memberId of missing) {
      group.remove(memberId);
      this.cancelHeartbeat(group, memberId);
    }
    this.prepareRebalance(group, `removing ${missing.join(", ")} on pending sync request expiration`);
  }

  resetAndPropagateAssignmentWithError(group: ClassicGroup, error: GroupErrorName): void {
    for (const member of group.members.values()) member.assignment = EMPTY_BYTES;
    this.propagateAssignment(group, error);
  }

  setAndPropagateAssignment(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): void {
    for (const member of group.members.values()) member.assignment = assignment.get(member.memberId) ?? EMPTY_BYTES;
    this.propagateAssignment(group, "NONE");
  }

  private propagateAssignment(group: ClassicGroup, error: GroupErrorName): void {
    const ok = error === "NONE";
    for (const member of group.members.values()) {
      const sent = member.completeSync({
        error,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: member.assignment,
      });
      // Sessions may have run out while the member waited for the leader; start them afresh.
      if (sent) this.rescheduleHeartbeat(group, member);
    }
  }

  // ── persistence and teardown ────────────────────────────────────────────────────────────────

  store(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): Promise<void> {
    return this.ctx.writer.append(group.groupId, [groupMetadataRecord(group, assignment)]);
  }

  /** Stops the group's timers and answers its parked requests (the group is being deleted or unloaded). */
  shutdown(group: ClassicGroup, error: GroupErrorName): void {
    this.ctx.timers.cancel(joinKey(group.groupId));
    this.ctx.timers.cancel(syncKey(group.groupId));
    for (const memberId of group.pendingMemberIds()) this.cancelHeartbeat(group, memberId);
    for (const member of group.members.values()) {
      this.cancelHeartbeat(group, member.memberId);
      member.completeJoin(joinError(error, member.memberId));
      member.completeSync({ error, protocolType: null, protocolName: null, assignment: EMPTY_BYTES });
    }
  }
}
