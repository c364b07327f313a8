// The quorum's messages on the wire: Kafka's Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch and
// FetchSnapshot (on __cluster_metadata-0, by its fixed topic id), mapped to and from raft-types. Both sides are
// here so a request we send is exactly what our handlers (and Kafka's) read.
import { apiCall, type ApiCall } from "../../client/kafka-connection.js";
import { errorCode, errorName, type KafkaErrorName } from "../../protocol/errors.js";
import * as BeginReq from "../../protocol/generated/begin-quorum-epoch-request.gen.js";
import * as BeginRes from "../../protocol/generated/begin-quorum-epoch-response.gen.js";
import * as EndReq from "../../protocol/generated/end-quorum-epoch-request.gen.js";
import * as EndRes from "../../protocol/generated/end-quorum-epoch-response.gen.js";
import * as FetchReq from "../../protocol/generated/fetch-request.gen.js";
import * as FetchRes from "../../protocol/generated/fetch-response.gen.js";
import * as FetchSnapshotReq from "../../protocol/generated/fetch-snapshot-request.gen.js";
import * as FetchSnapshotRes from "../../protocol/generated/fetch-snapshot-response.gen.js";
import * as VoteReq from "../../protocol/generated/vote-request.gen.js";
import * as VoteRes from "../../protocol/generated/vote-response.gen.js";
import { ZERO_UUID } from "../../protocol/primitives.js";
import { batchViews } from "../../protocol/records.js";
import { METADATA_TOPIC } from "../../storage/file-names.js";
import { METADATA_TOPIC_ID } from "./metadata-log-store.js";
import { toRaftBatch } from "./raft-batches.js";
import type {
  BeginEpochRequest,
  BeginEpochResponse,
  EndEpochRequest,
  EndEpochResponse,
  FetchRequest,
  FetchResponse,
  FetchSnapshotRequest,
  FetchSnapshotResponse,
  RaftError,
  RaftRequest,
  RaftResponse,
  VoteRequest,
  VoteResponse,
} from "./raft-types.js";

export const VOTE_VERSION = 1;
export const BEGIN_EPOCH_VERSION = 1;
export const END_EPOCH_VERSION = 1;
export const FETCH_VERSION = 17;
export const FETCH_SNAPSHOT_VERSION = 1;

const RAFT_ERRORS: readonly RaftError[] = [
  "NONE",
  "FENCED_LEADER_EPOCH",
  "NOT_LEADER_OR_FOLLOWER",
  "UNKNOWN_LEADER_EPOCH",
  "INCONSISTENT_VOTER_SET",
  "INCONSISTENT_CLUSTER_ID",
  "BROKER_NOT_AVAILABLE",
  "SNAPSHOT_NOT_FOUND",
  "POSITION_OUT_OF_RANGE",
];

/** A Kafka error code as the quorum's error; codes it has no meaning for become BROKER_NOT_AVAILABLE. */
export function raftError(code: number): RaftError {
  const name = errorName(code) as string;
  return (RAFT_ERRORS as readonly string[]).includes(name) ? (name as RaftError) : "BROKER_NOT_AVAILABLE";
}

const code = (error: RaftError | KafkaErrorName): number => errorCode(error);

export const isMetadataTopic = (topic: { topic?: string; topicId?: string }): boolean =>
  topic.topicId === METADATA_TOPIC_ID || topic.topic === METADATA_TOPIC;

// ── Requests out ──────────────────────────────────────────────────────────────────────────────

export interface OutboundRequest {
  call: ApiCall<unknown, unknown>;
  body: unknown;
  /** Turns the decoded Kafka response into the quorum's response. */
  toRaft: (response: unknown) => RaftResponse;
}

