// AlterPartitionReassignments v0 (KIP-455) — what `kafka-reassign-partitions --execute` and
// `--cancel` send: per partition a target replica list (start or replace a reassignment) or null
// (cancel). Decided by the active controller (controller/partition-reassignment.ts), all in one
// commit; other nodes forward the request. Answers once the change is committed, not once the
// data has moved: `--verify` (ListPartitionReassignments) follows the rest.
import { errorCode } from "../protocol/errors.js";
import {
  alterPartitionReassignmentsRequestMeta,
  readAlterPartitionReassignmentsRequest,
  writeAlterPartitionReassignmentsRequest,
} from "../protocol/generated/alter-partition-reassignments-request.gen.js";
import {
  readAlterPartitionReassignmentsResponse,
  writeAlterPartitionReassignmentsResponse,
  type AlterPartitionReassignmentsResponse,
  type ReassignableTopicResponse,
} from "../protocol/generated/alter-partition-reassignments-response.gen.js";
import type { Uuid } from "../protocol/primitives.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

const refused = (error: "NOT_CONTROLLER" | "CLUSTER_AUTHORIZATION_FAILED"): AlterPartitionReassignmentsResponse => ({ throttleTimeMs: 0, errorCode: errorCode(error), errorMessage: null, responses: [] });

const localHandler = defineHandler({
  meta: alterPartitionReassignmentsRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readAlterPartitionReassignmentsRequest,
  writeResponse: writeAlterPartitionReassignmentsResponse,
  async handle(request, ctx): Promise<AlterPartitionReassignmentsResponse> {
    const { broker } = ctx;
    if (!authorizeApiOnCluster(ctx)) return refused("CLUSTER_AUTHORIZATION_FAILED");
    if (!broker.controller) return refused("NOT_CONTROLLER");
    // Partitions of unknown topics are answered here; the rest go to the controller in one batch.
    const asked: { topic: string; partition: number; topicId: Uuid; target: number[] | null }[] = [];
    const answers = new Map<string, ReassignableTopicResponse>();
    const answer = (topic: string, partitionIndex: number, error: Parameters<typeof errorCode>[0], message: string | null) => {
      if (!answers.has(topic)) answers.set(topic, { name: topic, partitions: [] });
      answers.get(topic)!.partitions.push({ partitionIndex, errorCode: errorCode(error), errorMessage: message });
    };
    for (const t of request.topics) {
      const topic = broker.metadata.topic(t.name);
      for (const p of t.partitions) {
        if (!topic?.partitions[p.partitionIndex]) answer(t.name, p.partitionIndex, "UNKNOWN_TOPIC_OR_PARTITION", "The partition does not exist.");
        else asked.push({ topic: t.name, partition: p.partitionIndex, topicId: topic.topicId, target: p.replicas });
      }
    }
    const results = await broker.controller.alterReassignments(asked);
    if (results.some((r) => r.error === "NOT_CONTROLLER")) return refused("NOT_CONTROLLER");
    results.forEach((r, i) => answer(asked[i]!.topic, asked[i]!.partition, r.error, r.message));
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses: [...answers.values()] };
  },
});

/** Off the quorum leader, the request goes to the active controller (controller-forwarding.ts). */
export const alterPartitionReassignmentsHandler = forwardedToController(localHandler, {
  writeRequest: writeAlterPartitionReassignmentsRequest,
  readResponse: readAlterPartitionReassignmentsResponse,
  refused: () => refused("NOT_CONTROLLER"),
});
