// AlterPartition: v0–v3 (KIP-497; v1 leader recovery state, v2 topic ids, v3 broker epochs in
// the new ISR, KIP-903). A partition leader asks the active controller to change its ISR
// (followers caught up join, laggards leave); the controller checks the leader epoch and
// partition epoch and commits the change, or answers why not.
import { errorCode } from "../../protocol/errors.js";
import { alterPartitionRequestMeta, readAlterPartitionRequest } from "../../protocol/generated/alter-partition-request.gen.js";
import { writeAlterPartitionResponse, type AlterPartitionResponse } from "../../protocol/generated/alter-partition-response.gen.js";
import { defineHandler } from "../handler.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";

export const alterPartitionHandler = defineHandler({
  meta: alterPartitionRequestMeta,
  minVersion: 2,
  maxVersion: 3,
  readRequest: readAlterPartitionRequest,
  writeResponse: writeAlterPartitionResponse,
  async handle(request, ctx): Promise<AlterPartitionResponse> {
    const { controller, metadata } = ctx.broker;
    if (!authorizeApiOnCluster(ctx)) return { throttleTimeMs: 0, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), topics: [] };
    if (!controller) return { throttleTimeMs: 0, errorCode: errorCode("NOT_CONTROLLER"), topics: [] };
    const topics: AlterPartitionResponse["topics"] = [];
    for (const t of request.topics) {
      const partitions: AlterPartitionResponse["topics"][number]["partitions"] = [];
      for (const p of t.partitions) {
        const newIsr = ctx.apiVersion >= 3 ? p.newIsrWithEpochs.map((b) => b.brokerId) : p.newIsr;
        const result = await controller.alterIsr({
          brokerId: request.brokerId,
          topicId: t.topicId,
          partition: p.partitionIndex,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          newIsr,
        });
        const state = result.state ?? metadata.image.topicsById.get(t.topicId)?.partitions[p.partitionIndex];
        partitions.push({
          partitionIndex: p.partitionIndex,
          errorCode: errorCode(result.error),
          leaderId: state?.leader ?? -1,
          leaderEpoch: state?.leaderEpoch ?? -1,
          isr: state?.isr ?? [],
          leaderRecoveryState: 0,
          partitionEpoch: state?.partitionEpoch ?? -1,
        });
      }
      topics.push({ topicName: t.topicName, topicId: t.topicId, partitions });
    }
    return { throttleTimeMs: 0, errorCode: 0, topics };
  },
});
