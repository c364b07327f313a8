// AddRaftVoter: v0 (KIP-853) — `kafka-metadata-quorum add-controller`. The quorum leader adds an
// observer that fetches with that directory id and has caught up as a voter, appending the new
// voter set, and answers once it is committed (or REQUEST_TIMED_OUT after timeoutMs). One change
// at a time; a static quorum (controller.quorum.voters, kraft.version 0) answers
// UNSUPPORTED_VERSION. On a broker listener the request goes to the leader's controller listener,
// as other controller requests do; on a controller listener off the leader the answer is
// NOT_LEADER_OR_FOLLOWER.
import { errorCode } from "../protocol/errors.js";
import {
  addRaftVoterRequestMeta,
  readAddRaftVoterRequest,
  writeAddRaftVoterRequest,
  type AddRaftVoterRequest,
} from "../protocol/generated/add-raft-voter-request.gen.js";
import { readAddRaftVoterResponse, writeAddRaftVoterResponse, type AddRaftVoterResponse } from "../protocol/generated/add-raft-voter-response.gen.js";
import { clusterMatches } from "../metadata/raft/raft-wire.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

const refused = (error: Parameters<typeof errorCode>[0], message: string): AddRaftVoterResponse => ({ throttleTimeMs: 0, errorCode: errorCode(error), errorMessage: message });

const localAddRaftVoterHandler = defineHandler({
  meta: addRaftVoterRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readAddRaftVoterRequest,
  writeResponse: writeAddRaftVoterResponse,
  async handle(request: AddRaftVoterRequest, ctx): Promise<AddRaftVoterResponse> {
    if (!authorizeApiOnCluster(ctx)) return refused("CLUSTER_AUTHORIZATION_FAILED", "ALTER on the cluster is needed to add a voter");
    const quorum = ctx.broker.metadata.quorum;
    if (!clusterMatches(request.clusterId, ctx.broker.clusterId)) return refused("INCONSISTENT_CLUSTER_ID", `cluster id ${request.clusterId} is not ${ctx.broker.clusterId}`);
    if (request.voterId < 0) return refused("INVALID_REQUEST", `invalid voter id ${request.voterId}`);
    if (request.listeners.length === 0) return refused("INVALID_REQUEST", "the new voter has no endpoints");
    const answer = await quorum.addVoter(
      {
        id: request.voterId,
        directoryId: request.voterDirectoryId,
        endpoints: request.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port })),
      },
      Math.max(1000, request.timeoutMs),
    );
    return { throttleTimeMs: 0, errorCode: errorCode(answer.error), errorMessage: answer.message };
  },
});

export const addRaftVoterHandler = forwardedToController(localAddRaftVoterHandler, {
  writeRequest: writeAddRaftVoterRequest,
  readResponse: readAddRaftVoterResponse,
  refused: (_request, _version, ctx) => refused("NOT_LEADER_OR_FOLLOWER", `node ${ctx.broker.nodeId} is not the quorum leader (leader ${ctx.broker.metadata.quorum.leaderId})`),
});
