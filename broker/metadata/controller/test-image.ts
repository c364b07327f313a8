// Test fixture: a metadata image with some brokers and one topic, built through records as the
// real image is.
import type { Uuid } from "../../protocol/primitives.js";
import { MetadataImage } from "../metadata-image.js";

export const TEST_TOPIC_ID = "AAAAAAAAAAAAAAAAAAAABw" as Uuid;

export interface TestPartition {
  replicas: number[];
  isr: number[];
  leader: number;
  addingReplicas?: number[];
  removingReplicas?: number[];
}

/** Brokers (unfenced unless in `fenced`) and topic "t" with these partitions. */
export function testImage(partitions: TestPartition[], opts: { fenced?: number[]; brokers?: number[] } = {}): MetadataImage {
  const img = new MetadataImage();
  for (const id of opts.brokers ?? [1, 2, 3]) {
    img.apply({
      type: "registerBroker",
      record: {
        brokerId: id,
        isMigratingZkBroker: false,
        incarnationId: TEST_TOPIC_ID,
        brokerEpoch: BigInt(id),
        endPoints: [],
        features: [],
        rack: null,
        fenced: opts.fenced?.includes(id) ?? false,
        inControlledShutdown: false,
        logDirs: [],
      },
    });
  }
  img.apply({ type: "topic", record: { name: "t", topicId: TEST_TOPIC_ID } });
  partitions.forEach((p, partitionId) =>
    img.apply({
      type: "partition",
      record: {
        partitionId,
        topicId: TEST_TOPIC_ID,
        replicas: p.replicas,
        isr: p.isr,
        removingReplicas: p.removingReplicas ?? [],
        addingReplicas: p.addingReplicas ?? [],
        leader: p.leader,
        leaderRecoveryState: 0,
        leaderEpoch: 0,
        partitionEpoch: 0,
        directories: [],
        eligibleLeaderReplicas: null,
        lastKnownElr: null,
      },
    }),
  );
  return img;
}