export const VOTE_CALL = apiCall(VoteReq.voteRequestMeta, VOTE_VERSION, VoteReq.writeVoteRequest, VoteRes.readVoteResponse);
export const BEGIN_EPOCH_CALL = apiCall(BeginReq.beginQuorumEpochRequestMeta, BEGIN_EPOCH_VERSION, BeginReq.writeBeginQuorumEpochRequest, BeginRes.readBeginQuorumEpochResponse);
export const END_EPOCH_CALL = apiCall(EndReq.endQuorumEpochRequestMeta, END_EPOCH_VERSION, EndReq.writeEndQuorumEpochRequest, EndRes.readEndQuorumEpochResponse);
export const FETCH_CALL = apiCall(FetchReq.fetchRequestMeta, FETCH_VERSION, FetchReq.writeFetchRequest, FetchRes.readFetchResponse);
export const FETCH_SNAPSHOT_CALL = apiCall(
  FetchSnapshotReq.fetchSnapshotRequestMeta,
  FETCH_SNAPSHOT_VERSION,
  FetchSnapshotReq.writeFetchSnapshotRequest,
  FetchSnapshotRes.readFetchSnapshotResponse,
);

/** The Kafka request for a quorum request to voter `to`, and how to read its answer. */
export function outboundRequest(request: RaftRequest, to: number, clusterId: string, fetchMaxWaitMs: number): OutboundRequest {
  const single = <T>(partitions: T[]) => [{ topicName: METADATA_TOPIC, partitions }];
  switch (request.kind) {
    case "vote":
      return {
        call: VOTE_CALL as ApiCall<unknown, unknown>,
        body: {
          clusterId,
          voterId: to,
          topics: single([
            {
              partitionIndex: 0,
              candidateEpoch: request.epoch,
              candidateId: request.candidateId,
              candidateDirectoryId: ZERO_UUID,
              voterDirectoryId: ZERO_UUID,
              lastOffsetEpoch: request.lastEpoch,
              lastOffset: request.lastOffset,
            },
          ]),
        } satisfies VoteReq.VoteRequest,
        toRaft: (r) => voteResponseToRaft(r as VoteRes.VoteResponse),
      };
    case "beginEpoch":
      return {
        call: BEGIN_EPOCH_CALL as ApiCall<unknown, unknown>,
        body: {
          clusterId,
          voterId: to,
          topics: single([{ partitionIndex: 0, voterDirectoryId: ZERO_UUID, leaderId: request.leaderId, leaderEpoch: request.epoch }]),
          leaderEndpoints: [],
        } satisfies BeginReq.BeginQuorumEpochRequest,
        toRaft: (r) => epochResponseToRaft("beginEpoch", r as BeginRes.BeginQuorumEpochResponse),
      };
    case "endEpoch":
      return {
        call: END_EPOCH_CALL as ApiCall<unknown, unknown>,
        body: {
          clusterId,
          topics: single([
            {
              partitionIndex: 0,
              leaderId: request.leaderId,
              leaderEpoch: request.epoch,
              preferredSuccessors: [...request.preferredSuccessors],
              preferredCandidates: request.preferredSuccessors.map((candidateId) => ({ candidateId, candidateDirectoryId: ZERO_UUID })),
            },
          ]),
          leaderEndpoints: [],
        } satisfies EndReq.EndQuorumEpochRequest,
        toRaft: (r) => epochResponseToRaft("endEpoch", r as EndRes.EndQuorumEpochResponse),
      };
    case "fetch":
      return {
        call: FETCH_CALL as ApiCall<unknown, unknown>,
        body: fetchRequestBody(request, clusterId, fetchMaxWaitMs),
        toRaft: (r) => fetchResponseToRaft(r as FetchRes.FetchResponse),
      };
    case "fetchSnapshot":
      return {
        call: FETCH_SNAPSHOT_CALL as ApiCall<unknown, unknown>,
        body: {
          clusterId,
          replicaId: request.replicaId,
          maxBytes: request.maxBytes,
          topics: [
            {
              name: METADATA_TOPIC,
              partitions: [
                {
                  ...FetchSnapshotReq.defaultPartitionSnapshot(),
                  partition: 0,
                  currentLeaderEpoch: request.epoch,
                  snapshotId: { endOffset: request.snapshotId.offset, epoch: request.snapshotId.epoch },
                  position: request.position,
                },
              ],
            },
          ],
        } satisfies FetchSnapshotReq.FetchSnapshotRequest,
        toRaft: (r) => fetchSnapshotResponseToRaft(r as FetchSnapshotRes.FetchSnapshotResponse),
      };
  }
}

