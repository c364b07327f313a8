// Fetch on a controller listener: v13–v17, only for __cluster_metadata-0 (KRaft's metadata log),
// sent by quorum followers and observers with their replica id. The quorum answers: records
// from the fetch offset, or the epoch where the fetcher's log diverges; a fetch with nothing new
// waits up to maxWaitMs for an append or a new high watermark. Any other topic is refused.
import { fetchRequestMeta, readFetchRequest } from "../../protocol/generated/fetch-request.gen.js";
import { writeFetchResponse } from "../../protocol/generated/fetch-response.gen.js";
import { clusterMatches, fetchRequestFromKafka, fetchResponseToKafka, isMetadataTopic } from "../../metadata/raft/raft-wire.js";
import { defineHandler } from "../handler.js";
import { authorizeCluster } from "../../security/authorizer/request-authorization.js";
import { AclOperation } from "../../security/authorizer/acl-codes.js";
import type { RequestContext } from "../handler.js";

/** Only nodes (CLUSTER_ACTION on the cluster) read the metadata log, as in Kafka's ControllerApis. */
const authorizeClusterAction = (ctx: RequestContext) => authorizeCluster(ctx, AclOperation.CLUSTER_ACTION);

export const metadataFetchHandler = defineHandler({
  meta: fetchRequestMeta,
  minVersion: 13,
  maxVersion: 17,
  readRequest: readFetchRequest,
  writeResponse: writeFetchResponse,
  async handle(request, ctx) {
    if (!authorizeClusterAction(ctx)) return fetchResponseToKafka({ error: "CLUSTER_AUTHORIZATION_FAILED" });
    if (!clusterMatches(request.clusterId, ctx.broker.clusterId)) return fetchResponseToKafka({ error: "INCONSISTENT_CLUSTER_ID" });
    if (!request.topics.every(isMetadataTopic)) return fetchResponseToKafka({ error: "INVALID_REQUEST" });
    const inbound = fetchRequestFromKafka(request, ctx.apiVersion);
    if (!inbound.ok) return fetchResponseToKafka({ error: inbound.error });
    return fetchResponseToKafka(await ctx.broker.metadata.quorum.fetch(inbound.request, Math.max(0, request.maxWaitMs)));
  },
});
