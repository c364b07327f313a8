// DeleteRecords: v0–v2 (KafkaJS 2.2.4 and librdkafka 2.x send v1; v2+ flexible).
// Moves each partition's log start offset up to the given offset (-1 means the high watermark),
// making everything below it unreadable at once; whole segments below it are deleted by
// retention. Answers the new low watermark, which on a single replica is the log start offset,
// so nothing waits for followers (timeoutMs is unused). As Kafka does: internal topics are
// INVALID_TOPIC_EXCEPTION, a topic without the delete cleanup policy is POLICY_VIOLATION, an offset
// below -1 or above the high watermark is OFFSET_OUT_OF_RANGE, and only the leader answers.
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { deleteRecordsRequestMeta, readDeleteRecordsRequest, type DeleteRecordsPartition } from "../protocol/generated/delete-records-request.gen.js";
import {
  writeDeleteRecordsResponse,
  type DeleteRecordsPartitionResult,
  type DeleteRecordsResponse,
} from "../protocol/generated/delete-records-response.gen.js";
import { isInternalTopic } from "../metadata/topic-names.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { localPartition, NO_LEADER_EPOCH } from "./local-partition.js";
import { AclOperation, authorizedNames, ResourceType } from "../security/authorizer/request-authorization.js";

/** DeleteRecordsRequest.HIGH_WATERMARK: delete up to the high watermark. */
const HIGH_WATERMARK = -1n;

function partitionResult(partitionIndex: number, error: KafkaErrorName, lowWatermark = -1n): DeleteRecordsPartitionResult {
  return { partitionIndex, lowWatermark, errorCode: errorCode(error) };
}

async function deleteRecords(topicName: string, p: DeleteRecordsPartition, ctx: RequestContext): Promise<DeleteRecordsPartitionResult> {
  const local = localPartition(ctx.broker, topicName, p.partitionIndex, NO_LEADER_EPOCH);
  // Kafka refuses internal topics before looking at the local replica.
  const known = local.ok || local.error !== "UNKNOWN_TOPIC_OR_PARTITION";
  if (known && isInternalTopic(topicName)) return partitionResult(p.partitionIndex, "INVALID_TOPIC_EXCEPTION");
  if (!local.ok) return partitionResult(p.partitionIndex, local.error);
  const { log } = local;
  if (!log.config.cleanupPolicy.includes("delete")) return partitionResult(p.partitionIndex, "POLICY_VIOLATION");
  const offset = p.offset === HIGH_WATERMARK ? log.highWatermark : p.offset;
  if (offset < 0n || offset > log.highWatermark) return partitionResult(p.partitionIndex, "OFFSET_OUT_OF_RANGE");
  const deleted = await log.deleteRecordsBefore(offset);
  if ("error" in deleted) {
    ctx.log.debug({ topic: topicName, partition: p.partitionIndex, error: deleted.error, reason: deleted.message }, "delete records refused");
    return partitionResult(p.partitionIndex, deleted.error);
  }
  return partitionResult(p.partitionIndex, "NONE", deleted.lowWatermark);
}

export const deleteRecordsHandler = defineHandler({
  meta: deleteRecordsRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readDeleteRecordsRequest,
  writeResponse: writeDeleteRecordsResponse,
  async handle(request, ctx): Promise<DeleteRecordsResponse> {
    const topics = [];
    const deletable = authorizedNames(ctx, AclOperation.DELETE, ResourceType.TOPIC, request.topics.map((t) => t.name));
    for (const t of request.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        partitions.push(deletable.has(t.name) ? await deleteRecords(t.name, p, ctx) : partitionResult(p.partitionIndex, "TOPIC_AUTHORIZATION_FAILED"));
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