function fetchRequestBody(request: FetchRequest, clusterId: string, maxWaitMs: number): FetchReq.FetchRequest {
  return {
    ...FetchReq.defaultFetchRequest(),
    clusterId,
    replicaId: -1,
    replicaState: { replicaId: request.replicaId, replicaEpoch: -1n },
    maxWaitMs,
    minBytes: 0,
    maxBytes: request.maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: METADATA_TOPIC,
        topicId: METADATA_TOPIC_ID,
        partitions: [
          {
            ...FetchReq.defaultFetchPartition(),
            partition: 0,
            currentLeaderEpoch: request.epoch,
            fetchOffset: request.fetchOffset,
            lastFetchedEpoch: request.lastFetchedEpoch,
            logStartOffset: -1n,
            partitionMaxBytes: request.maxBytes,
            ...(request.replicaDirectoryId !== undefined ? { replicaDirectoryId: request.replicaDirectoryId } : {}),
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  };
}

function firstPartition<P>(topics: { partitions: P[] }[], what: string): P {
  const p = topics[0]?.partitions[0];
  if (!p) throw new Error(`${what} without the metadata partition`);
  return p;
}

function voteResponseToRaft(r: VoteRes.VoteResponse): VoteResponse {
  if (r.errorCode !== 0) return { kind: "vote", error: raftError(r.errorCode), epoch: -1, leaderId: -1, granted: false };
  const p = firstPartition(r.topics, "VoteResponse");
  return { kind: "vote", error: raftError(p.errorCode), epoch: p.leaderEpoch, leaderId: p.leaderId, granted: p.voteGranted };
}

function epochResponseToRaft<K extends "beginEpoch" | "endEpoch">(
  kind: K,
  r: BeginRes.BeginQuorumEpochResponse | EndRes.EndQuorumEpochResponse,
): BeginEpochResponse | EndEpochResponse {
  if (r.errorCode !== 0) return { kind, error: raftError(r.errorCode), epoch: -1, leaderId: -1 };
  const p = firstPartition(r.topics, kind);
  return { kind, error: raftError(p.errorCode), epoch: p.leaderEpoch, leaderId: p.leaderId };
}

function fetchResponseToRaft(r: FetchRes.FetchResponse): FetchResponse {
  const empty = { kind: "fetch", highWatermark: -1n, logStartOffset: -1n, batches: [] } as const;
  if (r.errorCode !== 0) return { ...empty, error: raftError(r.errorCode), epoch: -1, leaderId: -1 };
  const p = firstPartition(r.responses, "FetchResponse");
  const records = p.records ?? Buffer.alloc(0);
  const batches = [...batchViews(records)].map((v) => toRaftBatch(records.subarray(v.pos, v.pos + v.size)));
  const leader = r.nodeEndpoints.find((n) => n.nodeId === p.currentLeader.leaderId && n.nodeId >= 0);
  return {
    kind: "fetch",
    error: raftError(p.errorCode),
    epoch: p.currentLeader.leaderEpoch,
    leaderId: p.currentLeader.leaderId,
    highWatermark: p.highWatermark,
    logStartOffset: p.logStartOffset,
    ...(p.divergingEpoch.epoch >= 0 ? { divergingEpoch: { epoch: p.divergingEpoch.epoch, offset: p.divergingEpoch.endOffset } } : {}),
    ...(p.snapshotId.epoch >= 0 && p.snapshotId.endOffset >= 0n ? { snapshotId: { epoch: p.snapshotId.epoch, offset: p.snapshotId.endOffset } } : {}),
    batches,
    ...(leader ? { leaderEndpoint: { host: leader.host, port: leader.port } } : {}),
  };
}

function fetchSnapshotResponseToRaft(r: FetchSnapshotRes.FetchSnapshotResponse): FetchSnapshotResponse {
  const empty = { kind: "fetchSnapshot", snapshotId: { offset: -1n, epoch: -1 }, size: -1n, position: -1n, bytes: Buffer.alloc(0) } as const;
  if (r.errorCode !== 0) return { ...empty, error: raftError(r.errorCode), epoch: -1, leaderId: -1 };
  const p = r.topics[0]?.partitions[0];
  if (!p) throw new Error("FetchSnapshotResponse without the metadata partition");
  return {
    kind: "fetchSnapshot",
    error: raftError(p.errorCode),
    epoch: p.currentLeader.leaderEpoch,
    leaderId: p.currentLeader.leaderId,
    snapshotId: { offset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch },
    size: p.size,
    position: p.position,
    bytes: p.unalignedRecords,
  };
}

// ── Requests in (handlers) ────────────────────────────────────────────────────────────────────

/** A request for the metadata partition, or the top-level error to answer with. */
type Inbound<T> = { ok: true; request: T } | { ok: false; error: KafkaErrorName };

export function clusterMatches(requestClusterId: string | null, clusterId: string): boolean {
  return requestClusterId === null || requestClusterId === clusterId;
}

/** The one partition of a quorum request, which must be __cluster_metadata-0. */
function metadataPartition<P extends { partitionIndex: number }>(topics: { topicName: string; partitions: P[] }[]): P | undefined {
  const p = topics.length === 1 && topics[0]!.topicName === METADATA_TOPIC ? topics[0]!.partitions[0] : undefined;
  return p?.partitionIndex === 0 ? p : undefined;
}

export function voteRequestFromKafka(r: VoteReq.VoteRequest): Inbound<VoteRequest> {
  const p = metadataPartition(r.topics);
  if (!p) return { ok: false, error: "INVALID_REQUEST" };
  return { ok: true, request: { kind: "vote", epoch: p.candidateEpoch, candidateId: p.candidateId, lastEpoch: p.lastOffsetEpoch, lastOffset: p.lastOffset } };
}

export function voteResponseToKafka(res: VoteResponse | { error: KafkaErrorName }): VoteRes.VoteResponse {
  if (!("kind" in res)) return { errorCode: code(res.error), topics: [], nodeEndpoints: [] };
  return {
    errorCode: 0,
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, errorCode: code(res.error), leaderId: res.leaderId, leaderEpoch: res.epoch, voteGranted: res.granted }] }],
    nodeEndpoints: [],
  };
}

