// A follower's Fetch at the partition leader (replica id ≥ 0; v15+ in ReplicaState): records up to
// the log end (not the high watermark), the follower's fetch offset recorded as its log end
// (which moves the high watermark and may add it to the ISR), and — when its last fetched epoch
// does not match our log — the epoch and offset where it must truncate (divergingEpoch). A fetch
// with nothing new waits up to maxWaitMs for records to be written. Out-of-sync replicas listed in
// leader.replication.throttled.replicas get no records while the leader throttle is used up.
import { errorCode, type KafkaErrorName } from "../../protocol/errors.js";
import type { FetchRequest } from "../../protocol/generated/fetch-request.gen.js";
import type { FetchResponse, PartitionData } from "../../protocol/generated/fetch-response.gen.js";
import { ZERO_UUID } from "../../protocol/primitives.js";
import type { PartitionLog } from "../../storage/index.js";
import type { RequestContext } from "../handler.js";
import { localPartition } from "../local-partition.js";
import { emptyPartitionData } from "./fetch-partitions.js";
import { noteSignals, waitForLogs, type WaitOptions } from "./wait-for-logs.js";

const TOPIC_IDS_VERSION = 13;
/** A follower reads up to the log end: newly written records are news before the high watermark moves. */
const FOLLOWER_WAIT: WaitOptions = { written: true };

/** The follower's replica id, or -1 for a consumer. */
export function replicaIdOf(request: FetchRequest, version: number): number {
  return version >= 15 ? request.replicaState.replicaId : request.replicaId;
}

interface Planned {
  topic: string;
  topicId: string;
  index: number;
  fetchOffset: bigint;
  lastFetchedEpoch: number;
  maxBytes: number;
  log?: PartitionLog;
  error?: KafkaErrorName;
}

export async function replicaFetch(request: FetchRequest, replicaId: number, ctx: RequestContext): Promise<FetchResponse> {
  const { broker } = ctx;
  const byId = ctx.apiVersion >= TOPIC_IDS_VERSION;
  const planned: Planned[] = [];
  for (const t of request.topics) {
    const name = byId ? broker.metadata.topicById(t.topicId)?.name : t.topic;
    for (const p of t.partitions) {
      const base = { topic: name ?? t.topic, topicId: t.topicId, index: p.partition, fetchOffset: p.fetchOffset, lastFetchedEpoch: p.lastFetchedEpoch, maxBytes: p.partitionMaxBytes };
      if (name === undefined) {
        planned.push({ ...base, error: "UNKNOWN_TOPIC_ID" });
        continue;
      }
      const local = localPartition(broker, name, p.partition, p.currentLeaderEpoch);
      if (!local.ok) planned.push({ ...base, error: local.error });
      else if (!local.state.replicas.includes(replicaId)) planned.push({ ...base, error: "NOT_LEADER_OR_FOLLOWER" });
      else planned.push({ ...base, log: local.log });
    }
  }
  const deadline = Date.now() + Math.max(0, request.maxWaitMs);
  const logs = planned.flatMap((p) => p.log ?? []);
  let noted = noteSignals(logs, FOLLOWER_WAIT);
  let answers = await readAll(planned, replicaId, ctx);
  // A new high watermark is news as well: the follower's own high watermark follows it.
  const firstHw = answers.map((a) => a.data.highWatermark);
  const news = () => answers.some((a, i) => a.news || a.data.highWatermark !== firstHw[i]);
  while (!news() && !ctx.closed.closed && Date.now() < deadline) {
    await waitForLogs(ctx, logs, noted, deadline, FOLLOWER_WAIT);
    noted = noteSignals(logs, FOLLOWER_WAIT);
    answers = await readAll(planned, replicaId, ctx);
  }
  const topics = new Map<string, FetchResponse["responses"][number]>();
  for (const a of answers) {
    const k = `${a.planned.topic}:${a.planned.topicId}`;
    if (!topics.has(k)) topics.set(k, { topic: a.planned.topic, topicId: (byId ? a.planned.topicId : ZERO_UUID) as never, partitions: [] });
    topics.get(k)!.partitions.push(a.data);
  }
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [...topics.values()], nodeEndpoints: [] };
}

async function readAll(planned: Planned[], replicaId: number, ctx: RequestContext): Promise<{ planned: Planned; data: PartitionData; news: boolean }[]> {
  const out: { planned: Planned; data: PartitionData; news: boolean }[] = [];
  for (const p of planned) {
    if (!p.log) {
      out.push({ planned: p, data: emptyPartitionData(p.index, p.error ?? "UNKNOWN_SERVER_ERROR"), news: true });
      continue;
    }
    const log = p.log;
    const data: PartitionData = { ...emptyPartitionData(p.index, "NONE"), logStartOffset: log.logStartOffset };
    if (p.lastFetchedEpoch >= 0 && p.fetchOffset > 0n) {
      const ours = log.endOffsetForEpoch(p.lastFetchedEpoch);
      if (ours.epoch !== p.lastFetchedEpoch || ours.endOffset < p.fetchOffset) {
        out.push({ planned: p, data: { ...data, highWatermark: log.highWatermark, divergingEpoch: { epoch: ours.epoch, endOffset: ours.endOffset } }, news: true });
        continue;
      }
    }
    // Its fetch offset is the follower's log end: the leader's high watermark may move now.
    const replicas = ctx.broker.replicas;
    // (Not past our log end: such a follower has diverged and gets OFFSET_OUT_OF_RANGE below.)
    if (p.fetchOffset <= log.logEndOffset) replicas?.followerFetched(p.topic, p.index, replicaId, p.fetchOffset);
    // A throttled, out-of-sync replica gets nothing while the leader throttle is used up.
    const throttled = replicas?.leaderThrottled(p.topic, p.index, replicaId) ?? false;
    if (throttled && replicas!.leaderQuota.exceeded()) {
      out.push({ planned: p, data: { ...data, highWatermark: log.highWatermark }, news: false });
      continue;
    }
    const read = await log.read(p.fetchOffset, p.maxBytes, { upperBound: "logEnd", minOneMessage: true });
    if (throttled && !("error" in read)) replicas!.leaderQuota.record(read.records.length);
    if ("error" in read) {
      out.push({ planned: p, data: { ...data, errorCode: errorCode(read.error), highWatermark: log.highWatermark }, news: true });
      continue;
    }
    out.push({
      planned: p,
      data: { ...data, highWatermark: read.highWatermark, lastStableOffset: read.lastStableOffset, records: read.records },
      news: read.records.length > 0,
    });
  }
  return out;
}
