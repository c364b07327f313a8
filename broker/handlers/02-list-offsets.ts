// ListOffsets: v1–v10 (v0's multi-offset form is gone from Kafka 4 and no current client sends it;
// KafkaJS 2.2.4 tops out at v3, librdkafka 2.x at v7).
// Per partition, a timestamp or a sentinel: -2 earliest (the log start), -1 latest (the high
// watermark, or the last stable offset under read_committed, v2+), -3 the record with the largest
// timestamp (v7+), -4 earliest local (v8+; no tiered storage, so the log start), -5 latest tiered
// (v9+; nothing is tiered, so -1/-1), otherwise the first offset whose timestamp is ≥ it.
// A sentinel newer than the request version, or an unknown one, is UNSUPPORTED_VERSION, as in
// Kafka 4. A found offset at or past the last offset the client may read is answered as "none"
// (-1/-1), as Kafka does. v4+ checks the current leader epoch (KIP-320) and returns the leader
// epoch of the found offset. Followers (replicaId ≥ 0) and the debug id (-2) see up to the log end.
// A partition named twice is answered once, with INVALID_REQUEST. v10's timeout bounds reads from
// tiered storage, which we do not have: every answer is immediate.
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { listOffsetsRequestMeta, readListOffsetsRequest, type ListOffsetsPartition } from "../protocol/generated/list-offsets-request.gen.js";
import {
  writeListOffsetsResponse,
  type ListOffsetsPartitionResponse,
  type ListOffsetsResponse,
  type ListOffsetsTopicResponse,
} from "../protocol/generated/list-offsets-response.gen.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { localPartition } from "./local-partition.js";
import { AclOperation, authorizedNames, ResourceType } from "../security/authorizer/request-authorization.js";

export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;
export const EARLIEST_LOCAL_TIMESTAMP = -4n;
export const LATEST_TIERED_TIMESTAMP = -5n;

/** The first version that may carry each sentinel (Kafka's ReplicaManager.timestampMinSupportedVersion). */
const SENTINEL_MIN_VERSION = new Map<bigint, number>([
  [EARLIEST_TIMESTAMP, 1],
  [LATEST_TIMESTAMP, 1],
  [MAX_TIMESTAMP, 7],
  [EARLIEST_LOCAL_TIMESTAMP, 8],
  [LATEST_TIERED_TIMESTAMP, 9],
]);

const CONSUMER_REPLICA_ID = -1;
const DEBUGGING_REPLICA_ID = -2;
const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

function partitionResult(
  partitionIndex: number,
  error: KafkaErrorName,
  found: { timestamp: bigint; offset: bigint; leaderEpoch: number } = { timestamp: -1n, offset: -1n, leaderEpoch: -1 },
): ListOffsetsPartitionResponse {
  return { partitionIndex, errorCode: errorCode(error), oldStyleOffsets: [], ...found };
}

async function listOffset(
  topicName: string,
  p: ListOffsetsPartition,
  isolationLevel: number,
  replicaId: number,
  ctx: RequestContext,
): Promise<ListOffsetsPartitionResponse> {
  const ts = p.timestamp;
  if (ts < 0n) {
    const minVersion = SENTINEL_MIN_VERSION.get(ts);
    if (minVersion === undefined || ctx.apiVersion < minVersion) return partitionResult(p.partitionIndex, "UNSUPPORTED_VERSION");
  }
  const local = localPartition(ctx.broker, topicName, p.partitionIndex, p.currentLeaderEpoch, replicaId !== DEBUGGING_REPLICA_ID);
  if (!local.ok) return partitionResult(p.partitionIndex, local.error);
  const { log, state } = local;
  const isClient = replicaId === CONSUMER_REPLICA_ID;
  const lastFetchable = !isClient
    ? log.logEndOffset
    : isolationLevel === READ_COMMITTED
      ? log.lastStableOffset
      : log.highWatermark;

  switch (ts) {
    case LATEST_TIMESTAMP:
      return partitionResult(p.partitionIndex, "NONE", { timestamp: -1n, offset: lastFetchable, leaderEpoch: state.leaderEpoch });
    case LATEST_TIERED_TIMESTAMP:
      return partitionResult(p.partitionIndex, "NONE");
  }
  const earliest = ts === EARLIEST_TIMESTAMP || ts === EARLIEST_LOCAL_TIMESTAMP;
  let found;
  try {
    found = await log.offsetForTimestamp(earliest ? EARLIEST_TIMESTAMP : ts);
  } catch (err) {
    // The log went offline under us (a disk error); the client retries elsewhere or later.
    ctx.log.warn({ topic: topicName, partition: p.partitionIndex, err }, "list offsets failed");
    return partitionResult(p.partitionIndex, "KAFKA_STORAGE_ERROR");
  }
  if (!found || (!earliest && found.offset >= lastFetchable)) return partitionResult(p.partitionIndex, "NONE");
  return partitionResult(p.partitionIndex, "NONE", found);
}

export const listOffsetsHandler = defineHandler({
  meta: listOffsetsRequestMeta,
  minVersion: 1,
  maxVersion: 10,
  readRequest: readListOffsetsRequest,
  writeResponse: writeListOffsetsResponse,
  async handle(request, ctx): Promise<ListOffsetsResponse> {
    const isolationLevel = ctx.apiVersion >= 2 ? request.isolationLevel : READ_UNCOMMITTED;
    const validIsolation = isolationLevel === READ_UNCOMMITTED || isolationLevel === READ_COMMITTED;
    const key = (topic: string, partition: number) => `${partition}:${topic}`;
    const seen = new Map<string, number>();
    for (const t of request.topics) {
      for (const p of t.partitions) seen.set(key(t.name, p.partitionIndex), (seen.get(key(t.name, p.partitionIndex)) ?? 0) + 1);
    }
    const answered = new Set<string>();
    const describable = authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, request.topics.map((t) => t.name));
    const byTopic = new Map<string, ListOffsetsTopicResponse>();
    const pending: Promise<void>[] = [];
    for (const t of request.topics) {
      let topic = byTopic.get(t.name);
      if (!topic) byTopic.set(t.name, (topic = { name: t.name, partitions: [] }));
      for (const p of t.partitions) {
        const k = key(t.name, p.partitionIndex);
        if (answered.has(k)) continue;
        answered.add(k);
        // Reserve the slot now so the response keeps request order while lookups run concurrently.
        const slot = topic.partitions.length;
        topic.partitions.push(partitionResult(p.partitionIndex, "INVALID_REQUEST"));
        if ((seen.get(k) ?? 0) > 1 || !validIsolation) continue;
        if (!describable.has(t.name)) {
          topic.partitions[slot] = partitionResult(p.partitionIndex, "TOPIC_AUTHORIZATION_FAILED");
          continue;
        }
        const target = topic;
        pending.push(
          listOffset(t.name, p, isolationLevel, request.replicaId, ctx).then((r) => {
            target.partitions[slot] = r;
          }),
        );
      }
    }
    await Promise.all(pending);
    return { throttleTimeMs: 0, topics: [...byTopic.values()] };
  },
});
