// The topics a consumer group subscribes to, with ids and partition counts: the group persists
// this (ConsumerGroupPartitionMetadata) and bumps its epoch whenever it changes, which is how a
// created topic or added partitions reach the assignment.
import type { Uuid } from "../../../protocol/primitives.js";
import type { GroupTopics } from "../group-topics.js";

export interface TopicMetadata {
  readonly topicId: Uuid;
  readonly name: string;
  readonly numPartitions: number;
}

export type SubscriptionMetadata = ReadonlyMap<string, TopicMetadata>;

/** The metadata of the subscribed topics that exist, by name. */
export function subscriptionMetadataOf(names: Iterable<string>, topics: GroupTopics): Map<string, TopicMetadata> {
  const out = new Map<string, TopicMetadata>();
  for (const name of names) {
    const t = topics.byName(name);
    if (t && t.numPartitions > 0) out.set(name, { topicId: t.topicId, name, numPartitions: t.numPartitions });
  }
  return out;
}

export function subscriptionMetadataEqual(a: SubscriptionMetadata, b: SubscriptionMetadata): boolean {
  if (a.size !== b.size) return false;
  for (const [name, t] of a) {
    const o = b.get(name);
    if (!o || o.topicId !== t.topicId || o.numPartitions !== t.numPartitions) return false;
  }
  return true;
}
