// The active controller's view of brokers (Kafka's ClusterControlManager and BrokerHeartbeatManager):
// BrokerRegistration records a broker fenced; heartbeats keep its session alive and unfence it
// once it has replayed the metadata log up to its own registration; a broker silent for
// broker.session.timeout.ms is fenced; a broker asking to shut down is fenced and let go.
// Only the quorum leader acts; elsewhere every request is NOT_CONTROLLER.
import type { Logger } from "pino";
import type { KafkaErrorName } from "../../protocol/errors.js";
import type { Uuid } from "../../protocol/primitives.js";
import type { BrokerEndpoint } from "../metadata-image.js";
import type { MetadataStore } from "../metadata-store.js";
import { NotLeaderError } from "../raft/quorum-node.js";
import type { PartitionState } from "../metadata-image.js";
import type { MetadataRecord } from "../metadata-records.js";
import { brokerLeavingChanges, brokerReturningChanges, change, election, isrChange, rebalanceChanges, uncleanElectionChanges, type IsrChangeRequest } from "./partition-leadership.js";
import { reassignment, reassignmentCompletion } from "./partition-reassignment.js";

export interface RegistrationRequest {
  brokerId: number;
  clusterId: string;
  incarnationId: Uuid;
  endpoints: readonly BrokerEndpoint[];
  rack: string | null;
}

export type RegistrationResult = { error: "NONE"; brokerEpoch: bigint } | { error: KafkaErrorName; brokerEpoch: -1n };

export interface HeartbeatRequest {
  brokerId: number;
  brokerEpoch: bigint;
  currentMetadataOffset: bigint;
  wantFence: boolean;
  wantShutDown: boolean;
}

export interface HeartbeatResult {
  error: KafkaErrorName;
  isCaughtUp: boolean;
  isFenced: boolean;
  shouldShutDown: boolean;
}

export interface ClusterControllerOptions {
  clusterId: string;
  sessionTimeoutMs: number;
  /** auto.leader.rebalance.enable with its check interval and tolerated imbalance (percent). */
  leaderRebalance?: { intervalMs: number; imbalancePercentage: number };
  /** unclean.leader.election.enable as the broker config says (topics and dynamic configs override it). */
  uncleanLeaderElectionEnable?: boolean;
  metadata: MetadataStore;
  logger: Logger;
  now?: () => number;
}

