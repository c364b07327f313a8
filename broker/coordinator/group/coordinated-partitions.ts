// The __consumer_offsets partitions this coordinator serves, each loading or loaded, as Kafka's
// GroupCoordinator.onElection / onResignation drive them. Electing a partition replays its log into
// a registry and offset store of its own, and only when the replay is complete are its groups and
// offsets handed to the live ones (with their timers started): until then its groups answer
// COORDINATOR_LOAD_IN_PROGRESS and nothing else (listing, expiry) sees half a partition. Resigning
// drops its groups (parked requests answered NOT_COORDINATOR, timers stopped) and offsets; appends
// still in flight fail with NOT_COORDINATOR (record-writer.ts).
import type { Logger } from "pino";
import type { ClassicService } from "./classic/classic-service.js";
import type { ConsumerMembership } from "./consumer/consumer-membership.js";
import type { CoordinatorLog } from "./coordinator-log.js";
import type { GroupCoordinatorConfig } from "./group-config.js";
import { loadPartition } from "./group-loader.js";
import { GroupRegistry, type AnyGroup } from "./group-registry.js";
import type { GroupTopics } from "./group-topics.js";
import { OffsetManager } from "./offsets/offset-manager.js";
import { OffsetStore } from "./offsets/offset-store.js";
import type { RecordWriter } from "./record-writer.js";
import type { KeyedTimers, Timer } from "./timer.js";

/** A failed load is tried again after this long, as long as the partition is still ours. */
const LOAD_RETRY_MS = 1000;

export type PartitionStatus = "loading" | "active";

interface CoordinatedPartition {
  status: PartitionStatus;
  readonly leaderEpoch: number;
  /** Settles when the (first) load of this election has finished or been abandoned. */
  loaded: Promise<void>;
}

export interface CoordinatedPartitionsContext {
  readonly config: GroupCoordinatorConfig;
  readonly log: CoordinatorLog;
  readonly topics: GroupTopics;
  readonly registry: GroupRegistry;
  readonly store: OffsetStore;
  readonly writer: RecordWriter;
  readonly classic: ClassicService;
  readonly membership: ConsumerMembership;
  readonly timers: KeyedTimers;
  readonly timer: Timer;
  readonly logger: Logger;
}

const retryKey = (partition: number) => `offsets-load-retry:${partition}`;

export class CoordinatedPartitions {
  private readonly partitions = new Map<number, CoordinatedPartition>();

  constructor(private readonly ctx: CoordinatedPartitionsContext) {}

  status(partition: number): PartitionStatus | undefined {
    return this.partitions.get(partition)?.status;
  }

  /** Partitions held now (loading or loaded) and the leader epoch each was elected in. */
  held(): Map<number, number> {
    return new Map([...this.partitions].map(([p, s]) => [p, s.leaderEpoch]));
  }

  /**
   * This node now leads partition p in `leaderEpoch`: load it (resolves once loaded, or once the
   * load is abandoned). The same epoch again changes nothing; another epoch means leadership went
   * away and came back, so the partition is unloaded and loaded afresh from the log.
   */
  elect(partition: number, leaderEpoch: number): Promise<void> {
    const current = this.partitions.get(partition);
    if (current?.leaderEpoch === leaderEpoch) return current.loaded;
    if (current) this.resign(partition);
    const state: CoordinatedPartition = { status: "loading", leaderEpoch, loaded: Promise.resolve() };
    this.partitions.set(partition, state);
    this.ctx.writer.own(partition);
    this.ctx.logger.info({ partition, leaderEpoch }, "loading __consumer_offsets partition");
    state.loaded = this.load(partition, state);
    return state.loaded;
  }

  /** This node no longer leads partition p: its groups and offsets are dropped. */
  resign(partition: number): void {
    const state = this.partitions.get(partition);
    if (!state) return;
    this.partitions.delete(partition);
    this.ctx.writer.disown(partition);
    this.ctx.timers.cancel(retryKey(partition));
    const { registry, store, writer } = this.ctx;
    let groups = 0;
    for (const group of [...registry.all()]) {
      if (writer.partitionOf(group.groupId) !== partition) continue;
      this.drop(group);
      groups++;
    }
    for (const groupId of store.groupIds()) if (writer.partitionOf(groupId) === partition) store.dropGroup(groupId);
    this.ctx.logger.info({ partition, leaderEpoch: state.leaderEpoch, status: state.status, groups }, "unloaded __consumer_offsets partition");
  }

  resignAll(): void {
    for (const partition of [...this.partitions.keys()]) this.resign(partition);
  }

  private drop(group: AnyGroup): void {
    if (group.type === "classic") this.ctx.classic.rebalancer.shutdown(group, "NOT_COORDINATOR");
    else for (const memberId of group.members.keys()) this.ctx.membership.cancelTimers(group.groupId, memberId);
    group.markDead();
    this.ctx.registry.delete(group.groupId);
  }

  private async load(partition: number, state: CoordinatedPartition): Promise<void> {
    const { ctx } = this;
    const started = ctx.timer.now();
    const now = () => ctx.timer.now();
    // The partition's groups and offsets are built apart from the live ones.
    const registry = new GroupRegistry();
    const store = new OffsetStore();
    const offsets = new OffsetManager({ config: ctx.config, registry, store, writer: ctx.writer, topics: ctx.topics, log: ctx.logger, now });
    let records: number;
    try {
      records = await loadPartition({ log: ctx.log, registry, offsets, logger: ctx.logger, now }, partition);
    } catch (err) {
      if (this.partitions.get(partition) !== state) return;
      ctx.logger.warn({ partition, err: String(err), retryMs: LOAD_RETRY_MS }, "loading __consumer_offsets partition failed; trying again");
      ctx.timers.schedule(retryKey(partition), LOAD_RETRY_MS, () => {
        if (this.partitions.get(partition) === state) void this.load(partition, state);
      });
      return;
    }
    // Resigned (or re-elected in another epoch) while loading: this replay is someone else's past.
    if (this.partitions.get(partition) !== state) return;
    for (const group of registry.all()) ctx.registry.set(group);
    ctx.store.absorb(store);
    for (const group of registry.all()) {
      if (group.type === "classic") ctx.classic.onLoaded(group);
      else ctx.membership.onLoaded(group);
    }
    state.status = "active";
    ctx.logger.info({ partition, leaderEpoch: state.leaderEpoch, records, groups: registry.size, ms: ctx.timer.now() - started }, "loaded __consumer_offsets partition");
  }
}
