// FetchSnapshot: v0–v1 (KIP-630; v1 adds directory ids and leader endpoints, KIP-853). A quorum
// follower or observer whose log ends before the leader's log start (the leader answered its
// Fetch with a snapshotId) reads the leader's latest snapshot in pieces: from byte `position`,
// up to maxBytes. Only the leader answers; a snapshot it no longer has is SNAPSHOT_NOT_FOUND, a
// position outside it POSITION_OUT_OF_RANGE. Only __cluster_metadata-0 is served.
import { fetchSnapshotRequestMeta, readFetchSnapshotRequest } from "../../protocol/generated/fetch-snapshot-request.gen.js";
import { writeFetchSnapshotResponse } from "../../protocol/generated/fetch-snapshot-response.gen.js";
import type { FetchSnapshotResponse } from "../../metadata/raft/raft-types.js";
import { clusterMatches, fetchSnapshotRequestFromKafka, fetchSnapshotResponseToKafka } from "../../metadata/raft/raft-wire.js";
import { defineHandler } from "../handler.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";

export const fetchSnapshotHandler = defineHandler({
  meta: fetchSnapshotRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readFetchSnapshotRequest,
  writeResponse: writeFetchSnapshotResponse,
  handle(request, ctx) {
    const { broker } = ctx;
    if (!authorizeApiOnCluster(ctx)) return fetchSnapshotResponseToKafka({ error: "CLUSTER_AUTHORIZATION_FAILED" });
    if (!clusterMatches(request.clusterId, broker.clusterId)) return fetchSnapshotResponseToKafka({ error: "INCONSISTENT_CLUSTER_ID" });
    const inbound = fetchSnapshotRequestFromKafka(request);
    if (!inbound.ok) return fetchSnapshotResponseToKafka({ error: inbound.error });
    return fetchSnapshotResponseToKafka(broker.metadata.quorum.handle(inbound.request.replicaId, inbound.request) as FetchSnapshotResponse);
  },
});
