// Offset commits, fetches and deletions, checked against the group (generation or member epoch)
// and made durable in __consumer_offsets before they are acknowledged or become visible.
import type { Logger } from "pino";
import { ClassicGroup } from "../classic/classic-group.js";
import type { GroupCoordinatorConfig } from "../group-config.js";
import { GroupError, groupErrorOf, writeFailureError, type GroupErrorName } from "../group-errors.js";
import type { AnyGroup, GroupRegistry } from "../group-registry.js";
import type { GroupTopics } from "../group-topics.js";
import type { RecordWriter } from "../record-writer.js";
import type { CoordinatorRecord } from "../records/coordinator-record.js";
import type { CommittedOffset, OffsetStore } from "./offset-store.js";
import type {
  FetchedOffset,
  OffsetCommitInput,
  OffsetDeleteInput,
  OffsetDeleteResult,
  OffsetFetchInput,
  OffsetFetchResult,
  PartitionErrors,
} from "./offset-types.js";

export interface OffsetContext {
  readonly config: GroupCoordinatorConfig;
  readonly registry: GroupRegistry;
  readonly store: OffsetStore;
  readonly writer: RecordWriter;
  readonly topics: GroupTopics;
  readonly log: Logger;
  readonly now: () => number;
}

type OffsetRecord = Extract<CoordinatorRecord, { kind: "offsetCommit" }>;

export class OffsetManager {
  constructor(private readonly ctx: OffsetContext) {}

