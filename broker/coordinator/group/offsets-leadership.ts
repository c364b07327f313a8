// Where the partitions of __consumer_offsets are led: a group's coordinator is the leader of its
// partition (Kafka's design). The broker implements this over its metadata image and creates the
// topic through the controller; without it (one node, tests) this node leads every partition.

export interface OffsetsTopicLeadership {
  /** This broker's node id. */
  readonly localNodeId: number;
  /** Whether __consumer_offsets exists yet. */
  exists(): boolean;
  /** The node leading partition p now; null while it has no leader (or the topic does not exist). */
  leaderOf(partition: number): number | null;
  /**
   * Creates __consumer_offsets through the controller, as Kafka does on the first FindCoordinator
   * for a group; resolves once it exists, rejects with why not (e.g. fewer registered brokers than
   * offsets.topic.replication.factor). Bounded: a caller never waits long.
   */
  create(): Promise<void>;
}

/** Which broker coordinates a group, as FindCoordinator answers it. */
export type CoordinatorLocation =
  | { readonly kind: "local" }
  | { readonly kind: "remote"; readonly nodeId: number }
  /** No leader now, the topic cannot be created yet, or this coordinator is shut down: COORDINATOR_NOT_AVAILABLE. */
  | { readonly kind: "unavailable"; readonly reason: string };
