// Produce: v3–v11 (v0–v2 carry message formats 0/1, which Kafka 4 no longer accepts either).
// Batches go to the partition log as the producer sent them (opaque: header and CRC checked,
// base offset assigned). acks=0 sends no response; as in Kafka, an error then closes the
// connection so the client notices. acks=-1 refuses partitions whose ISR is below
// min.insync.replicas and, on a replicated partition, waits (up to the request's timeout) until
// every in-sync replica has the records; NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below
// the minimum meanwhile, NOT_LEADER_OR_FOLLOWER if leadership moved.
// Transactional produce is a later issue: it is refused with TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
// Every append is queued before the handler first waits: the connection starts the next Produce
// then (network/connection.ts), and the records keep request order only because of this.
import { errorCode, KafkaError, type KafkaErrorName } from "../protocol/errors.js";
import { produceRequestMeta, readProduceRequest, type PartitionProduceData } from "../protocol/generated/produce-request.gen.js";
import {
  writeProduceResponse,
  type PartitionProduceResponse,
  type ProduceResponse,
} from "../protocol/generated/produce-response.gen.js";
import { isInternalTopic } from "../metadata/topic-names.js";
import { defineHandler, NO_RESPONSE, type RequestContext } from "./handler.js";
import { AclOperation, authorizedNameTest, ResourceType } from "../security/authorizer/request-authorization.js";

function partitionError(index: number, error: KafkaErrorName, message: string | null = null): PartitionProduceResponse {
  return {
    index,
    errorCode: errorCode(error),
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage: message,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  };
}

/**
 * acks=all on a replicated partition: the answer waits until every in-sync replica has the
 * records (the high watermark passes them), as long as this node still leads in the same epoch —
 * otherwise the offset may hold other records now and the client must retry elsewhere.
 */
async function awaitInSyncReplicas(
  topicName: string,
  partition: number,
  leaderEpoch: number,
  end: bigint,
  timeoutMs: number,
  ctx: RequestContext,
): Promise<"NONE" | "REQUEST_TIMED_OUT" | "NOT_LEADER_OR_FOLLOWER" | "NOT_ENOUGH_REPLICAS_AFTER_APPEND"> {
  const { broker } = ctx;
  const log = broker.logs.getLog(topicName, partition);
  if (!log) return "NOT_LEADER_OR_FOLLOWER";
  const reached = await log.awaitHighWatermark(end, timeoutMs);
  const now = broker.metadata.topic(topicName)?.partitions[partition];
  if (!now || now.leader !== broker.nodeId || now.leaderEpoch !== leaderEpoch) return "NOT_LEADER_OR_FOLLOWER";
  if (!reached) return "REQUEST_TIMED_OUT";
  // The ISR shrank below min.insync.replicas while we waited: fewer copies than promised.
  if (now.isr.length < log.config.minInsyncReplicas) return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
  return "NONE";
}

async function producePartition(
  topicName: string,
  data: PartitionProduceData,
  acks: number,
  timeoutMs: number,
  ctx: RequestContext,
): Promise<PartitionProduceResponse> {
  const { broker } = ctx;
  const topic = broker.metadata.topic(topicName);
  const partition = topic?.partitions[data.index];
  if (!topic || !partition) return partitionError(data.index, "UNKNOWN_TOPIC_OR_PARTITION");
  if (isInternalTopic(topicName)) {
    return partitionError(data.index, "INVALID_TOPIC_EXCEPTION", `Cannot append to internal topic ${topicName}`);
  }
  if (partition.leader !== broker.nodeId) return partitionError(data.index, "NOT_LEADER_OR_FOLLOWER");
  const log = broker.logs.getLog(topicName, data.index);
  if (!log) return partitionError(data.index, "NOT_LEADER_OR_FOLLOWER");
  if (data.records === null || data.records.length === 0) {
    return partitionError(data.index, "INVALID_RECORD", "Produce request has no records");
  }
  if (acks === -1 && partition.isr.length < log.config.minInsyncReplicas) {
    return partitionError(
      data.index,
      "NOT_ENOUGH_REPLICAS",
      `The size of the current ISR ${partition.isr.length} is insufficient to satisfy the min.isr requirement of ${log.config.minInsyncReplicas}`,
    );
  }
  const result = await log.append(data.records, {
    leaderEpoch: partition.leaderEpoch,
    origin: "client",
    maxMessageBytes: log.config.maxMessageBytes,
  });
  if ("error" in result) {
    ctx.log.debug({ topic: topicName, partition: data.index, error: result.error, reason: result.message }, "produce rejected");
    return partitionError(data.index, result.error, result.message);
  }
  if (acks === -1 && partition.replicas.length > 1) {
    const replicated = await awaitInSyncReplicas(topicName, data.index, partition.leaderEpoch, result.lastOffset + 1n, timeoutMs, ctx);
    if (replicated !== "NONE") return partitionError(data.index, replicated);
  }
  return {
    index: data.index,
    errorCode: 0,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTimeMs,
    logStartOffset: result.logStartOffset,
    recordErrors: [],
    errorMessage: null,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  };
}

export const produceHandler = defineHandler({
  meta: produceRequestMeta,
  minVersion: 3,
  maxVersion: 11,
  readRequest: readProduceRequest,
  writeResponse: writeProduceResponse,
  async handle(request, ctx): Promise<ProduceResponse | typeof NO_RESPONSE> {
    const { acks } = request;
    const respond = (partitionFor: (topic: string, data: PartitionProduceData) => Promise<PartitionProduceResponse>) =>
      Promise.all(
        request.topicData.map(async (t) => ({
          name: t.name,
          partitionResponses: await Promise.all(t.partitionData.map((p) => partitionFor(t.name, p))),
        })),
      );
    let responses;
    if (acks !== 0 && acks !== 1 && acks !== -1) {
      responses = await respond(async (_, p) => partitionError(p.index, "INVALID_REQUIRED_ACKS"));
    } else if (request.transactionalId !== null) {
      responses = await respond(async (_, p) =>
        partitionError(p.index, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", "transactions are not supported yet"),
      );
    } else {
      // WRITE on each topic, checked before the topic is looked up (an unknown topic is not revealed).
      const writable = authorizedNameTest(ctx, AclOperation.WRITE, ResourceType.TOPIC, request.topicData.map((t) => t.name));
      responses = await respond((topic, p) =>
        writable(topic) ? producePartition(topic, p, acks, request.timeoutMs, ctx) : Promise.resolve(partitionError(p.index, "TOPIC_AUTHORIZATION_FAILED")),
      );
    }
    if (acks === 0) {
      const failed = responses.some((t) => t.partitionResponses.some((p) => p.errorCode !== 0));
      if (failed) throw new KafkaError("UNKNOWN_SERVER_ERROR", "acks=0 produce failed: closing the connection as Kafka does");
      return NO_RESPONSE;
    }
    return { responses, throttleTimeMs: 0, nodeEndpoints: [] };
  },
});
