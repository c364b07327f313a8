// SyncGroup: followers park until the leader sends the assignment; the leader's assignment is
// persisted with the group, then handed to every member and the group becomes Stable.
import { GroupError, writeFailureError } from "../group-errors.js";
import type { ClassicContext } from "./classic-context.js";
import type { ClassicGroup } from "./classic-group.js";
import type { ClassicRebalancer } from "./classic-rebalance.js";
import { EMPTY_BYTES, syncError, type SyncGroupResult } from "./classic-results.js";

export interface SyncGroupInput {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** v5+: checked against the group's when set. */
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** Sent by the leader only. */
  readonly assignments: readonly { memberId: string; assignment: Buffer }[];
}

const inconsistent = (requested: string | null, actual: string | null) =>
  requested !== null && actual !== null && requested !== actual;

function validateSync(group: ClassicGroup, input: SyncGroupInput): void {
  if (group.isDead()) throw new GroupError("COORDINATOR_NOT_AVAILABLE");
  group.validateMember(input.memberId, input.groupInstanceId);
  if (input.generationId !== group.generationId) throw new GroupError("ILLEGAL_GENERATION");
  if (inconsistent(input.protocolType, group.protocolType) || inconsistent(input.protocolName, group.protocolName)) {
    throw new GroupError("INCONSISTENT_GROUP_PROTOCOL");
  }
}

export function classicSync(
  ctx: ClassicContext,
  rebalancer: ClassicRebalancer,
  group: ClassicGroup,
  input: SyncGroupInput,
): Promise<SyncGroupResult> {
  try {
    validateSync(group, input);
  } catch (err) {
    if (err instanceof GroupError) return Promise.resolve(syncError(err.error));
    throw err;
  }
  switch (group.state) {
    case "Empty":
      return Promise.resolve(syncError("UNKNOWN_MEMBER_ID"));
    case "PreparingRebalance":
      return Promise.resolve(syncError("REBALANCE_IN_PROGRESS"));
    case "Stable": {
      rebalancer.removePendingSyncMember(group, input.memberId);
      const member = group.member(input.memberId);
      return Promise.resolve({ error: "NONE", protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
    }
    case "CompletingRebalance":
      return new Promise((respond) => {
        const member = group.member(input.memberId);
        member.completeSync(syncError("REBALANCE_IN_PROGRESS"));
        member.awaitingSync = respond;
        rebalancer.removePendingSyncMember(group, input.memberId);
        if (group.isLeader(input.memberId)) applyLeaderAssignment(ctx, rebalancer, group, input);
      });
    default:
      return Promise.resolve(syncError("COORDINATOR_NOT_AVAILABLE"));
  }
}

function applyLeaderAssignment(ctx: ClassicContext, rebalancer: ClassicRebalancer, group: ClassicGroup, input: SyncGroupInput): void {
  const assignment = new Map<string, Buffer>();
  for (const a of input.assignments) assignment.set(a.memberId, a.assignment);
  const missing = [...group.members.keys()].filter((id) => !assignment.has(id));
  for (const id of missing) assignment.set(id, EMPTY_BYTES);
  ctx.log.info(
    { groupId: group.groupId, generationId: group.generationId, leader: input.memberId, members: group.size, missing },
    "assignment received from leader",
  );
  rebalancer.store(group, assignment).then(
    () => {
      // A member may have joined meanwhile and started another rebalance: then this generation is over.
      if (!group.is("CompletingRebalance") || input.generationId !== group.generationId) return;
      rebalancer.setAndPropagateAssignment(group, assignment);
      group.transitionTo("Stable");
    },
    (err: unknown) => {
      ctx.log.warn({ groupId: group.groupId, err: String(err) }, "failed to persist group assignment");
      if (!group.is("CompletingRebalance") || input.generationId !== group.generationId) return;
      rebalancer.resetAndPropagateAssignmentWithError(group, writeFailureError(err));
      rebalancer.maybePrepareRebalanceOrCompleteJoin(group, "error storing the group assignment");
    },
  );
}
