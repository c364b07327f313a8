// Fetch: v4–v17. Long poll: the response waits until minBytes are available, maxWaitMs passes
// or the connection closes. Response and per-partition byte limits as Kafka applies them.
// v7+ incremental fetch sessions (KIP-227); v11+ consumers may read from followers, and with
// replica.selector.class set a leader points a consumer naming its rack at a replica in that rack
// (KIP-392, preferredReadReplica); older versions read from leaders only (NOT_LEADER_OR_FOLLOWER);
// v12+ flexible; v13+ topics by id; read_committed reads up to the
// last stable offset (no transactions yet, so that is the high watermark). A fetch with a replica
// id (a follower; v15+ in ReplicaState) is replication: fetch/replica-fetch.ts. A consumer
// byte rate quota bounds the response and, once exceeded, answers with no records and
// throttle_time_ms (security/quotas/fetch-quota.ts).
import { errorCode } from "../protocol/errors.js";
import { fetchRequestMeta, readFetchRequest, type FetchRequest } from "../protocol/generated/fetch-request.gen.js";
import {
  writeFetchResponse,
  type FetchableTopicResponse,
  type FetchResponse,
} from "../protocol/generated/fetch-response.gen.js";
import { ZERO_UUID } from "../protocol/primitives.js";
import {
  FINAL_EPOCH,
  INITIAL_EPOCH,
  INVALID_SESSION_ID,
  partitionKey,
  type FetchSession,
  type SessionPartition,
} from "./fetch/fetch-session-cache.js";
import { emptyPartitionData, readPartitions, type FetchedPartition, type PartitionToFetch } from "./fetch/fetch-partitions.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { replicaFetch, replicaIdOf } from "./fetch/replica-fetch.js";
import { noteSignals, waitForLogs, type WaitOptions } from "./fetch/wait-for-logs.js";
import { fetchQuotaFor } from "../security/quotas/fetch-quota.js";
import { AclOperation, authorizeCluster, authorizedNameTest, ResourceType } from "../security/authorizer/request-authorization.js";

const READ_COMMITTED = 1;
const TOPIC_IDS_VERSION = 13;
/** Consumers read up to the high watermark: only its moves are news. */
const CONSUMER_WAIT: WaitOptions = { written: false };
/** KIP-392: from v11 consumers may read from followers and name their rack. */
const FOLLOWER_READS_VERSION = 11;

interface FetchPlan {
  partitions: PartitionToFetch[];
  /** Partitions named by an id we do not know: answered UNKNOWN_TOPIC_ID. */
  unknownTopicIds: { topicId: string; partition: number }[];
  session: FetchSession | null;
  /** Incremental responses only carry partitions with news. */
  incremental: boolean;
}

/** A follower without CLUSTER_ACTION: every partition it asked for is TOPIC_AUTHORIZATION_FAILED, as in Kafka. */
function deniedEverywhere(request: FetchRequest): FetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: INVALID_SESSION_ID,
    responses: request.topics.map((t) => topicResponse(t.topic, t.topicId, t.partitions.map((p) => emptyPartitionData(p.partition, "TOPIC_AUTHORIZATION_FAILED")))),
    nodeEndpoints: [],
  };
}

function topicResponse(topic: string, topicId: string, partitions: FetchableTopicResponse["partitions"]): FetchableTopicResponse {
  return { topic, topicId: topicId as FetchableTopicResponse["topicId"], partitions };
}

