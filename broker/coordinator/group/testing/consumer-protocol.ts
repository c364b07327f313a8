// Encodes the "consumer" protocol's subscription and assignment as Java clients send them.
import { writeConsumerProtocolAssignment } from "../../../protocol/generated/consumer-protocol-assignment.gen.js";
import { writeConsumerProtocolSubscription } from "../../../protocol/generated/consumer-protocol-subscription.gen.js";
import { Writer } from "../../../protocol/primitives.js";

export function subscription(topics: string[], version = 1): Buffer {
  const w = new Writer();
  w.int16(version);
  writeConsumerProtocolSubscription(w, version, { topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null });
  return Buffer.from(w.finish());
}

export function assignment(partitions: Record<string, number[]>): Buffer {
  const w = new Writer();
  w.int16(1);
  writeConsumerProtocolAssignment(w, 1, {
    assignedPartitions: Object.entries(partitions).map(([topic, ps]) => ({ topic, partitions: ps })),
    userData: null,
  });
  return Buffer.from(w.finish());
}
