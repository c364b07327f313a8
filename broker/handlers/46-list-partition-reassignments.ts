// ListPartitionReassignments v0 (KIP-455) — what `kafka-reassign-partitions --verify` and
// `--list` send: the partitions with a reassignment in progress, with their full replica list
// and the replicas being added and removed. Answered by the active controller (forwarded like
// the request that starts reassignments, so a --verify right after --execute sees it).
import { errorCode } from "../protocol/errors.js";
import {
  listPartitionReassignmentsRequestMeta,
  readListPartitionReassignmentsRequest,
  writeListPartitionReassignmentsRequest,
} from "../protocol/generated/list-partition-reassignments-request.gen.js";
import {
  readListPartitionReassignmentsResponse,
  writeListPartitionReassignmentsResponse,
  type ListPartitionReassignmentsResponse,
  type OngoingTopicReassignment,
} from "../protocol/generated/list-partition-reassignments-response.gen.js";
import { ongoingReassignments } from "../metadata/controller/partition-reassignment.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

const refused = (): ListPartitionReassignmentsResponse => ({ throttleTimeMs: 0, errorCode: errorCode("NOT_CONTROLLER"), errorMessage: null, topics: [] });
const unauthorized: ListPartitionReassignmentsResponse = { throttleTimeMs: 0, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), errorMessage: null, topics: [] };

const localHandler = defineHandler({
  meta: listPartitionReassignmentsRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readListPartitionReassignmentsRequest,
  writeResponse: writeListPartitionReassignmentsResponse,
  handle(request, ctx): ListPartitionReassignmentsResponse {
    const { broker } = ctx;
    if (!authorizeApiOnCluster(ctx)) return unauthorized;
    if (!broker.controller?.active) return refused();
    // Null topics: every ongoing reassignment; otherwise only the partitions asked about.
    const wanted = request.topics === null ? null : new Map(request.topics.map((t) => [t.name, new Set(t.partitionIndexes)]));
    const topics = new Map<string, OngoingTopicReassignment>();
    for (const { topic, partition: p } of ongoingReassignments(broker.metadata.image)) {
      if (wanted && !wanted.get(topic)?.has(p.partition)) continue;
      if (!topics.has(topic)) topics.set(topic, { name: topic, partitions: [] });
      topics.get(topic)!.partitions.push({ partitionIndex: p.partition, replicas: [...p.replicas], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas] });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [...topics.values()] };
  },
});

export const listPartitionReassignmentsHandler = forwardedToController(localHandler, {
  writeRequest: writeListPartitionReassignmentsRequest,
  readResponse: readListPartitionReassignmentsResponse,
  refused,
});
