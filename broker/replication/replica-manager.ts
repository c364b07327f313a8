// This node's part in replication (Kafka's ReplicaManager), re-derived from the metadata image
// after every change: partitions it leads get a LeaderState (follower progress, high watermark,
// ISR upkeep through AlterPartition); partitions it follows are fetched from their leader by one
// ReplicaFetcher per leader broker. A partition with one replica keeps the log's own high
// watermark rule; replicated ones have theirs set here.
import type { Logger } from "pino";
import type { HostPort } from "../config/listeners.js";
import type { ClientSecuritySource } from "../security/client-security-source.js";
import type { ControllerChannel } from "../metadata/controller/controller-channel.js";
import type { MetadataStore } from "../metadata/metadata-store.js";
import type { LogManager } from "../storage/index.js";
import { LeaderState } from "./leader-state.js";
import { preferredReadReplica } from "./preferred-read-replica.js";
import { ReplicaFetcher } from "./replica-fetcher.js";
import {
  dynamicBrokerNumber,
  FOLLOWER_THROTTLED_RATE,
  FOLLOWER_THROTTLED_REPLICAS,
  LEADER_THROTTLED_RATE,
  LEADER_THROTTLED_REPLICAS,
  listsThrottledReplica,
  ReplicationQuota,
} from "./replication-quota.js";

export interface ReplicaManagerOptions {
  nodeId: number;
  metadata: MetadataStore;
  logs: LogManager;
  channel: ControllerChannel;
  /** This broker's current registration epoch (AlterPartition carries it). */
  brokerEpoch: () => bigint;
  /** The listener followers fetch over (inter.broker.listener.name). */
  interBrokerListener: string;
  /** How followers reach that listener on the leaders (TLS, SASL); PLAINTEXT when absent. */
  interBrokerSecurity?: ClientSecuritySource;
  replicaLagTimeMaxMs: number;
  replicaFetchWaitMaxMs: number;
  replicaFetchMaxBytes: number;
  replicaFetchBackoffMs: number;
  /** Replication throttles as the process started (dynamic broker configs override the rates). */
  throttle: { leaderRate: number; followerRate: number; windowNum: number; windowMs: number };
  logger: Logger;
  now?: () => number;
}

const key = (topic: string, partition: number) => `${topic}:${partition}`;

export class ReplicaManager {
  private readonly leaders = new Map<string, LeaderState>();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  /** The leader each followed partition is fetched from. */
  private readonly following = new Map<string, { leaderId: number; leaderEpoch: number }>();
  private readonly isrInFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /** Bytes sent to, and fetched for, throttled replicas that are out of sync. */
  readonly leaderQuota: ReplicationQuota;
  readonly followerQuota: ReplicationQuota;

  constructor(private readonly opts: ReplicaManagerOptions) {
    this.now = opts.now ?? Date.now;
    const { metadata, nodeId, throttle } = opts;
    const quota = (key: string, fallback: number) =>
      new ReplicationQuota({ rate: () => dynamicBrokerNumber(metadata.image, nodeId, key, fallback), windowNum: throttle.windowNum, windowMs: throttle.windowMs, now: this.now });
    this.leaderQuota = quota(LEADER_THROTTLED_RATE, throttle.leaderRate);
    this.followerQuota = quota(FOLLOWER_THROTTLED_RATE, throttle.followerRate);
  }

  /**
   * KIP-392: the replica a consumer in `clientRack` should read this partition from, when this
   * node leads it and another replica suits better; undefined to serve the read here.
   */
  preferredReadReplica(topic: string, partition: number, clientRack: string, fetchOffset: bigint): number | undefined {
    const leader = this.leaders.get(key(topic, partition));
    if (!leader || clientRack === "") return undefined;
    const { image } = this.opts.metadata;
    const rackOf = (id: number) => image.brokers.get(id)?.rack ?? null;
    const followers = leader.state.isr
      .filter((id) => id !== this.opts.nodeId && image.brokers.get(id)?.fenced === false)
      .map((id) => ({ id, rack: rackOf(id), logEnd: leader.followerLogEnd(id) }));
    const chosen = preferredReadReplica(clientRack, fetchOffset, { id: this.opts.nodeId, rack: rackOf(this.opts.nodeId) }, followers);
    return chosen === this.opts.nodeId ? undefined : chosen;
  }

