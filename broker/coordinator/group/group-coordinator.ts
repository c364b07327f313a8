// The group coordinator: consumer groups of both protocols (classic JoinGroup/SyncGroup and
// KIP-848 ConsumerGroupHeartbeat) and their committed offsets, persisted in __consumer_offsets.
// Single node for now: this node coordinates every group (the leader of partitionFor(groupId)).
import type { Logger } from "pino";
import type { JoinGroupInput } from "./classic/classic-join.js";
import type { HeartbeatInput, LeaveGroupResult, LeavingMember } from "./classic/classic-membership.js";
import { joinError, syncError, type JoinGroupResult, type SyncGroupResult } from "./classic/classic-results.js";
import { ClassicService } from "./classic/classic-service.js";
import type { SyncGroupInput } from "./classic/classic-sync.js";
import type { CoordinatorLog } from "./coordinator-log.js";
import { serverAssignors } from "./consumer/assignors/assignors.js";
import { ConsumerGroupHeartbeat, type ConsumerHeartbeatInput, type ConsumerHeartbeatResult } from "./consumer/consumer-heartbeat.js";
import { ConsumerMembership } from "./consumer/consumer-membership.js";
import { TopicRegexResolver } from "./consumer/topic-regex.js";
import { GroupAdmin, type DescribedClassicGroup, type DescribedConsumerGroup, type ListedGroup } from "./group-admin.js";
import type { GroupCoordinatorConfig } from "./group-config.js";
import type { GroupErrorName } from "./group-errors.js";
import { loadPartition, type GroupLoaderContext } from "./group-loader.js";
import { GroupRegistry } from "./group-registry.js";
import type { GroupTopics } from "./group-topics.js";
import { cleanupGroupMetadata } from "./offsets/offset-cleanup.js";
import { OffsetManager } from "./offsets/offset-manager.js";
import { OffsetStore } from "./offsets/offset-store.js";
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
}

type Status = "created" | "loading" | "active" | "closed";

const CLEANUP_KEY = "offsets-cleanup";

export class GroupCoordinator {
  private status: Status = "created";
  private cleanupRunning = false;
  private readonly config: GroupCoordinatorConfig;
  private readonly logger: Logger;
  private readonly coordinatorLog: CoordinatorLog;
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

  constructor(options: GroupCoordinatorOptions) {
    const { config, topics } = options;
    this.config = config;
    this.logger = options.logger;
    this.coordinatorLog = options.log;
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
  }

  /** The __consumer_offsets partition holding a group (its coordinator is that partition's leader). */
  partitionFor(groupId: string): number {
    return partitionFor(groupId, this.config.offsetsTopicNumPartitions);
  }

  /** Whether this node serves as coordinator at all (FindCoordinator); requests may still get LOAD_IN_PROGRESS. */
  get isActive(): boolean {
    return this.status !== "closed";
  }

  /** Loads every group and offset from the log, then starts the periodic offsets clean-up. */
  async start(): Promise<void> {
    if (this.status !== "created") throw new Error(`group coordinator cannot start when ${this.status}`);
    this.status = "loading";
    const started = this.timer.now();
    const ctx: GroupLoaderContext = { log: this.coordinatorLog, registry: this.registry, offsets: this.offsets, logger: this.logger, now: () => this.timer.now() };
    let records = 0;
    for (let p = 0; p < this.config.offsetsTopicNumPartitions; p++) {
      records += await loadPartition(ctx, p);
      if (this.status !== "loading") return;
    }
    for (const group of this.registry.all()) {
      if (group.type === "classic") this.classic.onLoaded(group);
      else this.membership.onLoaded(group);
    }
    this.status = "active";
    this.scheduleCleanup();
    this.logger.info({ records, groups: this.registry.size, ms: this.timer.now() - started }, "group coordinator loaded");
  }

