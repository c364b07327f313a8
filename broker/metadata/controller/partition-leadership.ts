// The controller's partition decisions as pure functions of the image (Kafka's
// ReplicationControlManager and PartitionChangeBuilder): which PartitionChangeRecords follow when a
// broker is fenced or comes back, and whether a leader's AlterPartition (ISR change) is valid.
// Unclean election is off: a leader is only ever chosen from the ISR.
import type { KafkaErrorName } from "../../protocol/errors.js";
import type { Uuid } from "../../protocol/primitives.js";
import type { MetadataImage, PartitionState } from "../metadata-image.js";
import type { MetadataRecord } from "../metadata-records.js";

export const NO_LEADER = -1;
/** PartitionChangeRecord's "leader unchanged". */
const LEADER_UNCHANGED = -2;

/** What a PartitionChangeRecord changes; absent fields stay as they are. */
export interface PartitionChangeFields {
  leader?: number;
  isr?: number[];
  replicas?: number[];
  addingReplicas?: number[];
  removingReplicas?: number[];
}

export function change(topicId: Uuid, partitionId: number, fields: PartitionChangeFields): MetadataRecord {
  return {
    type: "partitionChange",
    record: {
      partitionId,
      topicId,
      isr: fields.isr ?? null,
      leader: fields.leader ?? LEADER_UNCHANGED,
      replicas: fields.replicas ?? null,
      removingReplicas: fields.removingReplicas ?? null,
      addingReplicas: fields.addingReplicas ?? null,
      leaderRecoveryState: -1,
      directories: null,
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  };
}

export function usable(image: MetadataImage, brokerId: number): boolean {
  const b = image.brokers.get(brokerId);
  return b !== undefined && !b.fenced && !b.inControlledShutdown;
}

/** The first replica (in replica order, so the preferred leader wins) that is in the ISR and usable. */
export function electLeader(p: PartitionState, isr: readonly number[], image: MetadataImage, excluding = NO_LEADER): number {
  return p.replicas.find((r) => r !== excluding && isr.includes(r) && usable(image, r)) ?? NO_LEADER;
}

/**
 * A broker leaves (fenced, or shutting down): it drops out of every ISR — unless it is the last
 * member, which stays so that no committed record is forgotten — and every partition it led gets
 * a new leader from the rest of the ISR, or none (offline) when nobody is left.
 */
export function brokerLeavingChanges(image: MetadataImage, brokerId: number): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const topic of image.topicsById.values()) {
    for (const p of topic.partitions) {
      if (!p.isr.includes(brokerId) && p.leader !== brokerId) continue;
      const isr = p.isr.length > 1 ? p.isr.filter((r) => r !== brokerId) : p.isr;
      const fields: { leader?: number; isr?: number[] } = {};
      if (isr.length !== p.isr.length) fields.isr = isr;
      if (p.leader === brokerId) fields.leader = electLeader(p, isr, image, brokerId);
      if (fields.isr !== undefined || (fields.leader !== undefined && fields.leader !== p.leader)) records.push(change(topic.topicId, p.partition, fields));
    }
  }
  return records;
}

/** A broker is back (unfenced): partitions left without a leader that it can lead get it. */
export function brokerReturningChanges(image: MetadataImage, brokerId: number): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const topic of image.topicsById.values()) {
    for (const p of topic.partitions) {
      if (p.leader === NO_LEADER && p.isr.includes(brokerId)) records.push(change(topic.topicId, p.partition, { leader: brokerId }));
    }
  }
  return records;
}

export interface IsrChangeRequest {
  brokerId: number;
  topicId: Uuid;
  partition: number;
  leaderEpoch: number;
  partitionEpoch: number;
  newIsr: number[];
}

export type IsrChangeResult = { ok: true; record: MetadataRecord | null } | { ok: false; error: KafkaErrorName };

