// The coordinator's view of topics: names, ids and partition counts. KIP-848 assignment works on
// topic ids; offset commits check that a partition exists. Kept as a small interface so the
// coordinator does not depend on how the broker stores metadata.
import type { Uuid } from "../../protocol/primitives.js";

export interface TopicInfo {
  readonly name: string;
  readonly topicId: Uuid;
  readonly numPartitions: number;
}

export interface GroupTopics {
  byName(name: string): TopicInfo | undefined;
  byId(topicId: Uuid): TopicInfo | undefined;
  all(): Iterable<TopicInfo>;
}

/** The shape of the broker's metadata image this adapter reads (structural, to keep imports one-way). */
export interface TopicImageLike {
  readonly name: string;
  readonly topicId: Uuid;
  readonly partitions: readonly unknown[];
}

/** Topics as the broker's metadata image holds them (MetadataStore.image). */
export function topicsFromImage(image: {
  readonly topicsByName: ReadonlyMap<string, TopicImageLike>;
  readonly topicsById: ReadonlyMap<Uuid, TopicImageLike>;
}): GroupTopics {
  const info = (t: TopicImageLike | undefined): TopicInfo | undefined =>
    t && { name: t.name, topicId: t.topicId, numPartitions: t.partitions.length };
  return {
    byName: (name) => info(image.topicsByName.get(name)),
    byId: (id) => info(image.topicsById.get(id)),
    *all() {
      for (const t of image.topicsByName.values()) yield info(t)!;
    },
  };
}

/** Kafka's internal topics, which a subscription regex never matches. */
export function isInternalTopic(name: string): boolean {
  return name === "__consumer_offsets" || name === "__transaction_state" || name === "__share_group_state";
}
