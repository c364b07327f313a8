// Which committed offsets have expired (Kafka 2.1+, KIP-211): offsets of a topic the group is still
// subscribed to never expire; otherwise an offset expires offsets.retention.ms after a base time
// that depends on the group (see each group's `offsetExpiryBase`), or at its explicit expire time.
import type { CommittedOffset } from "./offset-store.js";

export interface OffsetExpiryPolicy {
  /** The time retention counts from, or null when this group's offsets cannot expire now. */
  readonly baseTimestamp: ((offset: CommittedOffset) => number) | null;
  isSubscribedToTopic(topic: string): boolean;
}

export function isOffsetExpired(offset: CommittedOffset, base: number, nowMs: number, retentionMs: number): boolean {
  if (offset.expireTimestampMs !== null) return nowMs >= offset.expireTimestampMs;
  return nowMs - base >= retentionMs;
}

/** The expired offsets of one group. */
export function expiredOffsets(
  offsets: ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>>,
  policy: OffsetExpiryPolicy,
  nowMs: number,
  retentionMs: number,
): { topic: string; partition: number }[] {
  const baseOf = policy.baseTimestamp;
  if (!baseOf) return [];
  const expired: { topic: string; partition: number }[] = [];
  for (const [topic, partitions] of offsets) {
    if (policy.isSubscribedToTopic(topic)) continue;
    for (const [partition, offset] of partitions) {
      if (isOffsetExpired(offset, baseOf(offset), nowMs, retentionMs)) expired.push({ topic, partition });
    }
  }
  return expired;
}
