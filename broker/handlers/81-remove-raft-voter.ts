// RemoveRaftVoter: v0 (KIP-853) — `kafka-metadata-quorum remove-controller`. The quorum leader
// appends the voter set without (voterId, voterDirectoryId) and answers once it is committed; a
// leader that removed itself resigns then. VOTER_NOT_FOUND when no voter has that id and
// directory id; one change at a time (REQUEST_TIMED_OUT while another is uncommitted). Forwarded
// from broker listeners like AddRaftVoter.
import { errorCode } from "../protocol/errors.js";
import {
  readRemoveRaftVoterRequest,
  removeRaftVoterRequestMeta,
  writeRemoveRaftVoterRequest,
  type RemoveRaftVoterRequest,
} from "../protocol/generated/remove-raft-voter-request.gen.js";
import { readRemoveRaftVoterResponse, writeRemoveRaftVoterResponse, type RemoveRaftVoterResponse } from "../protocol/generated/remove-raft-voter-response.gen.js";
import { clusterMatches } from "../metadata/raft/raft-wire.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

/** How long the leader waits for the change to commit (the request has no timeout field). */
const COMMIT_TIMEOUT_MS = 15_000;

const refused = (error: Parameters<typeof errorCode>[0], message: string): RemoveRaftVoterResponse => ({ throttleTimeMs: 0, errorCode: errorCode(error), errorMessage: message });

const localRemoveRaftVoterHandler = defineHandler({
  meta: removeRaftVoterRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readRemoveRaftVoterRequest,
  writeResponse: writeRemoveRaftVoterResponse,
  async handle(request: RemoveRaftVoterRequest, ctx): Promise<RemoveRaftVoterResponse> {
    if (!authorizeApiOnCluster(ctx)) return refused("CLUSTER_AUTHORIZATION_FAILED", "ALTER on the cluster is needed to remove a voter");
    if (!clusterMatches(request.clusterId, ctx.broker.clusterId)) return refused("INCONSISTENT_CLUSTER_ID", `cluster id ${request.clusterId} is not ${ctx.broker.clusterId}`);
    const answer = await ctx.broker.metadata.quorum.removeVoter(request.voterId, request.voterDirectoryId, COMMIT_TIMEOUT_MS);
    return { throttleTimeMs: 0, errorCode: errorCode(answer.error), errorMessage: answer.message };
  },
});

export const removeRaftVoterHandler = forwardedToController(localRemoveRaftVoterHandler, {
  writeRequest: writeRemoveRaftVoterRequest,
  readResponse: readRemoveRaftVoterResponse,
  refused: (_request, _version, ctx) => refused("NOT_LEADER_OR_FOLLOWER", `node ${ctx.broker.nodeId} is not the quorum leader (leader ${ctx.broker.metadata.quorum.leaderId})`),
});