/** Checks a leader's ISR change against the image, as Kafka's controller does for AlterPartition. */
export function isrChange(image: MetadataImage, req: IsrChangeRequest): IsrChangeResult {
  const topic = image.topicsById.get(req.topicId);
  const p = topic?.partitions[req.partition];
  if (!topic || !p) return { ok: false, error: "UNKNOWN_TOPIC_OR_PARTITION" };
  if (req.leaderEpoch < p.leaderEpoch) return { ok: false, error: "FENCED_LEADER_EPOCH" };
  if (req.leaderEpoch > p.leaderEpoch || p.leader !== req.brokerId) return { ok: false, error: "NOT_LEADER_OR_FOLLOWER" };
  if (req.partitionEpoch !== p.partitionEpoch) return { ok: false, error: "INVALID_UPDATE_VERSION" };
  if (!req.newIsr.includes(p.leader)) return { ok: false, error: "INVALID_REQUEST" };
  for (const id of req.newIsr) {
    // Only replicas that are up may join (a fenced one would count towards acks=all unseen).
    if (!p.replicas.includes(id) || (!p.isr.includes(id) && !usable(image, id))) return { ok: false, error: "INELIGIBLE_REPLICA" };
  }
  const same = req.newIsr.length === p.isr.length && req.newIsr.every((id) => p.isr.includes(id));
  return { ok: true, record: same ? null : change(topic.topicId, p.partition, { isr: [...req.newIsr] }) };
}

export const ElectionType = { preferred: 0, unclean: 1 } as const;

export type ElectionResult = { error: KafkaErrorName; record: MetadataRecord | null };

/**
 * ElectLeaders for one partition. Preferred: the first replica takes over if it is in the ISR and
 * up (ELECTION_NOT_NEEDED if it leads already). Unclean: only for a partition without a leader —
 * an ISR member if any is up, otherwise any live replica (records only it had may be lost: the
 * caller asked for that).
 */
export function election(image: MetadataImage, topicId: Uuid, partition: number, type: number): ElectionResult {
  const p = image.topicsById.get(topicId)?.partitions[partition];
  if (!p) return { error: "UNKNOWN_TOPIC_OR_PARTITION", record: null };
  if (type === ElectionType.preferred) {
    const preferred = p.replicas[0]!;
    if (p.leader === preferred) return { error: "ELECTION_NOT_NEEDED", record: null };
    if (!p.isr.includes(preferred) || !usable(image, preferred)) return { error: "PREFERRED_LEADER_NOT_AVAILABLE", record: null };
    return { error: "NONE", record: change(topicId, partition, { leader: preferred }) };
  }
  if (p.leader !== NO_LEADER) return { error: "ELECTION_NOT_NEEDED", record: null };
  const clean = electLeader(p, p.isr, image);
  if (clean !== NO_LEADER) return { error: "NONE", record: change(topicId, partition, { leader: clean }) };
  const unclean = p.replicas.find((r) => usable(image, r));
  if (unclean === undefined) return { error: "ELIGIBLE_LEADERS_NOT_AVAILABLE", record: null };
  return { error: "NONE", record: change(topicId, partition, { leader: unclean, isr: [unclean] }) };
}

/**
 * Unclean elections where a topic allows them (unclean.leader.election.enable): every partition
 * without a leader whose in-sync replicas are all gone gets the first live replica as leader and
 * sole ISR member — records only the lost ISR had are gone; the topic's owner chose availability.
 */
export function uncleanElectionChanges(image: MetadataImage, allowed: (topicName: string) => boolean): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const topic of image.topicsById.values()) {
    if (!allowed(topic.name)) continue;
    for (const p of topic.partitions) {
      if (p.leader !== NO_LEADER || electLeader(p, p.isr, image) !== NO_LEADER) continue;
      const r = election(image, topic.topicId, p.partition, ElectionType.unclean);
      if (r.record) records.push(r.record);
    }
  }
  return records;
}

/**
 * Automatic leader rebalancing (auto.leader.rebalance.enable): for each broker whose share of
 * partitions it should lead (as preferred replica) but does not exceeds the tolerated
 * percentage, move those leaderships back where they can go.
 */
export function rebalanceChanges(image: MetadataImage, imbalancePercentage: number): MetadataRecord[] {
  const byPreferred = new Map<number, { topicId: Uuid; partition: number; misplaced: boolean }[]>();
  for (const topic of image.topicsById.values()) {
    for (const p of topic.partitions) {
      const preferred = p.replicas[0];
      if (preferred === undefined) continue;
      if (!byPreferred.has(preferred)) byPreferred.set(preferred, []);
      byPreferred.get(preferred)!.push({ topicId: topic.topicId, partition: p.partition, misplaced: p.leader !== preferred });
    }
  }
  const records: MetadataRecord[] = [];
  for (const [broker, partitions] of byPreferred) {
    if (!usable(image, broker)) continue;
    const misplaced = partitions.filter((x) => x.misplaced);
    if (misplaced.length * 100 <= imbalancePercentage * partitions.length) continue;
    for (const x of misplaced) {
      const r = election(image, x.topicId, x.partition, ElectionType.preferred);
      if (r.record) records.push(r.record);
    }
  }
  return records;
}