  /** Whether sending this partition to follower `replicaId` counts against the leader throttle. */
  leaderThrottled(topic: string, partition: number, replicaId: number): boolean {
    return this.throttled(topic, partition, replicaId, LEADER_THROTTLED_REPLICAS);
  }

  /** Whether fetching this partition as a follower counts against the follower throttle. */
  followerThrottled(topic: string, partition: number): boolean {
    return this.throttled(topic, partition, this.opts.nodeId, FOLLOWER_THROTTLED_REPLICAS);
  }

  /** Listed for this broker in the topic's throttled-replicas config, and `replicaId` out of sync. */
  private throttled(topic: string, partition: number, replicaId: number, listKey: string): boolean {
    const t = this.opts.metadata.topic(topic);
    const state = t?.partitions[partition];
    if (!t || !state || state.isr.includes(replicaId)) return false;
    return listsThrottledReplica(t.configs.get(listKey), partition, this.opts.nodeId);
  }

  start(): void {
    this.applyMetadata();
    // ISR upkeep: often enough that a laggard leaves within the lag window, a catch-up joins soon.
    this.timer = setInterval(() => this.maintainIsrs(), Math.max(100, Math.min(1000, Math.floor(this.opts.replicaLagTimeMaxMs / 4))));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const k of [...this.leaders.keys()]) this.dropLeader(k);
    for (const f of this.fetchers.values()) f.stop();
    this.fetchers.clear();
  }

  leaderState(topic: string, partition: number): LeaderState | undefined {
    return this.leaders.get(key(topic, partition));
  }

  /** Makes roles match the image: lead, follow or neither, per local partition. */
  applyMetadata(): void {
    const { metadata, logs, nodeId } = this.opts;
    const now = this.now();
    const seen = new Set<string>();
    for (const log of logs.allLogs()) {
      const topic = metadata.topic(log.topic);
      const state = topic?.partitions[log.partition];
      if (!topic || !state || !state.replicas.includes(nodeId)) continue;
      const k = key(log.topic, log.partition);
      seen.add(k);
      if (state.leader === nodeId) {
        this.stopFollowing(k, log.topic, log.partition);
        const current = this.leaders.get(k);
        if (!current || current.leaderEpoch !== state.leaderEpoch || current.log !== log) {
          current?.close();
          this.leaders.set(k, new LeaderState(log.topic, log.partition, log, nodeId, state, now));
          this.opts.logger.info({ topic: log.topic, partition: log.partition, leaderEpoch: state.leaderEpoch, isr: state.isr }, "leading partition");
        } else {
          current.state = state;
        }
        const replicated = state.replicas.length > 1;
        log.setExternalHighWatermark(replicated);
        // One replica: the log keeps its own rule (written, or fsynced with flush.messages=1).
        if (replicated) this.leaders.get(k)!.advanceHighWatermark();
        continue;
      }
      this.dropLeader(k);
      log.setExternalHighWatermark(true);
      const followed = this.following.get(k);
      if (state.leader < 0) {
        this.stopFollowing(k, log.topic, log.partition);
        continue;
      }
      if (followed && followed.leaderId === state.leader && followed.leaderEpoch === state.leaderEpoch) continue;
      this.stopFollowing(k, log.topic, log.partition);
      this.following.set(k, { leaderId: state.leader, leaderEpoch: state.leaderEpoch });
      this.fetcherFor(state.leader).follow({ topic: log.topic, topicId: topic.topicId, partition: log.partition, leaderEpoch: state.leaderEpoch, log });
      this.opts.logger.info({ topic: log.topic, partition: log.partition, leaderId: state.leader, leaderEpoch: state.leaderEpoch }, "following partition");
    }
    for (const k of [...this.leaders.keys()]) if (!seen.has(k)) this.dropLeader(k);
    for (const k of [...this.following.keys()]) {
      if (!seen.has(k)) {
        const [topic, partition] = splitKey(k);
        this.stopFollowing(k, topic, partition);
      }
    }
  }

  /** A follower fetched from us: record its progress and let the ISR catch up with it. */
  followerFetched(topic: string, partition: number, replicaId: number, fetchOffset: bigint): void {
    const state = this.leaders.get(key(topic, partition));
    if (!state) return;
    state.recordFetch(replicaId, fetchOffset, this.now());
    if (!state.state.isr.includes(replicaId)) this.maintainIsr(state);
  }

  private maintainIsrs(): void {
    for (const state of this.leaders.values()) this.maintainIsr(state);
  }

  private maintainIsr(state: LeaderState): void {
    const k = key(state.topic, state.partition);
    if (this.isrInFlight.has(k) || state.state.replicas.length < 2) return;
    const desired = state.desiredIsr(this.now(), this.opts.replicaLagTimeMaxMs);
    if (!desired) return;
    const topic = this.opts.metadata.topic(state.topic);
    if (!topic) return;
    this.isrInFlight.add(k);
    const request = {
      brokerId: this.opts.nodeId,
      topicId: topic.topicId,
      partition: state.partition,
      leaderEpoch: state.state.leaderEpoch,
      partitionEpoch: state.state.partitionEpoch,
      newIsr: desired,
    };
    this.opts.logger.info({ topic: state.topic, partition: state.partition, from: state.state.isr, to: desired }, "asking the controller to change the ISR");
    this.opts.channel
      .alterIsr(request, state.topic, this.opts.brokerEpoch())
      .then(
        (error) => {
          if (error !== "NONE") this.opts.logger.info({ topic: state.topic, partition: state.partition, error }, "ISR change refused");
        },
        (err: Error) => this.opts.logger.debug({ err: err.message }, "ISR change not delivered; will retry"),
      )
      .finally(() => this.isrInFlight.delete(k));
  }

  private dropLeader(k: string): void {
    this.leaders.get(k)?.close();
    this.leaders.delete(k);
  }

  private fetcherFor(leaderId: number): ReplicaFetcher {
    let f = this.fetchers.get(leaderId);
    if (!f) {
      f = new ReplicaFetcher({
        nodeId: this.opts.nodeId,
        leaderId,
        endpoint: () => this.endpointOf(leaderId),
        maxWaitMs: this.opts.replicaFetchWaitMaxMs,
        partitionMaxBytes: this.opts.replicaFetchMaxBytes,
        backoffMs: Math.min(this.opts.replicaFetchBackoffMs, 200),
        throttle: { covers: (topic, partition) => this.followerThrottled(topic, partition), quota: this.followerQuota },
        logger: this.opts.logger,
        security: this.opts.interBrokerSecurity,
      });
      this.fetchers.set(leaderId, f);
    }
    return f;
  }

  private stopFollowing(k: string, topic: string, partition: number): void {
    const followed = this.following.get(k);
    if (!followed) return;
    this.following.delete(k);
    const f = this.fetchers.get(followed.leaderId);
    if (!f) return;
    f.unfollow(topic, partition);
    if (f.size === 0) {
      f.stop();
      this.fetchers.delete(followed.leaderId);
    }
  }

  private endpointOf(brokerId: number): HostPort | undefined {
    const e = this.opts.metadata.image.brokers.get(brokerId)?.endpoints.find((x) => x.name === this.opts.interBrokerListener);
    return e ? { host: e.host, port: e.port } : undefined;
  }
}

function splitKey(k: string): [string, number] {
  const at = k.lastIndexOf(":");
  return [k.slice(0, at), Number(k.slice(at + 1))];
}
