// Partition reassignment (KIP-455) as pure decisions of the active controller, after Kafka's
// ReplicationControlManager and PartitionReassignmentReplicas. A reassignment to target replicas
// T of a partition whose replicas were O lists T then O−T as replicas, with T−O adding and O−T
// removing; the adding replicas fetch like any follower and the leader takes them into the ISR.
// Once the ISR holds all of T, the reassignment completes in one change: replicas become T, the
// removing ones leave the ISR and, if the leader was one of them, a target replica in the ISR
// leads. A cancellation returns to O. Nothing here ever shrinks the ISR to nobody.
import type { KafkaErrorName } from "../../protocol/errors.js";
import type { Uuid } from "../../protocol/primitives.js";
import type { MetadataImage, PartitionState } from "../metadata-image.js";
import type { MetadataRecord } from "../metadata-records.js";
import { change, NO_LEADER, usable, type PartitionChangeFields } from "./partition-leadership.js";

export type ReassignmentResult = { error: "NONE"; record: MetadataRecord | null } | { error: KafkaErrorName; message: string; record: null };

/** The partition's layout a change would leave (the fields a reassignment touches). */
interface Layout {
  replicas: number[];
  isr: number[];
  addingReplicas: number[];
  removingReplicas: number[];
  leader: number;
}

const without = (list: readonly number[], drop: readonly number[]) => list.filter((id) => !drop.includes(id));
const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function reassignmentInProgress(p: PartitionState): boolean {
  return p.addingReplicas.length > 0 || p.removingReplicas.length > 0;
}

/** The replicas a partition had before its ongoing reassignment (its replicas when there is none). */
export function originalReplicas(p: PartitionState): number[] {
  return without(p.replicas, p.addingReplicas);
}

/**
 * AlterPartitionReassignments for one partition: `target` starts (or replaces) a reassignment,
 * null cancels the ongoing one. Completes at once when the ISR already holds every target replica.
 */
export function reassignment(image: MetadataImage, topicId: Uuid, partition: number, target: readonly number[] | null): ReassignmentResult {
  const p = image.topicsById.get(topicId)?.partitions[partition];
  if (!p) return { error: "UNKNOWN_TOPIC_OR_PARTITION", message: "The partition does not exist.", record: null };
  if (target === null) return cancellation(topicId, p, image);
  const problem = invalidTarget(image, target);
  if (problem) return { error: "INVALID_REPLICA_ASSIGNMENT", message: problem, record: null };
  // A new target replaces an ongoing reassignment: it is measured against the original replicas,
  // so replicas the earlier one was adding and this one does not want are simply dropped.
  const original = originalReplicas(p);
  const removing = without(original, target);
  const replicas = [...target, ...removing];
  const started: Layout = {
    replicas,
    isr: p.isr.filter((id) => replicas.includes(id)),
    addingReplicas: without(target, original),
    removingReplicas: removing,
    leader: p.leader,
  };
  if (started.isr.length === 0) {
    return { error: "INVALID_REPLICA_ASSIGNMENT", message: "The reassignment would leave the partition without an in-sync replica.", record: null };
  }
  return { error: "NONE", record: changeTo(topicId, p, completed(started, image) ?? started) };
}

/**
 * The change that completes an ongoing reassignment once `isr` (the ISR a leader just asked for,
 * or the current one) holds every target replica; null while it does not, or with none ongoing.
 * Its `isr` is always set.
 */
export function reassignmentCompletion(p: PartitionState, isr: readonly number[], image: MetadataImage): PartitionChangeFields | null {
  if (!reassignmentInProgress(p)) return null;
  const layout = completed({ replicas: p.replicas, isr: [...isr], addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas, leader: p.leader }, image);
  // The ISR always goes with it: it replaces the one the caller was about to record.
  return layout ? { ...diff(p, layout), isr: layout.isr } : null;
}

/** Every partition whose reassignment is in progress, for ListPartitionReassignments. */
export function ongoingReassignments(image: MetadataImage): { topic: string; partition: PartitionState }[] {
  const ongoing: { topic: string; partition: PartitionState }[] = [];
  for (const t of image.topicsByName.values()) for (const p of t.partitions) if (reassignmentInProgress(p)) ongoing.push({ topic: t.name, partition: p });
  return ongoing;
}

/** Kafka's checks of a manual assignment, with its messages. */
function invalidTarget(image: MetadataImage, target: readonly number[]): string | null {
  if (target.length === 0) return "The manual partition assignment includes an empty replica list.";
  const seen = new Set<number>();
  for (const id of target) {
    if (seen.has(id)) return `The manual partition assignment includes the broker ${id} more than once.`;
    seen.add(id);
    if (!image.brokers.has(id)) return `The manual partition assignment includes broker ${id}, but no such broker is registered.`;
  }
  return null;
}

function cancellation(topicId: Uuid, p: PartitionState, image: MetadataImage): ReassignmentResult {
  if (!reassignmentInProgress(p)) return { error: "NO_REASSIGNMENT_IN_PROGRESS", message: "No reassignment is in progress for this partition.", record: null };
  const replicas = originalReplicas(p);
  const isr = p.isr.filter((id) => replicas.includes(id));
  if (isr.length === 0) {
    return { error: "INVALID_REPLICA_ASSIGNMENT", message: "Unable to revert the partition assignment because it would require an unclean leader election.", record: null };
  }
  const leader = replicas.includes(p.leader) && isr.includes(p.leader) ? p.leader : firstUsable(replicas, isr, image);
  return { error: "NONE", record: changeTo(topicId, p, { replicas, isr, addingReplicas: [], removingReplicas: [], leader }) };
}

/** The completed layout, if `layout`'s ISR holds every target replica and someone can lead. */
function completed(layout: Layout, image: MetadataImage): Layout | null {
  if (layout.addingReplicas.length === 0 && layout.removingReplicas.length === 0) return null;
  const target = without(layout.replicas, layout.removingReplicas);
  if (!target.every((id) => layout.isr.includes(id))) return null;
  const isr = layout.isr.filter((id) => target.includes(id));
  let leader = layout.leader;
  if (!target.includes(leader)) {
    leader = firstUsable(target, isr, image);
    // Nobody in the target can take over yet: stay as we are rather than go leaderless.
    if (leader === NO_LEADER) return null;
  }
  return { replicas: target, isr, addingReplicas: [], removingReplicas: [], leader };
}

function firstUsable(order: readonly number[], isr: readonly number[], image: MetadataImage): number {
  return order.find((id) => isr.includes(id) && usable(image, id)) ?? NO_LEADER;
}

/** The fields of `layout` that differ from the partition now. */
function diff(p: PartitionState, layout: Layout): PartitionChangeFields {
  const fields: PartitionChangeFields = {};
  if (!sameList(layout.replicas, p.replicas)) fields.replicas = layout.replicas;
  if (!sameList(layout.isr, p.isr)) fields.isr = layout.isr;
  if (!sameList(layout.addingReplicas, p.addingReplicas)) fields.addingReplicas = layout.addingReplicas;
  if (!sameList(layout.removingReplicas, p.removingReplicas)) fields.removingReplicas = layout.removingReplicas;
  if (layout.leader !== p.leader) fields.leader = layout.leader;
  return fields;
}

function changeTo(topicId: Uuid, p: PartitionState, layout: Layout): MetadataRecord | null {
  const fields = diff(p, layout);
  return Object.keys(fields).length === 0 ? null : change(topicId, p.partition, fields);
}