export function beginEpochRequestFromKafka(r: BeginReq.BeginQuorumEpochRequest): Inbound<BeginEpochRequest> {
  const p = metadataPartition(r.topics);
  if (!p) return { ok: false, error: "INVALID_REQUEST" };
  return { ok: true, request: { kind: "beginEpoch", epoch: p.leaderEpoch, leaderId: p.leaderId } };
}

export function endEpochRequestFromKafka(r: EndReq.EndQuorumEpochRequest, version: number): Inbound<EndEpochRequest> {
  const p = metadataPartition(r.topics);
  if (!p) return { ok: false, error: "INVALID_REQUEST" };
  const successors = version >= 1 ? p.preferredCandidates.map((c) => c.candidateId) : p.preferredSuccessors;
  return { ok: true, request: { kind: "endEpoch", epoch: p.leaderEpoch, leaderId: p.leaderId, preferredSuccessors: successors } };
}

/** BeginQuorumEpoch and EndQuorumEpoch responses share a shape. */
export function epochResponseToKafka(res: BeginEpochResponse | EndEpochResponse | { error: KafkaErrorName }): BeginRes.BeginQuorumEpochResponse {
  if (!("kind" in res)) return { errorCode: code(res.error), topics: [], nodeEndpoints: [] };
  return {
    errorCode: 0,
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, errorCode: code(res.error), leaderId: res.leaderId, leaderEpoch: res.epoch }] }],
    nodeEndpoints: [],
  };
}

