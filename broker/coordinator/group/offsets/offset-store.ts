// Committed offsets by group, topic and partition: what OffsetFetch answers. Entries change only
// once their record is durable, so a fetch never returns an offset the log might not have.
// Writes still in flight are counted, so expiry and deletion never race a commit they cannot see.

export interface CommittedOffset {
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
  /** Set only by OffsetCommit v2–v4 with an explicit retention time. */
  readonly expireTimestampMs: number | null;
}

type TopicOffsets = Map<number, CommittedOffset>;

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, TopicOffsets>>();
  private readonly inFlight = new Map<string, Map<string, { topic: string; partition: number; count: number }>>();

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(groupId)?.get(topic)?.get(partition);
  }

  put(groupId: string, topic: string, partition: number, offset: CommittedOffset): void {
    let topics = this.byGroup.get(groupId);
    if (!topics) this.byGroup.set(groupId, (topics = new Map()));
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, offset);
  }

  delete(groupId: string, topic: string, partition: number): void {
    const topics = this.byGroup.get(groupId);
    const partitions = topics?.get(topic);
    if (!topics || !partitions) return;
    partitions.delete(partition);
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.byGroup.delete(groupId);
  }

  /** Forgets every offset of the group (its partition was unloaded); writes in flight finish on their own. */
  dropGroup(groupId: string): void {
    this.byGroup.delete(groupId);
  }

  /** Takes over every offset of `loaded` (a partition's offsets, loaded on their own). */
  absorb(loaded: OffsetStore): void {
    for (const [groupId, topics] of loaded.byGroup) {
      for (const [topic, partitions] of topics) for (const [partition, offset] of partitions) this.put(groupId, topic, partition, offset);
    }
  }

  /** The group's offsets by topic; empty when it has none. */
  offsets(groupId: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.byGroup.get(groupId) ?? new Map();
  }

  hasOffsets(groupId: string): boolean {
    return this.byGroup.has(groupId);
  }

  groupIds(): string[] {
    return [...this.byGroup.keys()];
  }

  /** Marks a write of this partition's offset as in flight until `endWrite`. */
  beginWrite(groupId: string, topic: string, partition: number): void {
    let keys = this.inFlight.get(groupId);
    if (!keys) this.inFlight.set(groupId, (keys = new Map()));
    const key = `${partition}:${topic}`;
    const entry = keys.get(key);
    if (entry) entry.count++;
    else keys.set(key, { topic, partition, count: 1 });
  }

  endWrite(groupId: string, topic: string, partition: number): void {
    const keys = this.inFlight.get(groupId);
    const key = `${partition}:${topic}`;
    const entry = keys?.get(key);
    if (!keys || !entry) return;
    if (--entry.count === 0) keys.delete(key);
    if (keys.size === 0) this.inFlight.delete(groupId);
  }

  hasWriteInFlight(groupId: string, topic: string, partition: number): boolean {
    return this.inFlight.get(groupId)?.has(`${partition}:${topic}`) ?? false;
  }

  /** Partitions of the group with a write in flight (they may not be in `offsets` yet). */
  writesInFlight(groupId: string): { topic: string; partition: number }[] {
    return [...(this.inFlight.get(groupId)?.values() ?? [])].map(({ topic, partition }) => ({ topic, partition }));
  }
}
