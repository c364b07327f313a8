// A follower's fetcher for the partitions one leader broker leads (Kafka's ReplicaFetcherThread):
// a loop of Fetch requests with this node's replica id, each partition at its log end with the
// epoch of its last batch, so the leader can say where our log diverges (KIP-320/KIP-595 style
// divergingEpoch); records are appended as the leader wrote them, and our high watermark follows
// the leader's. A fetch offset outside the leader's log (OFFSET_OUT_OF_RANGE) is recovered as
// Kafka's handleOutOfRangeError does: below the leader's log start we empty our log and start at
// it; beyond the leader's log end (asked for with ListOffsets) we truncate to it. Other errors
// back off for replica.fetch.backoff.ms; metadata changes re-point us. Throttled replicas
// (follower.replication.throttled.*) sit out fetches while the follower quota is used up.
import type { Logger } from "pino";
import { apiCall, KafkaConnection } from "../client/kafka-connection.js";
import type { HostPort } from "../config/listeners.js";
import type { ClientSecuritySource } from "../security/client-security-source.js";
import { errorCode, errorName } from "../protocol/errors.js";
import * as FetchReq from "../protocol/generated/fetch-request.gen.js";
import * as FetchRes from "../protocol/generated/fetch-response.gen.js";
import * as ListOffsetsReq from "../protocol/generated/list-offsets-request.gen.js";
import * as ListOffsetsRes from "../protocol/generated/list-offsets-response.gen.js";
import type { Uuid } from "../protocol/primitives.js";
import { LATEST_TIMESTAMP, type PartitionLog } from "../storage/index.js";
import type { ReplicationQuota } from "./replication-quota.js";

