// The classic protocol's entry points (JoinGroup, SyncGroup, Heartbeat, LeaveGroup): request checks
// shared by all states, finding (or creating) the group, then the per-state logic.
import type { GroupErrorName } from "../group-errors.js";
import type { GroupRegistry } from "../group-registry.js";
import type { CoordinatorRecord } from "../records/coordinator-record.js";
import type { ClassicContext } from "./classic-context.js";
import { ClassicGroup } from "./classic-group.js";
import { ClassicJoin, type JoinGroupInput } from "./classic-join.js";
import { classicHeartbeat, classicLeave, type HeartbeatInput, type LeaveGroupResult, type LeavingMember } from "./classic-membership.js";
import { ClassicRebalancer } from "./classic-rebalance.js";
import { emptyGroupMetadataRecord } from "./classic-records.js";
import { joinError, syncError, type JoinGroupResult, type SyncGroupResult } from "./classic-results.js";
import { classicSync, type SyncGroupInput } from "./classic-sync.js";

export interface ClassicServiceContext extends ClassicContext {
  readonly registry: GroupRegistry;
}

/** Errors for a request naming a group that is missing or of the other type. */
function lookupError(found: unknown): GroupErrorName {
  return found === undefined ? "UNKNOWN_MEMBER_ID" : "GROUP_ID_NOT_FOUND";
}

export class ClassicService {
  readonly rebalancer: ClassicRebalancer;
  private readonly joiner: ClassicJoin;

  constructor(private readonly ctx: ClassicServiceContext) {
    this.rebalancer = new ClassicRebalancer(ctx);
    this.joiner = new ClassicJoin(ctx, this.rebalancer);
  }

  private classicGroup(groupId: string): ClassicGroup | GroupErrorName {
    const group = this.ctx.registry.get(groupId);
    return group?.type === "classic" ? group : lookupError(group);
  }

  async join(request: JoinGroupInput): Promise<JoinGroupResult> {
    // Metadata is kept for the member's lifetime: copy it out of the (much larger) network buffer.
    const input = { ...request, protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })) };
    if (input.groupId === "") return joinError("INVALID_GROUP_ID", input.memberId);
    const { classicMinSessionTimeoutMs: min, classicMaxSessionTimeoutMs: max } = this.ctx.config;
    if (input.sessionTimeoutMs < min || input.sessionTimeoutMs > max) return joinError("INVALID_SESSION_TIMEOUT", input.memberId);

    const records: CoordinatorRecord[] = [];
    let existing = this.ctx.registry.get(input.groupId);
    if (existing?.type === "consumer") {
      if (!existing.isEmpty()) return joinError("INCONSISTENT_GROUP_PROTOCOL", input.memberId);
      // An empty consumer group gives its id to the classic group (its records are deleted).
      records.push(...existing.tombstones());
      existing.markDead();
      this.ctx.registry.delete(input.groupId);
      existing = undefined;
    }
    let group = existing;
    if (!group) {
      if (input.memberId !== "") return joinError("UNKNOWN_MEMBER_ID", input.memberId);
      group = new ClassicGroup(input.groupId, this.ctx.now);
      this.ctx.registry.set(group);
      records.push(emptyGroupMetadataRecord(group));
    }
    if (records.length > 0) {
      this.ctx.writer.append(input.groupId, records).catch((err: unknown) =>
        this.ctx.log.warn({ groupId: input.groupId, err: String(err) }, "failed to write new group metadata"),
      );
    }
    return this.joiner.join(group, input);
  }

  sync(request: SyncGroupInput): Promise<SyncGroupResult> {
    const input = { ...request, assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })) };
    if (input.groupId === "") return Promise.resolve(syncError("INVALID_GROUP_ID"));
    const group = this.classicGroup(input.groupId);
    if (typeof group === "string") return Promise.resolve(syncError(group));
    return classicSync(this.ctx, this.rebalancer, group, input);
  }

  heartbeat(input: HeartbeatInput): GroupErrorName {
    if (input.groupId === "") return "INVALID_GROUP_ID";
    const group = this.classicGroup(input.groupId);
    if (typeof group === "string") return group;
    return classicHeartbeat(this.rebalancer, group, input);
  }

  leave(groupId: string, members: readonly LeavingMember[]): LeaveGroupResult {
    if (groupId === "") return { error: "INVALID_GROUP_ID", members: [] };
    const group = this.classicGroup(groupId);
    if (typeof group === "string") return { error: group, members: [] };
    return classicLeave(this.rebalancer, group, members);
  }

  /** After loading: members must heartbeat within their sessions; an oversized group rebalances. */
  onLoaded(group: ClassicGroup): void {
    for (const member of group.members.values()) this.rebalancer.rescheduleHeartbeat(group, member);
    if (group.size > this.ctx.config.classicMaxSize) {
      this.rebalancer.prepareRebalance(group, `loaded group is over capacity ${this.ctx.config.classicMaxSize}`);
    }
  }
}
