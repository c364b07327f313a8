// Finding the local log of a partition for requests that only its leader may answer (ListOffsets,
// OffsetForLeaderEpoch, DeleteRecords), with Kafka's checks in Kafka's order
// (ReplicaManager.getPartitionOrError, then Partition.getLocalLog): unknown partition, no local
// replica, offline log, the client's current leader epoch, then leadership.
import type { KafkaErrorName } from "../protocol/errors.js";
import type { PartitionState, TopicImage } from "../metadata/metadata-image.js";
import type { PartitionLog } from "../storage/index.js";
import type { BrokerServices } from "../broker-services.js";

/** A request's "no epoch given" value (RecordBatch.NO_PARTITION_LEADER_EPOCH). */
export const NO_LEADER_EPOCH = -1;

export type LocalPartition =
  | { ok: true; topic: TopicImage; state: PartitionState; log: PartitionLog }
  | { ok: false; error: KafkaErrorName };

export function localPartition(
  broker: BrokerServices,
  topicName: string,
  partition: number,
  currentLeaderEpoch: number,
  requireLeader = true,
): LocalPartition {
  const topic = broker.metadata.topic(topicName);
  const state = topic?.partitions[partition];
  if (!topic || !state) return { ok: false, error: "UNKNOWN_TOPIC_OR_PARTITION" };
  const log = broker.logs.getLog(topicName, partition);
  // The topic exists but this node holds no replica: the client must refresh its metadata.
  if (!log) return { ok: false, error: "NOT_LEADER_OR_FOLLOWER" };
  if (log.offline) return { ok: false, error: "KAFKA_STORAGE_ERROR" };
  const epochError = leaderEpochError(currentLeaderEpoch, state.leaderEpoch);
  if (epochError) return { ok: false, error: epochError };
  if (requireLeader && state.leader !== broker.nodeId) return { ok: false, error: "NOT_LEADER_OR_FOLLOWER" };
  return { ok: true, topic, state, log };
}

/** KIP-320 fencing: an older epoch than ours is fenced; a newer one means our metadata lags. */
export function leaderEpochError(requested: number, current: number): "FENCED_LEADER_EPOCH" | "UNKNOWN_LEADER_EPOCH" | null {
  if (requested === NO_LEADER_EPOCH) return null;
  if (requested < current) return "FENCED_LEADER_EPOCH";
  if (requested > current) return "UNKNOWN_LEADER_EPOCH";
  return null;
}
