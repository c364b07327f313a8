// A classic-protocol group (JoinGroup/SyncGroup): its state machine, members, static-member
// registry and protocol selection, as Kafka's ClassicGroup keeps them. Timers, writes and parked
// requests are driven from classic-rebalance.ts; this class only holds and checks state.
//
//   Empty ──join──► PreparingRebalance ──all joined / timeout──► CompletingRebalance ──leader sync──► Stable
//     ▲                    ▲   │ (no members left)                      │ member change               │
//     └────────────────────┼───┘                                        ▼                             │
//                          └──────────────────── member joins, leaves or changes ◄────────────────────┘
//   any state ──deleted/unloaded──► Dead
import { randomUUID } from "node:crypto";
import type { Group } from "../group.js";
import { GroupError } from "../group-errors.js";
import type { OffsetExpiryPolicy } from "../offsets/offset-expiry.js";
import type { CoordinatorRecord } from "../records/coordinator-record.js";
import { ClassicMember, type ClassicProtocol } from "./classic-member.js";
import { EMPTY_BYTES, type JoinedMember } from "./classic-results.js";
import { subscribedTopicsOf } from "./consumer-subscription.js";

export type ClassicGroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

export const CONSUMER_PROTOCOL_TYPE = "consumer";

const VALID_PREVIOUS_STATES: Record<ClassicGroupState, readonly ClassicGroupState[]> = {
  Empty: ["PreparingRebalance"],
  PreparingRebalance: ["Stable", "CompletingRebalance", "Empty"],
  CompletingRebalance: ["PreparingRebalance"],
  Stable: ["CompletingRebalance"],
  Dead: ["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead"],
};

export interface ClassicGroupInit {
  readonly state: "Empty" | "Stable";
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leaderId: string | null;
  readonly currentStateTimestamp: number | null;
}

export class ClassicGroup implements Group {
  readonly type = "classic";
  private current: ClassicGroupState;
  private previous: ClassicGroupState;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  /** When the group entered its current state; offsets of an empty group expire from here. */
  currentStateTimestamp: number | null;
  /** During the initial rebalance delay: someone joined, so wait a little longer. */
  newMemberAdded = false;
  /** Topics the members subscribe to (consumer protocol), or null when unknown. */
  subscribedTopics: ReadonlySet<string> | null = null;
  readonly members = new Map<string, ClassicMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingMembers = new Set<string>();
  private readonly pendingSyncMembers = new Set<string>();
  private readonly supportedProtocols = new Map<string, number>();

  constructor(
    readonly groupId: string,
    private readonly now: () => number,
    init?: ClassicGroupInit,
  ) {
    this.current = init?.state ?? "Empty";
    this.previous = this.current;
    this.generationId = init?.generationId ?? 0;
    this.protocolType = init?.protocolType ?? null;
    this.protocolName = init?.protocolName ?? null;
    this.leaderId = init?.leaderId ?? null;
    this.currentStateTimestamp = init ? init.currentStateTimestamp : now();
  }

  get state(): ClassicGroupState {
    return this.current;
  }

  get previousState(): ClassicGroupState {
    return this.previous;
  }

  is(state: ClassicGroupState): boolean {
    return this.current === state;
  }

