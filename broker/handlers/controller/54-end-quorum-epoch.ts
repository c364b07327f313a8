// EndQuorumEpoch: v0–v1 (KIP-595; v1 names preferred candidates with directory ids, KIP-853).
// A metadata quorum leader that is shutting down (or lost its majority) hands over: the most
// caught-up voters it names stand for election first.
import { endQuorumEpochRequestMeta, readEndQuorumEpochRequest } from "../../protocol/generated/end-quorum-epoch-request.gen.js";
import { writeEndQuorumEpochResponse } from "../../protocol/generated/end-quorum-epoch-response.gen.js";
import type { EndEpochResponse } from "../../metadata/raft/raft-types.js";
import { clusterMatches, endEpochRequestFromKafka, epochResponseToKafka } from "../../metadata/raft/raft-wire.js";
import { defineHandler } from "../handler.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";

export const endQuorumEpochHandler = defineHandler({
  meta: endQuorumEpochRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readEndQuorumEpochRequest,
  writeResponse: writeEndQuorumEpochResponse,
  handle(request, ctx) {
    const { broker } = ctx;
    if (!authorizeApiOnCluster(ctx)) return epochResponseToKafka({ error: "CLUSTER_AUTHORIZATION_FAILED" });
    if (!clusterMatches(request.clusterId, broker.clusterId)) return epochResponseToKafka({ error: "INCONSISTENT_CLUSTER_ID" });
    const inbound = endEpochRequestFromKafka(request, ctx.apiVersion);
    if (!inbound.ok) return epochResponseToKafka({ error: inbound.error });
    return epochResponseToKafka(broker.metadata.quorum.handle(inbound.request.leaderId, inbound.request) as EndEpochResponse);
  },
});