export class ClusterController {
  /** When each broker was last heard from, on this controller (reset when it becomes active). */
  private readonly lastContact = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: ClusterControllerOptions) {
    this.now = opts.now ?? Date.now;
    opts.metadata.quorum.onLeaderChange((_epoch, leaderId) => {
      // A new active controller gives every broker a full session before fencing anyone.
      if (leaderId === opts.metadata.quorum.nodeId) for (const id of opts.metadata.image.brokers.keys()) this.lastContact.set(id, this.now());
    });
  }

  get active(): boolean {
    return this.opts.metadata.quorum.isLeader;
  }

  /** Checks sessions (and partitions left without an in-sync replica) a few times per timeout. */
  start(): void {
    const every = Math.max(50, Math.floor(this.opts.sessionTimeoutMs / 4));
    this.timer = setInterval(() => {
      this.fenceExpired()
        .then(() => this.electUncleanLeaders())
        .catch((err: unknown) => this.opts.logger.error({ err }, "controller's periodic check failed"));
    }, every);
    this.timer.unref();
    const rebalance = this.opts.leaderRebalance;
    if (rebalance) {
      this.rebalanceTimer = setInterval(() => void this.rebalanceLeaders(rebalance.imbalancePercentage), rebalance.intervalMs);
      this.rebalanceTimer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.rebalanceTimer) clearInterval(this.rebalanceTimer);
  }

  /** ElectLeaders: preferred or unclean elections for the given partitions (null: every partition). */
  async electLeaders(type: number, partitions: { topicId: Uuid; partition: number }[] | null): Promise<{ topicId: Uuid; partition: number; error: KafkaErrorName }[]> {
    const { metadata } = this.opts;
    const targets =
      partitions ?? [...metadata.image.topicsById.values()].flatMap((t) => t.partitions.map((p) => ({ topicId: t.topicId, partition: p.partition })));
    if (!this.active) return targets.map((t) => ({ ...t, error: "NOT_CONTROLLER" as KafkaErrorName }));
    try {
      return await metadata.change(() => {
        const results = targets.map((t) => ({ ...t, ...election(metadata.image, t.topicId, t.partition, type) }));
        return {
          records: results.flatMap((r) => (r.record ? [r.record] : [])),
          result: results.map((r) => ({ topicId: r.topicId, partition: r.partition, error: r.error })),
        };
      });
    } catch (err) {
      if (err instanceof NotLeaderError) return targets.map((t) => ({ ...t, error: "NOT_CONTROLLER" as KafkaErrorName }));
      throw err;
    }
  }

  /** Unclean elections for leaderless partitions of topics that allow them; how many were made. */
  async electUncleanLeaders(): Promise<number> {
    const { metadata } = this.opts;
    const key = "unclean.leader.election.enable";
    const allowed = (topicName: string): boolean => {
      const value = metadata.image.topicsByName.get(topicName)?.configs.get(key) ?? metadata.image.brokerConfigs.get("")?.get(key);
      return value === undefined ? this.opts.uncleanLeaderElectionEnable === true : value === "true";
    };
    const elected = await this.commitPartitionChanges(() => uncleanElectionChanges(metadata.image, allowed));
    if (elected > 0) this.opts.logger.warn({ partitions: elected }, "unclean leader election: out-of-sync replicas now lead partitions whose in-sync replicas are gone");
    return elected;
  }

  /** One automatic rebalancing round (auto.leader.rebalance.enable). */
  async rebalanceLeaders(imbalancePercentage: number): Promise<number> {
    const moved = await this.commitPartitionChanges(() => rebalanceChanges(this.opts.metadata.image, imbalancePercentage));
    if (moved > 0) this.opts.logger.info({ partitions: moved }, "leadership moved back to preferred replicas");
    return moved;
  }

  /** A periodic controller task: commits what `build` decides (in turn); how many records, 0 when not active. */
  private async commitPartitionChanges(build: () => MetadataRecord[]): Promise<number> {
    if (!this.active) return 0;
    try {
      return await this.opts.metadata.change(() => {
        const records = build();
        return { records, result: records.length };
      });
    } catch (err) {
      if (err instanceof NotLeaderError) return 0;
      throw err;
    }
  }

  async register(req: RegistrationRequest): Promise<RegistrationResult> {
    if (!this.active) return { error: "NOT_CONTROLLER", brokerEpoch: -1n };
    if (req.clusterId !== this.opts.clusterId) return { error: "INCONSISTENT_CLUSTER_ID", brokerEpoch: -1n };
    const { metadata } = this.opts;
    const existing = metadata.image.brokers.get(req.brokerId);
    // Another live process with this id (not a restart of a fenced or departed one) is refused.
    if (existing && existing.incarnationId !== req.incarnationId && !existing.fenced && this.sessionAlive(req.brokerId)) {
      return { error: "DUPLICATE_BROKER_REGISTRATION", brokerEpoch: -1n };
    }
    try {
      const brokerEpoch = await metadata.registerBroker({
        id: req.brokerId,
        incarnationId: req.incarnationId,
        endpoints: req.endpoints,
        rack: req.rack,
      });
      this.lastContact.set(req.brokerId, this.now());
      this.opts.logger.info({ brokerId: req.brokerId, brokerEpoch, rack: req.rack }, "broker registered");
      return { error: "NONE", brokerEpoch };
    } catch (err) {
      if (err instanceof NotLeaderError) return { error: "NOT_CONTROLLER", brokerEpoch: -1n };
      throw err;
    }
  }

  async heartbeat(req: HeartbeatRequest): Promise<HeartbeatResult> {
    const refused = (error: KafkaErrorName): HeartbeatResult => ({ error, isCaughtUp: false, isFenced: true, shouldShutDown: false });
    if (!this.active) return refused("NOT_CONTROLLER");
    const { metadata } = this.opts;
    const b = metadata.image.brokers.get(req.brokerId);
    if (!b || b.epoch !== req.brokerEpoch) return refused("STALE_BROKER_EPOCH");
    this.lastContact.set(req.brokerId, this.now());
    const isCaughtUp = req.currentMetadataOffset >= b.epoch;
    try {
      if (req.wantShutDown) {
        // Controlled shutdown: leadership moves to other ISR members and the broker leaves the
        // ISRs in the same commit, so it may go at once.
        await this.leave(b.id, b.epoch, "shutdown");
        return { error: "NONE", isCaughtUp, isFenced: true, shouldShutDown: true };
      }
      if (req.wantFence) await this.leave(b.id, b.epoch, "fence");
      else if (b.fenced && isCaughtUp) {
        await metadata.change(() => {
          const now = metadata.image.brokers.get(b.id);
          if (!now || now.epoch !== b.epoch || !now.fenced) return { records: [], result: undefined };
          return { records: [{ type: "unfenceBroker", record: { id: b.id, epoch: b.epoch } }, ...brokerReturningChanges(metadata.image, b.id)], result: undefined };
        });
        this.opts.logger.info({ brokerId: b.id, brokerEpoch: b.epoch }, "broker unfenced");
      }
      return { error: "NONE", isCaughtUp, isFenced: metadata.image.brokers.get(b.id)?.fenced ?? true, shouldShutDown: false };
    } catch (err) {
      if (err instanceof NotLeaderError) return refused("NOT_CONTROLLER");
      throw err;
    }
  }

  /** Fences a broker (or lets it shut down) and, in the same commit, moves its leaderships and ISR places. */
  private leave(brokerId: number, epoch: bigint, why: "fence" | "shutdown"): Promise<void> {
    const { metadata } = this.opts;
    return metadata.change(() => {
      const b = metadata.image.brokers.get(brokerId);
      if (!b || b.epoch !== epoch || (why === "fence" ? b.fenced : b.inControlledShutdown)) return { records: [], result: undefined };
      const own: MetadataRecord =
        why === "fence"
          ? { type: "fenceBroker", record: { id: brokerId, epoch } }
          : { type: "brokerRegistrationChange", record: { brokerId, brokerEpoch: epoch, fenced: 1, inControlledShutdown: 1, logDirs: [] } };
      const moved = brokerLeavingChanges(metadata.image, brokerId);
      if (moved.length > 0) this.opts.logger.info({ brokerId, why, partitionChanges: moved.length }, "moving leadership and ISR places away from a departing broker");
      return { records: [own, ...moved], result: undefined };
    });
  }

  /**
   * AlterPartitionReassignments: starts, replaces or (target null) cancels reassignments, all in
   * one commit; each partition gets its own answer.
   */
  async alterReassignments(
    requests: readonly { topicId: Uuid; partition: number; target: readonly number[] | null }[],
  ): Promise<{ error: KafkaErrorName; message: string | null }[]> {
    if (!this.active) return requests.map(() => ({ error: "NOT_CONTROLLER" as KafkaErrorName, message: null }));
    const { metadata } = this.opts;
    try {
      return await metadata.change(() => {
        const records: MetadataRecord[] = [];
        const results = requests.map((r) => {
          const decided = reassignment(metadata.image, r.topicId, r.partition, r.target);
          if (decided.error !== "NONE") return { error: decided.error, message: decided.message };
          if (decided.record) records.push(decided.record);
          this.opts.logger.info({ topicId: r.topicId, partition: r.partition, target: r.target }, r.target ? "partition reassignment requested" : "partition reassignment cancelled");
          return { error: "NONE" as KafkaErrorName, message: null };
        });
        return { records, result: results };
      });
    } catch (err) {
      if (err instanceof NotLeaderError) return requests.map(() => ({ error: "NOT_CONTROLLER" as KafkaErrorName, message: null }));
      throw err;
    }
  }

  /** AlterPartition: a leader's ISR change, checked against the image and committed. */
  async alterIsr(req: IsrChangeRequest): Promise<{ error: KafkaErrorName; state?: PartitionState }> {
    if (!this.active) return { error: "NOT_CONTROLLER" };
    const { metadata } = this.opts;
    const b = metadata.image.brokers.get(req.brokerId);
    if (!b || b.fenced) return { error: "STALE_BROKER_EPOCH" };
    try {
      const error = await metadata.change(() => {
        const checked = isrChange(metadata.image, req);
        if (!checked.ok) return { records: [], result: checked.error };
        // The ISR change that brings the last target replica in completes a reassignment with it.
        const p = metadata.image.topicsById.get(req.topicId)!.partitions[req.partition]!;
        const completion = reassignmentCompletion(p, req.newIsr, metadata.image);
        if (completion) {
          this.opts.logger.info({ topicId: req.topicId, partition: req.partition, replicas: completion.replicas ?? p.replicas, leader: completion.leader ?? p.leader }, "partition reassignment completed");
          return { records: [change(req.topicId, req.partition, completion)], result: "NONE" as KafkaErrorName };
        }
        return { records: checked.record ? [checked.record] : [], result: "NONE" as KafkaErrorName };
      });
      return { error, state: metadata.image.topicsById.get(req.topicId)?.partitions[req.partition] };
    } catch (err) {
      if (err instanceof NotLeaderError) return { error: "NOT_CONTROLLER" };
      throw err;
    }
  }

  /** AllocateProducerIds: a block of producer ids for a registered broker's idempotent producers. */
  async allocateProducerIds(brokerId: number, brokerEpoch: bigint): Promise<{ error: KafkaErrorName; firstId: bigint; size: bigint }> {
    if (!this.active) return { error: "NOT_CONTROLLER", firstId: -1n, size: 0n };
    const b = this.opts.metadata.image.brokers.get(brokerId);
    if (!b || b.epoch !== brokerEpoch) return { error: "STALE_BROKER_EPOCH", firstId: -1n, size: 0n };
    try {
      return { error: "NONE", ...(await this.opts.metadata.allocateProducerIdBlock()) };
    } catch (err) {
      if (err instanceof NotLeaderError) return { error: "NOT_CONTROLLER", firstId: -1n, size: 0n };
      throw err;
    }
  }

  private sessionAlive(brokerId: number): boolean {
    const last = this.lastContact.get(brokerId);
    return last !== undefined && this.now() - last < this.opts.sessionTimeoutMs;
  }

  /** Fences every unfenced broker whose session has lapsed. */
  async fenceExpired(): Promise<void> {
    if (!this.active) return;
    const { metadata } = this.opts;
    for (const b of metadata.image.brokers.values()) {
      if (b.fenced) continue;
      if (!this.lastContact.has(b.id)) this.lastContact.set(b.id, this.now());
      if (this.sessionAlive(b.id)) continue;
      this.opts.logger.warn({ brokerId: b.id, brokerEpoch: b.epoch, sessionTimeoutMs: this.opts.sessionTimeoutMs }, "broker session expired; fencing it");
      try {
        await this.leave(b.id, b.epoch, "fence");
      } catch (err) {
        if (!(err instanceof NotLeaderError)) throw err;
      }
    }
  }
}