  transitionTo(state: ClassicGroupState): void {
    if (!VALID_PREVIOUS_STATES[state].includes(this.current)) {
      throw new Error(`group ${this.groupId}: invalid transition ${this.current} → ${state}`);
    }
    this.previous = this.current;
    this.current = state;
    this.currentStateTimestamp = this.now();
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS_STATES.PreparingRebalance.includes(this.current);
  }

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): ClassicMember {
    const member = this.members.get(memberId);
    if (!member) throw new Error(`group ${this.groupId} has no member ${memberId}`);
    return member;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  /** Member ids handed out with MEMBER_ID_REQUIRED and not used yet (each has a session timer). */
  pendingMemberIds(): string[] {
    return [...this.pendingMembers];
  }

  /** KIP-394: a member id handed out with MEMBER_ID_REQUIRED, not yet used to join. */
  addPendingMember(memberId: string): void {
    this.pendingMembers.add(memberId);
  }

  add(member: ClassicMember, onJoin: ClassicMember["awaitingJoin"] = null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new Error(`group ${this.groupId}: static member ${member.groupInstanceId} is already a member`);
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    this.countProtocols(member, 1);
    member.awaitingJoin = onJoin;
    this.pendingMembers.delete(member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  /** Removes a member or a pending member id; the leader moves to another member. */
  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      this.countProtocols(member, -1);
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** Swaps a static member's id; the old incarnation's parked requests are fenced. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const old = this.members.get(oldMemberId);
    if (!old) throw new Error(`group ${this.groupId}: cannot replace unknown static member ${oldMemberId}`);
    this.members.delete(oldMemberId);
    old.completeJoin({
      error: "FENCED_INSTANCE_ID",
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leader: "",
      skipAssignment: false,
      memberId: oldMemberId,
      members: [],
    });
    old.completeSync({ error: "FENCED_INSTANCE_ID", protocolType: null, protocolName: null, assignment: EMPTY_BYTES });
    const replacement = old.withMemberId(newMemberId);
    this.members.set(newMemberId, replacement);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return replacement;
  }

  /** A rejoin: new protocols and timeouts, and the new parked JoinGroup (an older one is answered). */
  updateMember(
    member: ClassicMember,
    protocols: readonly ClassicProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    onJoin: ClassicMember["awaitingJoin"],
  ): void {
    this.countProtocols(member, -1);
    member.protocols = protocols;
    this.countProtocols(member, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (onJoin && member.awaitingJoin && member.awaitingJoin !== onJoin) {
      // The client gave up on its earlier JoinGroup and sent another; let the old one go.
      member.completeJoin({
        error: "REBALANCE_IN_PROGRESS",
        generationId: -1,
        protocolType: null,
        protocolName: null,
        leader: "",
        skipAssignment: false,
        memberId: member.memberId,
        members: [],
      });
    }
    member.awaitingJoin = onJoin;
  }

  private countProtocols(member: ClassicMember, delta: 1 | -1): void {
    for (const p of member.protocols) {
      const n = (this.supportedProtocols.get(p.name) ?? 0) + delta;
      if (n === 0) this.supportedProtocols.delete(p.name);
      else this.supportedProtocols.set(p.name, n);
    }
  }

  /** Whether a member with these protocols can join: same protocol type, and one protocol every member supports. */
  supportsProtocols(protocolType: string, protocols: readonly ClassicProtocol[]): boolean {
    if (this.is("Empty")) return protocolType !== "" && protocols.length > 0;
    return (
      this.protocolType === protocolType &&
      protocols.some((p) => (this.supportedProtocols.get(p.name) ?? 0) === this.members.size)
    );
  }

  /** The protocol most members prefer among those all of them support (ties: the earlier candidate). */
  selectProtocol(): string {
    const candidates = new Set<string>();
    for (const [name, count] of this.supportedProtocols) if (count === this.members.size) candidates.add(name);
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const vote = member.vote(candidates);
      if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const name of candidates) {
      if (best === undefined || (votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    }
    if (best === undefined) throw new Error(`group ${this.groupId}: no protocol supported by all members`);
    return best;
  }

  numAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isAwaitingJoin) n++;
    return n;
  }

  hasAllMembersJoined(): boolean {
    return this.numAwaitingJoin() === this.members.size && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): ClassicMember[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** Keeps the leader if it rejoined, else picks a member that did; false when nobody rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.isAwaitingJoin) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  /** The longest rebalance timeout of the members: how long a rebalance may wait for them. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  initNextGeneration(): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo("CompletingRebalance");
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo("Empty");
    }
    this.pendingSyncMembers.clear();
  }

  addPendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
  }

  hasReceivedSyncFromAllMembers(): boolean {
    return this.pendingSyncMembers.size === 0;
  }

  pendingSyncMemberIds(): string[] {
    return [...this.pendingSyncMembers];
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  /** Every member with its metadata for the chosen protocol: the leader's JoinGroup answer. */
  currentMembersForLeader(): JoinedMember[] {
    const protocol = this.protocolName ?? "";
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }));
  }

  groupAssignment(): Map<string, Buffer> {
    return new Map([...this.members.values()].map((m) => [m.memberId, m.assignment]));
  }

  generateMemberId(clientId: string, groupInstanceId: string | null): string {
    return `${groupInstanceId ?? clientId}-${randomUUID()}`;
  }

  /** KIP-345 checks: a static member must use its current member id; a dynamic one must exist. */
  validateMember(memberId: string, groupInstanceId: string | null): void {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) throw new GroupError("UNKNOWN_MEMBER_ID");
      if (existing !== memberId) throw new GroupError("FENCED_INSTANCE_ID");
    } else if (!this.members.has(memberId)) {
      throw new GroupError("UNKNOWN_MEMBER_ID");
    }
  }

  usesConsumerGroupProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  computeSubscribedTopics(): ReadonlySet<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const subscribed = subscribedTopicsOf(member.metadata(this.protocolName));
      if (subscribed === null) return null;
      for (const t of subscribed) topics.add(t);
    }
    return topics;
  }

  // ── Group ────────────────────────────────────────────────────────────────────────────────────

  stateName(): string {
    return this.current;
  }

  isEmpty(): boolean {
    return this.current === "Empty";
  }

  isDead(): boolean {
    return this.current === "Dead";
  }

  listedProtocolType(): string {
    return this.protocolType ?? "";
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics?.has(topic) ?? false;
  }

  validateOffsetCommit(memberId: string, groupInstanceId: string | null, generationId: number): void {
    if (this.is("Dead")) throw new GroupError("COORDINATOR_NOT_AVAILABLE");
    // Generation -1 comes from admin tools and consumers without group management ("simple"
    // consumers); they may commit while the group has no members.
    if (generationId < 0 && this.is("Empty")) return;
    if (generationId >= 0 || memberId !== "" || groupInstanceId !== null) {
      this.validateMember(memberId, groupInstanceId);
      if (generationId !== this.generationId) throw new GroupError("ILLEGAL_GENERATION");
    } else if (!this.is("Empty")) {
      throw new GroupError("UNKNOWN_MEMBER_ID");
    }
    // The member has its new generation from JoinGroup but no assignment yet: make it finish the rebalance.
    if (this.is("CompletingRebalance")) throw new GroupError("REBALANCE_IN_PROGRESS");
  }

  validateOffsetFetch(): void {
    if (this.is("Dead")) throw new GroupError("GROUP_ID_NOT_FOUND");
  }

  validateOffsetDelete(): void {
    if (this.is("Dead")) throw new GroupError("GROUP_ID_NOT_FOUND");
    if (!this.is("Empty") && !this.usesConsumerGroupProtocol()) throw new GroupError("NON_EMPTY_GROUP");
  }

  validateDeleteGroup(): void {
    if (this.is("Dead")) throw new GroupError("GROUP_ID_NOT_FOUND");
    if (!this.is("Empty")) throw new GroupError("NON_EMPTY_GROUP");
  }

  offsetExpiryPolicy(): OffsetExpiryPolicy {
    const isSubscribedToTopic = (topic: string) => this.isSubscribedToTopic(topic);
    if (this.protocolType === null || this.protocolType === "") {
      // A "simple" group (offsets only): each offset expires from its own commit.
      return { baseTimestamp: (o) => o.commitTimestampMs, isSubscribedToTopic };
    }
    if (this.is("Empty")) {
      const since = this.currentStateTimestamp;
      return { baseTimestamp: (o) => since ?? o.commitTimestampMs, isSubscribedToTopic };
    }
    if (this.usesConsumerGroupProtocol() && this.subscribedTopics !== null && this.is("Stable")) {
      return { baseTimestamp: (o) => o.commitTimestampMs, isSubscribedToTopic };
    }
    return { baseTimestamp: null, isSubscribedToTopic };
  }

  tombstones(): CoordinatorRecord[] {
    return [{ kind: "groupMetadata", groupId: this.groupId, value: null }];
  }

  markDead(): void {
    this.transitionTo("Dead");
  }
}