const FETCH = apiCall(FetchReq.fetchRequestMeta, 17, FetchReq.writeFetchRequest, FetchRes.readFetchResponse);
// The version a Kafka 4 broker sends; v4+ carries the current leader epoch, so a stale leader answers FENCED.
const LIST_OFFSETS = apiCall(
  ListOffsetsReq.listOffsetsRequestMeta,
  10,
  ListOffsetsReq.writeListOffsetsRequest,
  ListOffsetsRes.readListOffsetsResponse,
);
const OFFSET_OUT_OF_RANGE = errorCode("OFFSET_OUT_OF_RANGE");

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
  /**
   * The follower throttle: partitions it covers (listed for this broker and out of sync) are left
   * out of fetches while the quota is used up, and their bytes count towards it.
   */
  throttle?: { covers: (topic: string, partition: number) => boolean; quota: ReplicationQuota };
  logger: Logger;
  /** How to reach the leader's inter-broker listener (TLS, SASL); PLAINTEXT when absent. */
  security?: ClientSecuritySource;
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
        security: this.opts.security?.(),
        timeoutMs: 5000,
      });
    }
    const throttle = this.opts.throttle;
    const throttled = new Set([...this.partitions.values()].filter((p) => throttle?.covers(p.topic, p.partition)));
    const quotaUsedUp = throttled.size > 0 && throttle!.quota.exceeded();
    const fetched = [...this.partitions.values()].filter((p) => !(quotaUsedUp && throttled.has(p)));
    if (fetched.length === 0) {
      await this.pause(this.opts.backoffMs);
      return;
    }
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
        if (r.errorCode === OFFSET_OUT_OF_RANGE) {
          if (!(await this.handleOutOfRange(p, r))) backOff = true;
          continue;
        }
        if (r.errorCode !== 0) {
          backOff = true;
          this.opts.logger.debug({ topic: p.topic, partition: p.partition, error: errorName(r.errorCode) }, "replica fetch partition error");
          continue;
        }
        if (throttled.has(p)) throttle!.quota.record(r.records?.length ?? 0);
        await this.apply(p, r);
      }
    }
    if (backOff) await this.pause(this.opts.backoffMs);
  }

  /**
   * Our fetch offset (log end) is outside the leader's log. Returns whether the partition can be
   * fetched again at once (false: back off and retry).
   */
  private async handleOutOfRange(p: FollowedPartition, r: FetchRes.PartitionData): Promise<boolean> {
    const { log } = p;
    let action = outOfRangeAction(log, r.logStartOffset);
    if (action.kind === "ask-leader-end") {
      const leaderEnd = await this.leaderLogEnd(p);
      if (leaderEnd === undefined) return false;
      // Re-pointed, dropped or made leader while we asked: the answer no longer applies.
      if (this.partitions.get(`${p.topic}:${p.partition}`) !== p) return true;
      action = outOfRangeAction(log, r.logStartOffset, leaderEnd);
    }
    const fields = {
      topic: p.topic,
      partition: p.partition,
      leaderId: this.opts.leaderId,
      leaderEpoch: p.leaderEpoch,
      logStartOffset: log.logStartOffset,
      logEndOffset: log.logEndOffset,
      leaderLogStartOffset: r.logStartOffset,
    };
    switch (action.kind) {
      case "start-at":
        this.opts.logger.info({ ...fields, offset: action.offset, reason: action.reason }, "fetch offset out of the leader's range; truncating the log fully");
        await log.truncateFullyAndStartAt(action.offset);
        return true;
      case "truncate":
        this.opts.logger.info({ ...fields, offset: action.offset }, "fetch offset beyond the leader's log end; truncating");
        await log.truncateTo(action.offset);
        return true;
      case "retry":
        // The leader's log moved between the two requests: back off, the next fetch sees where.
        this.opts.logger.info({ ...fields, leaderLogEndOffset: action.leaderLogEnd }, "fetch offset out of range is in the leader's range now; fetching again");
        return false;
      case "ask-leader-end":
        // Not returned once the leader's end is given.
        return false;
    }
  }

  /** The leader's log end (ListOffsets latest as a replica), or undefined after an error answer. */
  private async leaderLogEnd(p: FollowedPartition): Promise<bigint | undefined> {
    const connection = this.connection;
    if (!connection || connection.closed) return undefined;
    const request: ListOffsetsReq.ListOffsetsRequest = {
      ...ListOffsetsReq.defaultListOffsetsRequest(),
      // A replica id (not -1) makes the leader answer its log end, not its high watermark.
      replicaId: this.opts.nodeId,
      isolationLevel: 0,
      topics: [
        {
          name: p.topic,
          partitions: [{ ...ListOffsetsReq.defaultListOffsetsPartition(), partitionIndex: p.partition, currentLeaderEpoch: p.leaderEpoch, timestamp: LATEST_TIMESTAMP }],
        },
      ],
    };
    const response = await connection.send(LIST_OFFSETS, request, 30_000);
    const answer = response.topics.find((t) => t.name === p.topic)?.partitions.find((x) => x.partitionIndex === p.partition);
    if (!answer || answer.errorCode !== 0 || answer.offset < 0n) {
      this.opts.logger.debug(
        { topic: p.topic, partition: p.partition, leaderId: this.opts.leaderId, error: answer ? errorName(answer.errorCode) : "no answer" },
        "could not list the leader's log end offset",
      );
      return undefined;
    }
    return answer.offset;
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

export type OutOfRangeAction =
  /** Empty the log and start it at `offset` (PartitionLog.truncateFullyAndStartAt). */
  | { kind: "start-at"; offset: bigint; reason: "below-leader-log-start" | "leader-log-end-below-our-log-start" }
  /** Remove everything from `offset` on (PartitionLog.truncateTo). */
  | { kind: "truncate"; offset: bigint }
  /** The Fetch answer alone cannot tell: list the leader's log end and decide again. */
  | { kind: "ask-leader-end" }
  /** Our log end is inside the leader's log after all: fetch again. */
  | { kind: "retry"; leaderLogEnd: bigint };

/**
 * What a follower does when the leader answers OFFSET_OUT_OF_RANGE to a fetch at our log end
 * (Kafka's AbstractFetcherThread.fetchOffsetAndTruncate). Below the leader's log start (from the
 * Fetch answer) nothing we have can be continued: start empty at the leader's log start. At or
 * above it, the offset must be beyond the leader's log end, which the Fetch answer does not
 * carry: its high watermark is only a lower bound, and truncating to it could move our high
 * watermark back, so the leader's end is asked for (ListOffsets) and we truncate to it — fully,
 * as Kafka's truncateTo does, when it is below our own log start.
 */
export function outOfRangeAction(
  ours: { logStartOffset: bigint; logEndOffset: bigint },
  leaderLogStart: bigint,
  leaderLogEnd?: bigint,
): OutOfRangeAction {
  if (ours.logEndOffset < leaderLogStart) return { kind: "start-at", offset: leaderLogStart, reason: "below-leader-log-start" };
  if (leaderLogEnd === undefined) return { kind: "ask-leader-end" };
  if (leaderLogEnd >= ours.logEndOffset) return { kind: "retry", leaderLogEnd };
  if (leaderLogEnd < ours.logStartOffset) return { kind: "start-at", offset: leaderLogEnd, reason: "leader-log-end-below-our-log-start" };
  return { kind: "truncate", offset: leaderLogEnd };
}
