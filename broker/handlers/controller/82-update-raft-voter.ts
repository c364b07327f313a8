// UpdateRaftVoter: v0 (KIP-853), controller listeners only. A voter whose endpoints changed at a
// restart tells the leader, which records them in a new voter set (nothing is appended when they
// are unchanged). The answer names the leader as this node knows it. Our own nodes do not send it
// yet: a voter's endpoints are those it was added with.
import { errorCode } from "../../protocol/errors.js";
import { readUpdateRaftVoterRequest, updateRaftVoterRequestMeta } from "../../protocol/generated/update-raft-voter-request.gen.js";
import { writeUpdateRaftVoterResponse, type UpdateRaftVoterResponse } from "../../protocol/generated/update-raft-voter-response.gen.js";
import { clusterMatches } from "../../metadata/raft/raft-wire.js";
import { defineHandler } from "../handler.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";

const COMMIT_TIMEOUT_MS = 15_000;

export const updateRaftVoterHandler = defineHandler({
  meta: updateRaftVoterRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readUpdateRaftVoterRequest,
  writeResponse: writeUpdateRaftVoterResponse,
  async handle(request, ctx): Promise<UpdateRaftVoterResponse> {
    const quorum = ctx.broker.metadata.quorum;
    const answer = (code: number): UpdateRaftVoterResponse => {
      const leader = quorum.leaderId >= 0 ? quorum.endpointOf(quorum.leaderId) : undefined;
      return { throttleTimeMs: 0, errorCode: code, currentLeader: { leaderId: quorum.leaderId, leaderEpoch: quorum.epoch, host: leader?.host ?? "", port: leader?.port ?? 0 } };
    };
    if (!authorizeApiOnCluster(ctx)) return answer(errorCode("CLUSTER_AUTHORIZATION_FAILED"));
    if (!clusterMatches(request.clusterId, ctx.broker.clusterId)) return answer(errorCode("INCONSISTENT_CLUSTER_ID"));
    if (request.currentLeaderEpoch >= 0 && request.currentLeaderEpoch < quorum.epoch) return answer(errorCode("FENCED_LEADER_EPOCH"));
    if (request.listeners.length === 0) return answer(errorCode("INVALID_REQUEST"));
    const result = await quorum.updateVoter(
      { id: request.voterId, directoryId: request.voterDirectoryId, endpoints: request.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port })) },
      COMMIT_TIMEOUT_MS,
    );
    return answer(errorCode(result.error));
  },
});
