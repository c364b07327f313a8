// A follower's fetcher for the partitions one leader broker leads (Kafka's ReplicaFetcherThread):
// a loop of Fetch requests with this node's replica id, each partition at its log end with the
// epoch of its last batch, so the leader can say where our log diverges (KIP-320/KIP-595 style
// divergingEpoch); records are appended as the leader wrote them, and our high watermark follows
// the leader's. Errors back off for replica.fetch.backoff.ms; metadata changes re-point us.
import type { Logger } from "pino";
import { apiCall, KafkaConnection } from "../client/kafka-connection.js";
import type { HostPort } from "../config/listeners.js";
import { errorName } from "../protocol/errors.js";
import * as FetchReq from "../protocol/generated/fetch-request.gen.js";
import * as FetchRes from "../protocol/generated/fetch-response.gen.js";
import type { Uuid } from "../protocol/primitives.js";
import type { PartitionLog } from "../storage/index.js";

const FETCH = apiCall(FetchReq.fetchRequestMeta, 17, FetchReq.writeFetchRequest, FetchRes.readFetchResponse);

export interface FollowedPartition {
  readonly topic: string;
  readonly topicId: Uuid;
  readonly partition: number;
  readonly leaderEpoch: number;
  readonly log: PartitionLog;
}

export interface ReplicaFetcherOptions {
  nodeId: number;
  leaderId: number;
  /** Where the leader's inter-broker listener is (from its registration), if known. */
  endpoint: () => HostPort | undefined;
  maxWaitMs: number;
  partitionMaxBytes: number;
  backoffMs: number;
  logger: Logger;
}

export class ReplicaFetcher {
  private readonly partitions = new Map<string, FollowedPartition>();
  private running = false;
  private stopped = false;
  private connection: KafkaConnection | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: ReplicaFetcherOptions) {}

  get size(): number {
    return this.partitions.size;
  }

  /** Follows (or re-points, after a leader epoch change) a partition. */
  follow(p: FollowedPartition): void {
    this.partitions.set(`${p.topic}:${p.partition}`, p);
    this.wake?.();
    if (!this.running) void this.run();
  }

  unfollow(topic: string, partition: number): void {
    this.partitions.delete(`${topic}:${partition}`);
  }

  stop(): void {
    this.stopped = true;
    this.connection?.close();
    this.wake?.();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.partitions.size > 0) {
        try {
          await this.fetchOnce();
        } catch (err) {
          this.opts.logger.debug({ leaderId: this.opts.leaderId, err: (err as Error).message }, "replica fetch failed; backing off");
          this.connection?.close();
          this.connection = undefined;
          await this.pause(this.opts.backoffMs);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = undefined;
    });
  }

  private async fetchOnce(): Promise<void> {
    const endpoint = this.opts.endpoint();
    if (!endpoint) {
      await this.pause(this.opts.backoffMs);
      return;
    }
    if (!this.connection || this.connection.closed) {
      this.connection = await KafkaConnection.connect(endpoint.host, endpoint.port, {
        clientId: `replica-fetcher-${this.opts.nodeId}`,
        timeoutMs: 5000,
      });
    }
    const fetched = [...this.partitions.values()];
    const byTopic = new Map<Uuid, FollowedPartition[]>();
    for (const p of fetched) {
      if (!byTopic.has(p.topicId)) byTopic.set(p.topicId, []);
      byTopic.get(p.topicId)!.push(p);
    }
    const request: FetchReq.FetchRequest = {
      ...FetchReq.defaultFetchRequest(),
      replicaId: -1,
      replicaState: { replicaId: this.opts.nodeId, replicaEpoch: -1n },
      maxWaitMs: this.opts.maxWaitMs,
      minBytes: 1,
      maxBytes: 64 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topicId, ps]) => ({
        topic: ps[0]!.topic,
        topicId,
        partitions: ps.map((p) => ({
          ...FetchReq.defaultFetchPartition(),
          partition: p.partition,
          currentLeaderEpoch: p.leaderEpoch,
          fetchOffset: p.log.logEndOffset,
          lastFetchedEpoch: p.log.latestEpoch ?? -1,
          logStartOffset: p.log.logStartOffset,
          partitionMaxBytes: this.opts.partitionMaxBytes,
        })),
      })),
      forgottenTopicsData: [],
      rackId: "",
    };
    const response = await this.connection.send(FETCH, request, this.opts.maxWaitMs + 30_000);
    if (response.errorCode !== 0) throw new Error(`fetch from leader ${this.opts.leaderId}: ${errorName(response.errorCode)}`);
    let backOff = false;
    for (const t of response.responses) {
      for (const r of t.partitions) {
        const p = byTopic.get(t.topicId)?.find((x) => x.partition === r.partitionIndex);
        // Re-pointed or dropped while the fetch was out: its answer no longer applies.
        if (!p || this.partitions.get(`${p.topic}:${p.partition}`) !== p) continue;
        if (r.errorCode !== 0) {
          backOff = true;
          this.opts.logger.debug({ topic: p.topic, partition: p.partition, error: errorName(r.errorCode) }, "replica fetch partition error");
          continue;
        }
        await this.apply(p, r);
      }
    }
    if (backOff) await this.pause(this.opts.backoffMs);
  }

  private async apply(p: FollowedPartition, r: FetchRes.PartitionData): Promise<void> {
    const { log } = p;
    if (r.divergingEpoch.epoch >= 0 || r.divergingEpoch.endOffset >= 0n) {
      const target = truncationOffset(log, r.divergingEpoch.epoch, r.divergingEpoch.endOffset);
      this.opts.logger.info({ topic: p.topic, partition: p.partition, from: log.logEndOffset, to: target, leaderEpoch: p.leaderEpoch }, "follower log diverged; truncating");
      await log.truncateTo(target);
      return;
    }
    if (r.records && r.records.length > 0) {
      const appended = await log.appendAsFollower(r.records);
      if ("error" in appended) throw new Error(`${p.topic}-${p.partition}: follower append failed: ${appended.error} ${appended.message ?? ""}`);
    }
    const hw = r.highWatermark < log.logEndOffset ? r.highWatermark : log.logEndOffset;
    if (hw > log.highWatermark) log.updateHighWatermark(hw);
  }
}

/**
 * Where a follower cuts its log when the leader says it diverges (Kafka's rule): at the end of
 * the leader's epoch if we have that epoch too (whichever end is lower), else at the end of our
 * largest epoch below it.
 */
export function truncationOffset(log: PartitionLog, epoch: number, leaderEndOffset: bigint): bigint {
  const ours = log.endOffsetForEpoch(epoch);
  if (ours.epoch < 0) return leaderEndOffset < log.logEndOffset ? leaderEndOffset : log.logEndOffset;
  const end = ours.epoch === epoch && leaderEndOffset < ours.endOffset ? leaderEndOffset : ours.endOffset;
  return end < log.logStartOffset ? log.logStartOffset : end;
}
