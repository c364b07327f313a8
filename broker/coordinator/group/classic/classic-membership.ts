// Heartbeat and LeaveGroup for classic groups: keeping a member's session alive (and telling it
// when to rejoin), and members leaving — by member id, or by group.instance.id for static members
// removed by an admin (KIP-345).
import { GroupError, type GroupErrorName } from "../group-errors.js";
import type { ClassicGroup } from "./classic-group.js";
import type { ClassicRebalancer } from "./classic-rebalance.js";

export interface HeartbeatInput {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export function classicHeartbeat(rebalancer: ClassicRebalancer, group: ClassicGroup, input: HeartbeatInput): GroupErrorName {
  if (group.isDead()) return "COORDINATOR_NOT_AVAILABLE";
  try {
    group.validateMember(input.memberId, input.groupInstanceId);
  } catch (err) {
    if (err instanceof GroupError) return err.error;
    throw err;
  }
  if (input.generationId !== group.generationId) return "ILLEGAL_GENERATION";
  switch (group.state) {
    case "PreparingRebalance":
      rebalancer.rescheduleHeartbeat(group, group.member(input.memberId));
      return "REBALANCE_IN_PROGRESS";
    case "CompletingRebalance":
    case "Stable":
      // Heartbeats may start right after JoinGroup, before SyncGroup: they count.
      rebalancer.rescheduleHeartbeat(group, group.member(input.memberId));
      return "NONE";
    default:
      return "UNKNOWN_MEMBER_ID";
  }
}

export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly reason: string | null;
}

export interface LeaveGroupResult {
  readonly error: GroupErrorName;
  readonly members: readonly { memberId: string; groupInstanceId: string | null; error: GroupErrorName }[];
}

export function classicLeave(rebalancer: ClassicRebalancer, group: ClassicGroup, leaving: readonly LeavingMember[]): LeaveGroupResult {
  if (group.isDead()) return { error: "COORDINATOR_NOT_AVAILABLE", members: [] };
  const members = leaving.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, error: leaveOne(rebalancer, group, m) }));
  if (members.some((m) => m.error === "NONE")) {
    const reason = `explicit LeaveGroup for ${members.filter((m) => m.error === "NONE").map((m) => m.memberId || m.groupInstanceId).join(", ")}`;
    if (group.is("Stable") || group.is("CompletingRebalance")) rebalancer.maybePrepareRebalanceOrCompleteJoin(group, reason);
    else if (group.is("PreparingRebalance")) rebalancer.maybeCompleteJoinPhase(group);
  }
  return { error: "NONE", members };
}

function leaveOne(rebalancer: ClassicRebalancer, group: ClassicGroup, leaving: LeavingMember): GroupErrorName {
  if (leaving.memberId === "") {
    // An admin removing a static member by its instance id.
    const memberId = leaving.groupInstanceId === null ? undefined : group.staticMemberId(leaving.groupInstanceId);
    if (memberId === undefined) return "UNKNOWN_MEMBER_ID";
    removeMember(rebalancer, group, memberId);
    return "NONE";
  }
  if (group.isPendingMember(leaving.memberId)) {
    group.remove(leaving.memberId);
    rebalancer.cancelHeartbeat(group, leaving.memberId);
    return "NONE";
  }
  try {
    group.validateMember(leaving.memberId, leaving.groupInstanceId);
  } catch (err) {
    if (err instanceof GroupError) return err.error;
    throw err;
  }
  removeMember(rebalancer, group, leaving.memberId);
  return "NONE";
}

function removeMember(rebalancer: ClassicRebalancer, group: ClassicGroup, memberId: string): void {
  const member = group.member(memberId);
  rebalancer.cancelHeartbeat(group, memberId);
  member.completeJoin({
    error: "UNKNOWN_MEMBER_ID",
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: "",
    skipAssignment: false,
    memberId: "",
    members: [],
  });
  group.remove(memberId);
}
