// Keeps the group coordinator's partitions in step with leadership of __consumer_offsets, level-
// based: after every metadata change (the TopicManager's reconcile pass, once the ReplicaManager has
// taken up its roles) every partition this node leads with a local log is elected in its current
// leader epoch, and every partition held in another epoch, or no longer led, is resigned. Kafka
// calls GroupCoordinator.onElection / onResignation from its metadata publisher the same way.
import type { Logger } from "pino";
import type { MetadataStore } from "../../metadata/metadata-store.js";
import type { LogManager } from "../../storage/index.js";
import type { GroupCoordinator } from "../group/group-coordinator.js";
import { OFFSETS_TOPIC } from "./offsets-topic.js";

export interface CoordinatorElectionsOptions {
  readonly nodeId: number;
  readonly metadata: MetadataStore;
  readonly logs: LogManager;
  readonly groups: GroupCoordinator;
  /** The partition count the coordinator maps groups with (partitionFor). */
  readonly partitionCount: number;
  readonly logger: Logger;
}

/** The partitions of __consumer_offsets this node leads with a local log, and their leader epochs. */
export function ledOffsetsPartitions(nodeId: number, metadata: MetadataStore, logs: LogManager): Map<number, number> {
  const led = new Map<number, number>();
  const topic = metadata.topic(OFFSETS_TOPIC);
  if (!topic) return led;
  for (const p of topic.partitions) {
    if (p.leader === nodeId && logs.getLog(OFFSETS_TOPIC, p.partition)) led.set(p.partition, p.leaderEpoch);
  }
  return led;
}

/**
 * Returns the function that brings the coordinator in line with the metadata (call it after each
 * reconcile pass, and once at start-up). Elections load in the background; the returned promise
 * of each call settles once the loads it started have finished.
 */
export function coordinatorElections(opts: CoordinatorElectionsOptions): () => Promise<void> {
  const { nodeId, metadata, logs, groups, logger } = opts;
  let warnedCount = false;
  return () => {
    const led = ledOffsetsPartitions(nodeId, metadata, logs);
    const actual = metadata.topic(OFFSETS_TOPIC)?.partitions.length;
    if (actual !== undefined && actual !== opts.partitionCount && !warnedCount) {
      // Groups are mapped with the count this broker started with (as Kafka does); a topic made by
      // a node configured otherwise maps some groups to partitions that do not exist.
      warnedCount = true;
      logger.warn({ topicPartitions: actual, coordinatorPartitions: opts.partitionCount }, "__consumer_offsets has another partition count than the group coordinator maps groups with; restart to pick it up");
    }
    for (const [partition, epoch] of groups.heldPartitions()) {
      if (led.get(partition) !== epoch) groups.onResignation(partition);
    }
    return Promise.all([...led].map(([partition, epoch]) => groups.onElection(partition, epoch))).then(() => undefined);
  };
}
