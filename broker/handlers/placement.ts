// Replica placement checks for CreateTopics and CreatePartitions, with the messages of KRaft's
// StripedReplicaPlacer and ReplicationControlManager.validateManualPartitionAssignment, against
// the registered, unfenced brokers (the placer itself: metadata/controller/replica-placer.ts).

/** Why `replicationFactor` replicas cannot be placed on `brokers`, or null when they can. */
export function replicationFactorError(replicationFactor: number, brokers: readonly number[]): string | null {
  const reason =
    replicationFactor <= 0
      ? `Invalid replication factor ${replicationFactor}: the replication factor must be positive.`
      : replicationFactor > brokers.length
        ? `The target replication factor of ${replicationFactor} cannot be reached because only ${brokers.length} broker(s) are registered.`
        : null;
  return reason === null ? null : `Unable to replicate the partition ${replicationFactor} time(s): ${reason}`;
}

/**
 * Why a manual replica list is invalid, or null: it must be non-empty, name only registered
 * brokers, each once, and (when given) match the replication factor of the other partitions.
 */
export function manualAssignmentError(replicas: readonly number[], replicationFactor: number | null, brokers: readonly number[]): string | null {
  if (replicas.length === 0) return "The manual partition assignment includes an empty replica list.";
  const sorted = [...replicas].sort((a, b) => a - b);
  let previous: number | null = null;
  for (const id of sorted) {
    if (!brokers.includes(id)) {
      return `The manual partition assignment includes broker ${id}, but no such broker is registered.`;
    }
    if (id === previous) return `The manual partition assignment includes the broker ${previous} more than once.`;
    previous = id;
  }
  if (replicationFactor !== null && sorted.length !== replicationFactor) {
    return (
      `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not ` +
      `consistent with previous partitions, which have ${replicationFactor} replica(s).`
    );
  }
  return null;
}
