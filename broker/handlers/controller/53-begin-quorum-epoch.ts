// BeginQuorumEpoch: v0–v1 (KIP-595; v1 flexible with leader endpoints, KIP-853). A newly elected
// metadata quorum leader announces its epoch; this voter follows it from now on.
import { beginQuorumEpochRequestMeta, readBeginQuorumEpochRequest } from "../../protocol/generated/begin-quorum-epoch-request.gen.js";
import { writeBeginQuorumEpochResponse } from "../../protocol/generated/begin-quorum-epoch-response.gen.js";
import type { BeginEpochResponse } from "../../metadata/raft/raft-types.js";
import { beginEpochRequestFromKafka, clusterMatches, epochResponseToKafka } from "../../metadata/raft/raft-wire.js";
import { defineHandler } from "../handler.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";

export const beginQuorumEpochHandler = defineHandler({
  meta: beginQuorumEpochRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readBeginQuorumEpochRequest,
  writeResponse: writeBeginQuorumEpochResponse,
  handle(request, ctx) {
    const { broker } = ctx;
    if (!authorizeApiOnCluster(ctx)) return epochResponseToKafka({ error: "CLUSTER_AUTHORIZATION_FAILED" });
    if (!clusterMatches(request.clusterId, broker.clusterId)) return epochResponseToKafka({ error: "INCONSISTENT_CLUSTER_ID" });
    if (ctx.apiVersion >= 1 && request.voterId >= 0 && request.voterId !== broker.nodeId) return epochResponseToKafka({ error: "INCONSISTENT_VOTER_SET" });
    const inbound = beginEpochRequestFromKafka(request);
    if (!inbound.ok) return epochResponseToKafka({ error: inbound.error });
    return epochResponseToKafka(broker.metadata.quorum.handle(inbound.request.leaderId, inbound.request) as BeginEpochResponse);
  },
});