/** Resolves the request (and session) into the ordered list of partitions to read. */
function plan(request: FetchRequest, ctx: RequestContext): FetchPlan | "FETCH_SESSION_ID_NOT_FOUND" | "INVALID_FETCH_SESSION_EPOCH" {
  const { broker, apiVersion } = ctx;
  const usesTopicIds = apiVersion >= TOPIC_IDS_VERSION;
  const unknownTopicIds: FetchPlan["unknownTopicIds"] = [];
  const requested: SessionPartition[] = [];
  const epochs = new Map<string, number>();
  for (const t of request.topics) {
    const name = usesTopicIds ? broker.metadata.topicById(t.topicId)?.name : t.topic;
    for (const p of t.partitions) {
      if (name === undefined) {
        unknownTopicIds.push({ topicId: t.topicId, partition: p.partition });
        continue;
      }
      const topicId = usesTopicIds ? t.topicId : (broker.metadata.topic(name)?.topicId ?? ZERO_UUID);
      epochs.set(`${name}:${p.partition}`, p.currentLeaderEpoch);
      requested.push({
        topic: name,
        topicId,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
        lastHighWatermark: -1n,
        lastLogStartOffset: -1n,
      });
    }
  }
  const toFetch = (list: Iterable<SessionPartition>): PartitionToFetch[] =>
    [...list].map((p) => ({
      topic: p.topic,
      partition: p.partition,
      fetchOffset: p.fetchOffset,
      maxBytes: p.maxBytes,
      currentLeaderEpoch: epochs.get(`${p.topic}:${p.partition}`) ?? -1,
    }));

  const sessions = broker.fetchSessions;
  const { sessionId, sessionEpoch } = request;
  if (apiVersion < 7 || sessionEpoch === FINAL_EPOCH || request.replicaId >= 0) {
    if (apiVersion >= 7 && sessionId !== INVALID_SESSION_ID) sessions.remove(sessionId);
    return { partitions: toFetch(requested), unknownTopicIds, session: null, incremental: false };
  }
  if (sessionEpoch === INITIAL_EPOCH) {
    if (sessionId !== INVALID_SESSION_ID) sessions.remove(sessionId);
    const session = sessions.create(usesTopicIds);
    for (const p of requested) session?.partitions.set(partitionKey(usesTopicIds, p.topic, p.topicId, p.partition), p);
    return { partitions: toFetch(requested), unknownTopicIds, session, incremental: false };
  }
  const session = sessions.get(sessionId);
  if (!session) return "FETCH_SESSION_ID_NOT_FOUND";
  if (session.nextEpoch !== sessionEpoch) return "INVALID_FETCH_SESSION_EPOCH";
  for (const p of requested) {
    const key = partitionKey(session.usesTopicIds, p.topic, p.topicId, p.partition);
    const cached = session.partitions.get(key);
    if (cached) {
      cached.fetchOffset = p.fetchOffset;
      cached.maxBytes = p.maxBytes;
    } else {
      session.partitions.set(key, p);
    }
  }
  for (const forgotten of request.forgottenTopicsData) {
    const name = session.usesTopicIds ? broker.metadata.topicById(forgotten.topicId)?.name ?? "" : forgotten.topic;
    for (const partition of forgotten.partitions) {
      session.partitions.delete(partitionKey(session.usesTopicIds, name, forgotten.topicId, partition));
    }
  }
  session.nextEpoch = session.nextEpoch === 2 ** 31 - 1 ? 1 : session.nextEpoch + 1;
  return { partitions: toFetch(session.partitions.values()), unknownTopicIds, session, incremental: true };
}

/** Whether an incremental response must carry this partition. */
function hasNews(fetched: FetchedPartition, cached: SessionPartition | undefined): boolean {
  const { data } = fetched;
  return (
    !cached ||
    fetched.bytes > 0 ||
    data.errorCode !== 0 ||
    data.highWatermark !== cached.lastHighWatermark ||
    data.logStartOffset !== cached.lastLogStartOffset
  );
}