  async commit(input: OffsetCommitInput): Promise<PartitionErrors> {
    const everyPartition = (error: GroupErrorName): PartitionErrors =>
      input.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, error })) }));
    let group = this.ctx.registry.get(input.groupId);
    try {
      if (!group) {
        if (input.generationIdOrMemberEpoch >= 0) {
          // v9+ says so plainly; older clients expect ILLEGAL_GENERATION and rejoin.
          throw new GroupError(input.apiVersion >= 9 ? "GROUP_ID_NOT_FOUND" : "ILLEGAL_GENERATION");
        }
        group = this.simpleGroup(input.groupId);
      }
      group.validateOffsetCommit(input.memberId, input.groupInstanceId, input.generationIdOrMemberEpoch, input.apiVersion);
    } catch (err) {
      return everyPartition(groupErrorOf(err));
    }

    const now = this.ctx.now();
    const expireTimestamp = input.retentionTimeMs >= 0n ? BigInt(now) + input.retentionTimeMs : -1n;
    const records: OffsetRecord[] = [];
    const result: PartitionErrors = input.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const topic = this.ctx.topics.byName(t.name);
        if (!topic || p.partitionIndex < 0 || p.partitionIndex >= topic.numPartitions) {
          return { partitionIndex: p.partitionIndex, error: "UNKNOWN_TOPIC_OR_PARTITION" as GroupErrorName };
        }
        const metadata = p.committedMetadata ?? "";
        if (metadata.length > this.ctx.config.offsetMetadataMaxBytes) {
          return { partitionIndex: p.partitionIndex, error: "OFFSET_METADATA_TOO_LARGE" as GroupErrorName };
        }
        records.push({
          kind: "offsetCommit",
          groupId: input.groupId,
          topic: t.name,
          partition: p.partitionIndex,
          value: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: BigInt(now), expireTimestamp },
        });
        return { partitionIndex: p.partitionIndex, error: "NONE" as GroupErrorName };
      }),
    }));
    if (records.length === 0) return result;

    const error = await this.write(input.groupId, records);
    if (error === "NONE") return result;
    return result.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => (p.error === "NONE" ? { ...p, error } : p)) }));
  }

  fetch(input: OffsetFetchInput): OffsetFetchResult {
    const group = this.ctx.registry.get(input.groupId);
    let known = group !== undefined;
    if (group) {
      try {
        group.validateOffsetFetch(input.memberId, input.memberEpoch);
      } catch (err) {
        const error = groupErrorOf(err);
        // A group that is gone has no offsets; that is not an error to the fetcher.
        if (error !== "GROUP_ID_NOT_FOUND") return { error, topics: [] };
        known = false;
      }
    }
    const offsets = known ? this.ctx.store.offsets(input.groupId) : new Map<string, ReadonlyMap<number, CommittedOffset>>();
    const fetched = (partitionIndex: number, o: CommittedOffset | undefined): FetchedOffset =>
      o
        ? { partitionIndex, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, error: "NONE" }
        : { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", error: "NONE" };
    if (input.topics === null) {
      return {
        error: "NONE",
        topics: [...offsets].map(([name, partitions]) => ({
          name,
          partitions: [...partitions.keys()].sort((a, b) => a - b).map((p) => fetched(p, partitions.get(p))),
        })),
      };
    }
    return {
      error: "NONE",
      topics: input.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => fetched(p, offsets.get(t.name)?.get(p))),
      })),
    };
  }

  async delete(input: OffsetDeleteInput): Promise<OffsetDeleteResult> {
    const group = this.ctx.registry.get(input.groupId);
    if (!group) return { error: "GROUP_ID_NOT_FOUND", topics: [] };
    try {
      group.validateOffsetDelete();
    } catch (err) {
      return { error: groupErrorOf(err), topics: [] };
    }
    const records: OffsetRecord[] = [];
    const topics: PartitionErrors = input.topics.map((t) => {
      const subscribed = group.isSubscribedToTopic(t.name);
      return {
        name: t.name,
        partitions: t.partitions.map((partitionIndex) => {
          if (subscribed) return { partitionIndex, error: "GROUP_SUBSCRIBED_TO_TOPIC" as GroupErrorName };
          const present = this.ctx.store.get(input.groupId, t.name, partitionIndex) || this.ctx.store.hasWriteInFlight(input.groupId, t.name, partitionIndex);
          if (present) records.push(tombstone(input.groupId, t.name, partitionIndex));
          return { partitionIndex, error: "NONE" as GroupErrorName };
        }),
      };
    });
    const error = await this.write(input.groupId, records);
    if (error !== "NONE") return { error, topics: [] };
    return { error: "NONE", topics };
  }

  /** Applies a durable (or replayed) offset record; an offset of an unknown group creates a "simple" group. */
  replay(record: OffsetRecord): void {
    const { groupId, topic, partition, value } = record;
    if (!value) {
      this.ctx.store.delete(groupId, topic, partition);
      return;
    }
    this.ctx.store.put(groupId, topic, partition, {
      offset: value.offset,
      leaderEpoch: value.leaderEpoch,
      metadata: value.metadata,
      commitTimestampMs: Number(value.commitTimestamp),
      expireTimestampMs: value.expireTimestamp >= 0n ? Number(value.expireTimestamp) : null,
    });
    if (!this.ctx.registry.get(groupId)) this.simpleGroup(groupId);
  }

  /** Tombstones for every offset of the group, including commits still in flight. */
  tombstonesFor(groupId: string): OffsetRecord[] {
    const keys = new Map<string, { topic: string; partition: number }>();
    for (const [topic, partitions] of this.ctx.store.offsets(groupId)) {
      for (const partition of partitions.keys()) keys.set(`${partition}:${topic}`, { topic, partition });
    }
    for (const k of this.ctx.store.writesInFlight(groupId)) keys.set(`${k.partition}:${k.topic}`, k);
    return [...keys.values()].map((k) => tombstone(groupId, k.topic, k.partition));
  }

  /**
   * Appends records; offset records take effect once committed, in log order. Answers NONE, or the
   * error for the client when the append failed (nothing changed then).
   */
  async write(groupId: string, records: readonly CoordinatorRecord[]): Promise<GroupErrorName> {
    const offsets = records.filter((r): r is OffsetRecord => r.kind === "offsetCommit");
    for (const r of offsets) this.ctx.store.beginWrite(r.groupId, r.topic, r.partition);
    try {
      await this.ctx.writer.append(groupId, records);
      for (const r of offsets) this.replay(r);
      return "NONE";
    } catch (err) {
      this.ctx.log.warn({ groupId, err: String(err) }, "failed to write offsets");
      return writeFailureError(err);
    } finally {
      for (const r of offsets) this.ctx.store.endWrite(r.groupId, r.topic, r.partition);
    }
  }

  /** A group that only stores offsets (no members, no protocol): what Kafka calls a simple group. */
  private simpleGroup(groupId: string): AnyGroup {
    const group = new ClassicGroup(groupId, this.ctx.now);
    this.ctx.registry.set(group);
    return group;
  }
}

function tombstone(groupId: string, topic: string, partition: number): OffsetRecord {
  return { kind: "offsetCommit", groupId, topic, partition, value: null };
}
