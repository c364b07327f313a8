// The group coordinator: consumer groups of both protocols (classic JoinGroup/SyncGroup and
// KIP-848 ConsumerGroupHeartbeat) and their committed offsets, persisted in __consumer_offsets.
// A group is coordinated by the leader of its partition (partitionFor(groupId)): on a cluster the
// broker elects and resigns partitions here as leadership moves (onElection / onResignation, as
// Kafka's GroupCoordinator); on its own (start()) this node leads every partition. A request for a
// group whose partition is not held here answers NOT_COORDINATOR, one still loading
// COORDINATOR_LOAD_IN_PROGRESS.
import type { Logger } from "pino";
import type { JoinGroupInput } from "./classic/classic-join.js";
import type { HeartbeatInput, LeaveGroupResult, LeavingMember } from "./classic/classic-membership.js";
import { joinError, syncError, type JoinGroupResult, type SyncGroupResult } from "./classic/classic-results.js";
import { ClassicService } from "./classic/classic-service.js";
import type { SyncGroupInput } from "./classic/classic-sync.js";
import { CoordinatedPartitions } from "./coordinated-partitions.js";
import type { CoordinatorLog } from "./coordinator-log.js";
import { serverAssignors } from "./consumer/assignors/assignors.js";
import { ConsumerGroupHeartbeat, type ConsumerHeartbeatInput, type ConsumerHeartbeatResult } from "./consumer/consumer-heartbeat.js";
import { ConsumerMembership } from "./consumer/consumer-membership.js";
import { TopicRegexResolver } from "./consumer/topic-regex.js";
import { GroupAdmin, type DescribedClassicGroup, type DescribedConsumerGroup, type ListedGroup } from "./group-admin.js";
import type { GroupCoordinatorConfig } from "./group-config.js";
import type { GroupErrorName } from "./group-errors.js";
import { GroupRegistry } from "./group-registry.js";
import type { GroupTopics } from "./group-topics.js";
import { cleanupGroupMetadata } from "./offsets/offset-cleanup.js";
import { OffsetManager } from "./offsets/offset-manager.js";
import { OffsetStore } from "./offsets/offset-store.js";
import type { CoordinatorLocation, OffsetsTopicLeadership } from "./offsets-leadership.js";
import type { OffsetCommitInput, OffsetDeleteInput, OffsetDeleteResult, OffsetFetchInput, OffsetFetchResult, PartitionErrors } from "./offsets/offset-types.js";
import { partitionFor } from "./partition-for.js";
import { RecordWriter } from "./record-writer.js";
import { KeyedTimers, systemTimer, type Timer } from "./timer.js";

export interface GroupCoordinatorOptions {
  readonly config: GroupCoordinatorConfig;
  /** The __consumer_offsets partitions. */
  readonly log: CoordinatorLog;
  readonly topics: GroupTopics;
  readonly logger: Logger;
  /** Defaults to wall-clock timers; tests pass a ManualTimer. */
  readonly timer?: Timer;
  /**
   * Where the partitions are led (a cluster): FindCoordinator names their leaders, and the broker
   * elects and resigns partitions here as leadership moves. Without it this node leads them all.
   */
  readonly leadership?: OffsetsTopicLeadership;
}

/** created: nothing served yet (COORDINATOR_LOAD_IN_PROGRESS); running: per partition; closed: NOT_COORDINATOR. */
type Status = "created" | "running" | "closed";

const CLEANUP_KEY = "offsets-cleanup";

export class GroupCoordinator {
  private status: Status = "created";
  private cleanupRunning = false;
  private readonly config: GroupCoordinatorConfig;
  private readonly logger: Logger;
  private readonly timer: Timer;
  private readonly timers: KeyedTimers;
  private readonly writer: RecordWriter;
  private readonly registry = new GroupRegistry();
  private readonly store = new OffsetStore();
  private readonly offsets: OffsetManager;
  private readonly classic: ClassicService;
  private readonly membership: ConsumerMembership;
  private readonly consumer: ConsumerGroupHeartbeat;
  private readonly admin: GroupAdmin;
  private readonly regexes: TopicRegexResolver;
  private readonly partitions: CoordinatedPartitions;
  private readonly leadership: OffsetsTopicLeadership | undefined;

