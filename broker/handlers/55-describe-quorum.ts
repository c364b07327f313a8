// DescribeQuorum: v0–v2 (KIP-595; v1 adds fetch and caught-up timestamps, KIP-836; v2 directory
// ids and the voters' endpoints, KIP-853) — what `kafka-metadata-quorum describe` shows. Only
// the quorum leader knows every replica's progress: on a broker listener the request goes to
// the active controller's controller listener (kafka-metadata-quorum --bootstrap-server, also from
// a broker-only node); on a controller listener a voter that does not lead answers
// NOT_LEADER_OR_FOLLOWER with the leader it knows, as Kafka's do, and so does a broker that
// cannot reach the leader.
import { errorCode } from "../protocol/errors.js";
import {
  describeQuorumRequestMeta,
  readDescribeQuorumRequest,
  writeDescribeQuorumRequest,
  type DescribeQuorumRequest,
} from "../protocol/generated/describe-quorum-request.gen.js";
import {
  readDescribeQuorumResponse,
  writeDescribeQuorumResponse,
  type DescribeQuorumResponse,
  type ReplicaState,
} from "../protocol/generated/describe-quorum-response.gen.js";
import { ZERO_UUID } from "../protocol/primitives.js";
import type { ReplicaProgress } from "../metadata/raft/quorum-machine.js";
import { METADATA_TOPIC } from "../storage/file-names.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

function replicaState(r: ReplicaProgress): ReplicaState {
  return {
    replicaId: r.nodeId,
    replicaDirectoryId: r.directoryId ?? ZERO_UUID,
    logEndOffset: r.endOffset,
    lastFetchTimestamp: BigInt(r.lastFetchMs),
    lastCaughtUpTimestamp: BigInt(r.lastCaughtUpMs),
  };
}

const localDescribeQuorumHandler = defineHandler({
  meta: describeQuorumRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readDescribeQuorumRequest,
  writeResponse: writeDescribeQuorumResponse,
  handle: describeLocally,
});

function describeLocally(request: DescribeQuorumRequest, ctx: RequestContext): DescribeQuorumResponse {
  if (!authorizeApiOnCluster(ctx)) return { errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), errorMessage: null, topics: [], nodes: [] };
  const quorum = ctx.broker.metadata.quorum;
  const partition = request.topics.length === 1 && request.topics[0]!.topicName === METADATA_TOPIC ? request.topics[0]!.partitions : [];
  if (partition.length !== 1 || partition[0]!.partitionIndex !== 0) {
    return { errorCode: errorCode("INVALID_REQUEST"), errorMessage: "DescribeQuorum is for __cluster_metadata-0 only", topics: [], nodes: [] };
  }
  const base = { partitionIndex: 0, leaderId: quorum.leaderId, leaderEpoch: quorum.epoch, highWatermark: quorum.highWatermark };
  if (!quorum.isLeader) {
    return {
      errorCode: 0,
      errorMessage: null,
      topics: [{ topicName: METADATA_TOPIC, partitions: [{ ...base, errorCode: errorCode("NOT_LEADER_OR_FOLLOWER"), errorMessage: null, currentVoters: [], observers: [] }] }],
      nodes: [],
    };
  }
  const { voters, observers } = quorum.replicaProgress();
  if (ctx.apiVersion === 0) for (const r of [...voters, ...observers]) Object.assign(r, { lastFetchMs: -1, lastCaughtUpMs: -1 });
  // v2 (KIP-853): the voters' directory ids as the voter set names them, and their endpoints.
  const voterSet = quorum.voterSet();
  for (const r of voters) {
    const directoryId = voterSet.find((v) => v.id === r.nodeId)?.directoryId;
    if (directoryId) r.directoryId = directoryId;
  }
  const nodes = voterSet.map((v) => ({ nodeId: v.id, listeners: v.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port })) }));
  return {
    errorCode: 0,
    errorMessage: null,
    topics: [
      {
        topicName: METADATA_TOPIC,
        partitions: [{ ...base, errorCode: 0, errorMessage: null, currentVoters: voters.map(replicaState), observers: observers.map(replicaState) }],
      },
    ],
    nodes,
  };
}

/** Controller listeners never forward (their services have no forwarder), broker listeners do; off the leader the local answer names the leader. */
export const describeQuorumHandler = forwardedToController(localDescribeQuorumHandler, {
  writeRequest: writeDescribeQuorumRequest,
  readResponse: readDescribeQuorumResponse,
  refused: (request, _version, ctx) => describeLocally(request, ctx),
});
