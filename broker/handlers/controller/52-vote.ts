// Vote: v0–v1 (KIP-595; v1 adds voter and directory ids, KIP-853). A candidate asks this voter
// for its vote in a metadata quorum election; the quorum machine decides (one vote per epoch, only
// for a log at least as up to date) after saving the vote. A request for another cluster gets
// INCONSISTENT_CLUSTER_ID, one addressed to another voter INCONSISTENT_VOTER_SET.
import { readVoteRequest, voteRequestMeta } from "../../protocol/generated/vote-request.gen.js";
import { writeVoteResponse } from "../../protocol/generated/vote-response.gen.js";
import type { VoteResponse } from "../../metadata/raft/raft-types.js";
import { clusterMatches, voteRequestFromKafka, voteResponseToKafka } from "../../metadata/raft/raft-wire.js";
import { defineHandler } from "../handler.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";

export const voteHandler = defineHandler({
  meta: voteRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readVoteRequest,
  writeResponse: writeVoteResponse,
  handle(request, ctx) {
    const { broker } = ctx;
    if (!authorizeApiOnCluster(ctx)) return voteResponseToKafka({ error: "CLUSTER_AUTHORIZATION_FAILED" });
    if (!clusterMatches(request.clusterId, broker.clusterId)) return voteResponseToKafka({ error: "INCONSISTENT_CLUSTER_ID" });
    if (ctx.apiVersion >= 1 && request.voterId >= 0 && request.voterId !== broker.nodeId) return voteResponseToKafka({ error: "INCONSISTENT_VOTER_SET" });
    const inbound = voteRequestFromKafka(request);
    if (!inbound.ok) return voteResponseToKafka({ error: inbound.error });
    return voteResponseToKafka(broker.metadata.quorum.handle(inbound.request.candidateId, inbound.request) as VoteResponse);
  },
});