  constructor(options: GroupCoordinatorOptions) {
    const { config, topics } = options;
    this.config = config;
    this.logger = options.logger;
    this.leadership = options.leadership;
    this.timer = options.timer ?? systemTimer;
    this.timers = new KeyedTimers(this.timer);
    this.writer = new RecordWriter(options.log, config.offsetsTopicNumPartitions);
    const now = () => this.timer.now();
    const log = this.logger;
    const assignors = serverAssignors(config.consumerAssignors);
    this.regexes = new TopicRegexResolver(topics, now, config.consumerRegexRefreshIntervalMs);
    const shared = { config, timers: this.timers, writer: this.writer, log, now, registry: this.registry };
    this.offsets = new OffsetManager({ ...shared, store: this.store, topics });
    this.classic = new ClassicService(shared);
    const consumerCtx = { ...shared, topics, assignors, regexes: this.regexes };
    this.membership = new ConsumerMembership(consumerCtx);
    this.consumer = new ConsumerGroupHeartbeat(consumerCtx, this.membership);
    this.admin = new GroupAdmin({
      registry: this.registry,
      offsets: this.offsets,
      classic: this.classic.rebalancer,
      consumer: this.membership,
      topics,
      defaultAssignor: assignors.keys().next().value!,
      log,
    });
    this.partitions = new CoordinatedPartitions({
      config,
      log: options.log,
      topics,
      registry: this.registry,
      store: this.store,
      writer: this.writer,
      classic: this.classic,
      membership: this.membership,
      timers: this.timers,
      timer: this.timer,
      logger: log,
    });
  }

  /** The __consumer_offsets partition holding a group (its coordinator is that partition's leader). */
  partitionFor(groupId: string): number {
    return partitionFor(groupId, this.config.offsetsTopicNumPartitions);
  }

  /** Whether this node serves as coordinator at all (false once closed). */
  get isActive(): boolean {
    return this.status !== "closed";
  }

  /**
   * One node: this node leads every partition. Loads them all (their groups answer
   * COORDINATOR_LOAD_IN_PROGRESS meanwhile) and resolves once loaded.
   */
  async start(): Promise<void> {
    this.startup();
    const started = this.timer.now();
    await Promise.all(Array.from({ length: this.config.offsetsTopicNumPartitions }, (_, p) => this.onElection(p, 0)));
    if (this.status !== "running") return;
    this.logger.info({ groups: this.registry.size, ms: this.timer.now() - started }, "group coordinator loaded");
  }

  /** Starts serving: the periodic offsets clean-up runs; partitions come with onElection. */
  startup(): void {
    if (this.status !== "created") throw new Error(`group coordinator cannot start when ${this.status}`);
    this.status = "running";
    this.scheduleCleanup();
  }

  /**
   * This node became the leader of partition p in `leaderEpoch` (Kafka's onElection): its groups
   * are loaded from the log. Resolves once loaded (or the load was abandoned). Idempotent.
   */
  onElection(partition: number, leaderEpoch: number): Promise<void> {
    if (this.status !== "running") return Promise.resolve();
    return this.partitions.elect(partition, leaderEpoch);
  }

  /** This node no longer leads partition p (Kafka's onResignation): its groups are unloaded. */
  onResignation(partition: number): void {
    this.partitions.resign(partition);
  }

  /** Partitions held (loading or loaded) and the leader epoch each was elected in. */
  heldPartitions(): ReadonlyMap<number, number> {
    return this.partitions.held();
  }

  /**
   * Which broker coordinates a group (FindCoordinator): the leader of its partition. The first
   * lookup creates __consumer_offsets, as Kafka does; until it exists and the partition has a
   * leader, the group's coordinator is not available.
   */
  async coordinatorOf(groupId: string): Promise<CoordinatorLocation> {
    if (this.status === "closed") return { kind: "unavailable", reason: "the group coordinator is shut down" };
    const leadership = this.leadership;
    if (!leadership) return { kind: "local" };
    if (!leadership.exists()) {
      try {
        await leadership.create();
      } catch (err) {
        // Asked again by every client lookup until it works (e.g. brokers still registering): debug only.
        const reason = err instanceof Error ? err.message : String(err);
        this.logger.debug({ groupId, reason }, "__consumer_offsets cannot be created yet");
        return { kind: "unavailable", reason: `__consumer_offsets cannot be created yet: ${reason}` };
      }
    }
    const partition = this.partitionFor(groupId);
    const leader = leadership.leaderOf(partition);
    if (leader === null) return { kind: "unavailable", reason: `__consumer_offsets-${partition} has no leader` };
    return leader === leadership.localNodeId ? { kind: "local" } : { kind: "remote", nodeId: leader };
  }

  /** Stops every timer and answers parked requests; resolves once in-flight writes have settled. */
  async close(): Promise<void> {
    if (this.status === "closed") return;
    this.status = "closed";
    this.timers.stop();
    this.partitions.resignAll();
    await this.writer.idle();
  }

  private scheduleCleanup(): void {
    this.timers.schedule(CLEANUP_KEY, this.config.offsetsRetentionCheckIntervalMs, () => {
      this.scheduleCleanup();
      // A pass still writing its tombstones is not overlapped; the next tick catches up.
      if (this.cleanupRunning) return;
      this.cleanupRunning = true;
      this.cleanupExpiredOffsets()
        .catch((err: unknown) => this.logger.error({ err }, "offsets clean-up failed"))
        .finally(() => (this.cleanupRunning = false));
    });
  }