export const fetchHandler = defineHandler({
  meta: fetchRequestMeta,
  minVersion: 4,
  maxVersion: 17,
  readRequest: readFetchRequest,
  writeResponse: writeFetchResponse,
  async handle(request, ctx): Promise<FetchResponse> {
    const replicaId = replicaIdOf(request, ctx.apiVersion);
    // Replication needs CLUSTER_ACTION; Kafka answers a denied follower TOPIC_AUTHORIZATION_FAILED everywhere.
    if (replicaId >= 0) return authorizeCluster(ctx, AclOperation.CLUSTER_ACTION) ? replicaFetch(request, replicaId, ctx) : deniedEverywhere(request);
    const planned = plan(request, ctx);
    if (typeof planned === "string") {
      return { throttleTimeMs: 0, errorCode: errorCode(planned), sessionId: 0, responses: [], nodeEndpoints: [] };
    }
    // READ on each topic; denied partitions are answered TOPIC_AUTHORIZATION_FAILED and not read.
    const readable = authorizedNameTest(ctx, AclOperation.READ, ResourceType.TOPIC, planned.partitions.map((p) => p.topic));
    const denied = planned.partitions.filter((p) => !readable(p.topic));
    if (denied.length > 0) planned.partitions = planned.partitions.filter((p) => readable(p.topic));
    const readOptions = {
      readCommitted: request.isolationLevel === READ_COMMITTED,
      followerReads: ctx.apiVersion >= FOLLOWER_READS_VERSION,
      // Only a leader configured with a replica selector points consumers elsewhere.
      clientRack: ctx.apiVersion >= FOLLOWER_READS_VERSION && ctx.broker.config.replicaSelectorClass !== null ? request.rackId : "",
    };
    const quota = fetchQuotaFor(ctx);
    const maxBytes = Math.min(ctx.apiVersion >= 3 ? request.maxBytes : 2 ** 31 - 1, quota?.maxBytes ?? Infinity);
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    const logs = planned.partitions.flatMap((p) => ctx.broker.logs.getLog(p.topic, p.partition) ?? []);
    let noted = noteSignals(logs, CONSUMER_WAIT);
    let fetched = await readPartitions(ctx.broker, planned.partitions, maxBytes, readOptions);
    for (;;) {
      const bytes = fetched.reduce((sum, f) => sum + f.bytes, 0);
      const anyError = fetched.some((f) => f.data.errorCode !== 0) || planned.unknownTopicIds.length > 0 || denied.length > 0;
      if (bytes >= request.minBytes || anyError || Date.now() >= deadline || planned.partitions.length === 0) break;
      await waitForLogs(ctx, logs, noted, deadline, CONSUMER_WAIT);
      if (ctx.closed.closed) break;
      noted = noteSignals(logs, CONSUMER_WAIT);
      fetched = await readPartitions(ctx.broker, planned.partitions, maxBytes, readOptions);
    }
    // Over the consumer byte rate: no records, the session's view unchanged (Kafka's throttled response).
    const throttleTimeMs = quota?.recordAndThrottleMs(fetched.reduce((sum, f) => sum + f.bytes, 0)) ?? 0;
    if (throttleTimeMs > 0) {
      return { throttleTimeMs, errorCode: 0, sessionId: planned.session?.id ?? INVALID_SESSION_ID, responses: [], nodeEndpoints: [] };
    }

    const byTopic = new Map<string, FetchableTopicResponse>();
    const usesTopicIds = ctx.apiVersion >= TOPIC_IDS_VERSION;
    for (const f of fetched) {
      const session = planned.session;
      const key = session ? partitionKey(session.usesTopicIds, f.request.topic, ctx.broker.metadata.topic(f.request.topic)?.topicId ?? ZERO_UUID, f.request.partition) : "";
      const cached = session?.partitions.get(key);
      if (planned.incremental && !hasNews(f, cached)) continue;
      if (cached) {
        cached.lastHighWatermark = f.data.highWatermark;
        cached.lastLogStartOffset = f.data.logStartOffset;
      }
      const topicId = ctx.broker.metadata.topic(f.request.topic)?.topicId ?? ZERO_UUID;
      const mapKey = usesTopicIds ? topicId : f.request.topic;
      let entry = byTopic.get(mapKey);
      if (!entry) byTopic.set(mapKey, (entry = topicResponse(f.request.topic, topicId, [])));
      entry.partitions.push(f.data);
    }
    for (const p of denied) {
      const topicId = ctx.broker.metadata.topic(p.topic)?.topicId ?? ZERO_UUID;
      const mapKey = usesTopicIds ? topicId : p.topic;
      let entry = byTopic.get(mapKey);
      if (!entry) byTopic.set(mapKey, (entry = topicResponse(p.topic, topicId, [])));
      entry.partitions.push(emptyPartitionData(p.partition, "TOPIC_AUTHORIZATION_FAILED"));
    }
    const responses = [...byTopic.values()];
    for (const unknown of planned.unknownTopicIds) {
      responses.push(topicResponse("", unknown.topicId, [emptyPartitionData(unknown.partition, "UNKNOWN_TOPIC_ID")]));
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: planned.session?.id ?? INVALID_SESSION_ID,
      responses,
      nodeEndpoints: [],
    };
  },
});
