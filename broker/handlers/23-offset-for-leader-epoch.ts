// OffsetForLeaderEpoch: v2–v4 (v0–v1 were dropped in Kafka 4; librdkafka 2.x sends v2, Java and
// franz-go v4). Consumers use it after a leader change to detect log truncation (KIP-320),
// followers to find where their log diverges (KIP-101/279).
// For each partition: the largest epoch ≤ the requested one and the offset where it ends (the
// start of the next epoch, or the log end for the latest); -1/-1 when the log knows no such
// epoch. v2+ fences on the current leader epoch. Only the leader answers, for consumers and
// followers alike (Kafka's fetchOnlyFromLeader = true here); v3+ carries the replica id, unused.
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { offsetForLeaderEpochRequestMeta, readOffsetForLeaderEpochRequest } from "../protocol/generated/offset-for-leader-epoch-request.gen.js";
import {
  writeOffsetForLeaderEpochResponse,
  type EpochEndOffset,
  type OffsetForLeaderEpochResponse,
} from "../protocol/generated/offset-for-leader-epoch-response.gen.js";
import { defineHandler } from "./handler.js";
import { localPartition } from "./local-partition.js";
import { AclOperation, authorize, authorizeCluster, ResourceType } from "../security/authorizer/request-authorization.js";

function epochEndOffset(partition: number, error: KafkaErrorName, leaderEpoch = -1, endOffset = -1n): EpochEndOffset {
  return { errorCode: errorCode(error), partition, leaderEpoch, endOffset };
}

export const offsetForLeaderEpochHandler = defineHandler({
  meta: offsetForLeaderEpochRequestMeta,
  minVersion: 2,
  maxVersion: 4,
  readRequest: readOffsetForLeaderEpochRequest,
  writeResponse: writeOffsetForLeaderEpochResponse,
  handle(request, ctx): OffsetForLeaderEpochResponse {
    // A follower (replicaId >= 0, v3+) needs CLUSTER_ACTION; a client DESCRIBE on each topic.
    const fromReplica = ctx.apiVersion >= 3 && request.replicaId >= 0;
    const clusterAction = fromReplica && authorizeCluster(ctx, AclOperation.CLUSTER_ACTION);
    const allowed = (topic: string) => (fromReplica ? clusterAction : authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic));
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: !allowed(t.topic) ? t.partitions.map((p) => epochEndOffset(p.partition, "TOPIC_AUTHORIZATION_FAILED")) : t.partitions.map((p) => {
          const local = localPartition(ctx.broker, t.topic, p.partition, p.currentLeaderEpoch);
          if (!local.ok) return epochEndOffset(p.partition, local.error);
          const { epoch, endOffset } = local.log.endOffsetForEpoch(p.leaderEpoch);
          return epochEndOffset(p.partition, "NONE", epoch, endOffset);
        }),
      })),
    };
  },
});