export function fetchRequestFromKafka(r: FetchReq.FetchRequest, version: number): Inbound<FetchRequest> {
  const t = r.topics[0];
  const p = r.topics.length === 1 && t!.partitions.length === 1 ? t!.partitions[0] : undefined;
  if (!p || p.partition !== 0) return { ok: false, error: "INVALID_REQUEST" };
  const replicaId = version >= 15 ? r.replicaState.replicaId : r.replicaId;
  return {
    ok: true,
    request: {
      kind: "fetch",
      replicaId,
      epoch: p.currentLeaderEpoch,
      fetchOffset: p.fetchOffset,
      lastFetchedEpoch: p.lastFetchedEpoch,
      maxBytes: Math.min(p.partitionMaxBytes, r.maxBytes),
      ...(version >= 17 && p.replicaDirectoryId !== ZERO_UUID ? { replicaDirectoryId: p.replicaDirectoryId } : {}),
    },
  };
}

export function fetchResponseToKafka(res: FetchResponse | { error: KafkaErrorName }): FetchRes.FetchResponse {
  if (!("kind" in res)) return { ...FetchRes.defaultFetchResponse(), errorCode: code(res.error) };
  const records = res.batches.length === 0 ? Buffer.alloc(0) : res.batches.length === 1 ? res.batches[0]!.bytes : Buffer.concat(res.batches.map((b) => b.bytes));
  return {
    ...FetchRes.defaultFetchResponse(),
    responses: [
      {
        topic: METADATA_TOPIC,
        topicId: METADATA_TOPIC_ID,
        partitions: [
          {
            ...FetchRes.defaultPartitionData(),
            partitionIndex: 0,
            errorCode: code(res.error),
            highWatermark: res.highWatermark,
            lastStableOffset: res.highWatermark,
            logStartOffset: res.logStartOffset,
            divergingEpoch: res.divergingEpoch ? { epoch: res.divergingEpoch.epoch, endOffset: res.divergingEpoch.offset } : { epoch: -1, endOffset: -1n },
            snapshotId: res.snapshotId ? { epoch: res.snapshotId.epoch, endOffset: res.snapshotId.offset } : { epoch: -1, endOffset: -1n },
            currentLeader: { leaderId: res.leaderId, leaderEpoch: res.epoch },
            records,
          },
        ],
      },
    ],
    nodeEndpoints: res.leaderEndpoint && res.leaderId >= 0 ? [{ nodeId: res.leaderId, host: res.leaderEndpoint.host, port: res.leaderEndpoint.port, rack: null }] : [],
  };
}

export function fetchSnapshotRequestFromKafka(r: FetchSnapshotReq.FetchSnapshotRequest): Inbound<FetchSnapshotRequest> {
  const t = r.topics[0];
  const p = r.topics.length === 1 && t!.name === METADATA_TOPIC && t!.partitions.length === 1 ? t!.partitions[0] : undefined;
  if (!p || p.partition !== 0) return { ok: false, error: "INVALID_REQUEST" };
  return {
    ok: true,
    request: {
      kind: "fetchSnapshot",
      replicaId: r.replicaId,
      epoch: p.currentLeaderEpoch,
      snapshotId: { offset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch },
      position: p.position,
      maxBytes: Math.max(0, r.maxBytes),
    },
  };
}

export function fetchSnapshotResponseToKafka(res: FetchSnapshotResponse | { error: KafkaErrorName }): FetchSnapshotRes.FetchSnapshotResponse {
  if (!("kind" in res)) return { ...FetchSnapshotRes.defaultFetchSnapshotResponse(), errorCode: code(res.error) };
  return {
    ...FetchSnapshotRes.defaultFetchSnapshotResponse(),
    topics: [
      {
        name: METADATA_TOPIC,
        partitions: [
          {
            index: 0,
            errorCode: code(res.error),
            snapshotId: { endOffset: res.snapshotId.offset, epoch: res.snapshotId.epoch },
            currentLeader: { leaderId: res.leaderId, leaderEpoch: res.epoch },
            size: res.size,
            position: res.position,
            unalignedRecords: res.bytes,
          },
        ],
      },
    ],
  };
}