  /** Stops every timer and answers parked requests; resolves once in-flight writes have settled. */
  async close(): Promise<void> {
    if (this.status === "closed") return;
    this.status = "closed";
    this.timers.stop();
    for (const group of this.registry.all()) {
      if (group.type === "classic") this.classic.rebalancer.shutdown(group, "NOT_COORDINATOR");
    }
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

  /** Why requests cannot be served now, if they cannot. */
  private unavailable(): GroupErrorName | null {
    if (this.status === "active") return null;
    return this.status === "closed" ? "NOT_COORDINATOR" : "COORDINATOR_LOAD_IN_PROGRESS";
  }

  // ── classic protocol ────────────────────────────────────────────────────────────────────────

  /** Resolves when the member can be answered, which for a rebalance is when the join phase ends. */
  joinGroup(input: JoinGroupInput): Promise<JoinGroupResult> {
    const error = this.unavailable();
    return error ? Promise.resolve(joinError(error, input.memberId)) : this.classic.join(input);
  }

  syncGroup(input: SyncGroupInput): Promise<SyncGroupResult> {
    const error = this.unavailable();
    return error ? Promise.resolve(syncError(error)) : this.classic.sync(input);
  }

  heartbeat(input: HeartbeatInput): GroupErrorName {
    return this.unavailable() ?? this.classic.heartbeat(input);
  }

  leaveGroup(groupId: string, members: readonly LeavingMember[]): LeaveGroupResult {
    const error = this.unavailable();
    return error ? { error, members: [] } : this.classic.leave(groupId, members);
  }

  // ── KIP-848 ─────────────────────────────────────────────────────────────────────────────────

  consumerGroupHeartbeat(input: ConsumerHeartbeatInput): Promise<ConsumerHeartbeatResult> {
    const error = this.unavailable();
    if (error) {
      return Promise.resolve({ error, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    }
    return this.consumer.heartbeat(input);
  }

  consumerGroupDescribe(groupIds: readonly string[]): DescribedConsumerGroup[] {
    const error = this.unavailable();
    if (error) {
      return groupIds.map((groupId) => ({
        groupId,
        error,
        errorMessage: null,
        groupState: "",
        groupEpoch: -1,
        assignmentEpoch: -1,
        assignorName: "",
        members: [],
      }));
    }
    return this.admin.consumerGroupDescribe(groupIds);
  }

  // ── offsets ─────────────────────────────────────────────────────────────────────────────────

  /** Resolves once the commit is durable (or refused), with an error per partition. */
  commitOffsets(input: OffsetCommitInput): Promise<PartitionErrors> {
    const error = this.unavailable();
    if (error) {
      return Promise.resolve(input.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, error })) })));
    }
    return this.offsets.commit(input);
  }

  fetchOffsets(input: OffsetFetchInput): OffsetFetchResult {
    const error = this.unavailable();
    return error ? { error, topics: [] } : this.offsets.fetch(input);
  }

  deleteOffsets(input: OffsetDeleteInput): Promise<OffsetDeleteResult> {
    const error = this.unavailable();
    return error ? Promise.resolve({ error, topics: [] }) : this.offsets.delete(input);
  }

  // ── administration ──────────────────────────────────────────────────────────────────────────

  deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; error: GroupErrorName }[]> {
    const error = this.unavailable();
    return error ? Promise.resolve(groupIds.map((groupId) => ({ groupId, error }))) : this.admin.deleteGroups(groupIds);
  }

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): { error: GroupErrorName; groups: ListedGroup[] } {
    const error = this.unavailable();
    return error ? { error, groups: [] } : { error: "NONE", groups: this.admin.listGroups(statesFilter, typesFilter) };
  }

  describeGroups(groupIds: readonly string[]): DescribedClassicGroup[] {
    const error = this.unavailable();
    if (error) {
      return groupIds.map((groupId) => ({ groupId, error, groupState: "", protocolType: "", protocolData: "", members: [] }));
    }
    return this.admin.describeGroups(groupIds);
  }
}