  /** One pass of the offsets clean-up (runs every offsets.retention.check.interval.ms). */
  cleanupExpiredOffsets(): Promise<void> {
    const regexesInUse = new Set<string>();
    for (const group of this.registry.all()) if (group.type === "consumer") for (const r of group.subscribedRegexes()) regexesInUse.add(r);
    this.regexes.retain(regexesInUse);
    return cleanupGroupMetadata({
      registry: this.registry,
      store: this.store,
      offsets: this.offsets,
      admin: this.admin,
      retentionMs: this.config.offsetsRetentionMs,
      now: () => this.timer.now(),
      log: this.logger,
    });
  }

  /** Why requests for this group cannot be served here now, if they cannot. */
  private unavailable(groupId: string): GroupErrorName | null {
    if (this.status !== "running") return this.status === "closed" ? "NOT_COORDINATOR" : "COORDINATOR_LOAD_IN_PROGRESS";
    switch (this.partitions.status(this.partitionFor(groupId))) {
      case "active":
        return null;
      case "loading":
        return "COORDINATOR_LOAD_IN_PROGRESS";
      default:
        return "NOT_COORDINATOR";
    }
  }

  /** Why no request can be served now (before start-up, after close), if so. */
  private stopped(): GroupErrorName | null {
    if (this.status === "running") return null;
    return this.status === "closed" ? "NOT_COORDINATOR" : "COORDINATOR_LOAD_IN_PROGRESS";
  }

  // ── classic protocol ────────────────────────────────────────────────────────────────────────

  /** Resolves when the member can be answered, which for a rebalance is when the join phase ends. */
  joinGroup(input: JoinGroupInput): Promise<JoinGroupResult> {
    const error = this.unavailable(input.groupId);
    return error ? Promise.resolve(joinError(error, input.memberId)) : this.classic.join(input);
  }

  syncGroup(input: SyncGroupInput): Promise<SyncGroupResult> {
    const error = this.unavailable(input.groupId);
    return error ? Promise.resolve(syncError(error)) : this.classic.sync(input);
  }

  heartbeat(input: HeartbeatInput): GroupErrorName {
    return this.unavailable(input.groupId) ?? this.classic.heartbeat(input);
  }

  leaveGroup(groupId: string, members: readonly LeavingMember[]): LeaveGroupResult {
    const error = this.unavailable(groupId);
    return error ? { error, members: [] } : this.classic.leave(groupId, members);
  }

  // ── KIP-848 ─────────────────────────────────────────────────────────────────────────────────

  consumerGroupHeartbeat(input: ConsumerHeartbeatInput): Promise<ConsumerHeartbeatResult> {
    const error = this.unavailable(input.groupId);
    if (error) {
      return Promise.resolve({ error, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    }
    return this.consumer.heartbeat(input);
  }

  consumerGroupDescribe(groupIds: readonly string[]): DescribedConsumerGroup[] {
    return groupIds.map((groupId) => {
      const error = this.unavailable(groupId);
      if (!error) return this.admin.consumerGroupDescribe([groupId])[0]!;
      return { groupId, error, errorMessage: null, groupState: "", groupEpoch: -1, assignmentEpoch: -1, assignorName: "", members: [] };
    });
  }

  // ── offsets ─────────────────────────────────────────────────────────────────────────────────

  /** Resolves once the commit is durable (or refused), with an error per partition. */
  commitOffsets(input: OffsetCommitInput): Promise<PartitionErrors> {
    const error = this.unavailable(input.groupId);
    if (error) {
      return Promise.resolve(input.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, error })) })));
    }
    return this.offsets.commit(input);
  }

  fetchOffsets(input: OffsetFetchInput): OffsetFetchResult {
    const error = this.unavailable(input.groupId);
    return error ? { error, topics: [] } : this.offsets.fetch(input);
  }

  deleteOffsets(input: OffsetDeleteInput): Promise<OffsetDeleteResult> {
    const error = this.unavailable(input.groupId);
    return error ? Promise.resolve({ error, topics: [] }) : this.offsets.delete(input);
  }

  // ── administration ──────────────────────────────────────────────────────────────────────────

  deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; error: GroupErrorName }[]> {
    return Promise.all(
      groupIds.map(async (groupId) => {
        const error = this.unavailable(groupId);
        return error ? { groupId, error } : (await this.admin.deleteGroups([groupId]))[0]!;
      }),
    );
  }

  /** The groups of the partitions loaded here (Kafka 4 lists the active ones, skipping any still loading). */
  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): { error: GroupErrorName; groups: ListedGroup[] } {
    const error = this.stopped();
    return error ? { error, groups: [] } : { error: "NONE", groups: this.admin.listGroups(statesFilter, typesFilter) };
  }

  describeGroups(groupIds: readonly string[]): DescribedClassicGroup[] {
    return groupIds.map((groupId) => {
      const error = this.unavailable(groupId);
      if (!error) return this.admin.describeGroups([groupId])[0]!;
      return { groupId, error, groupState: "", protocolType: "", protocolData: "", members: [] };
    });
  }
}
