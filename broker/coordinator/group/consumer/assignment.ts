// Partitions by topic id — what KIP-848 assigns, owns, revokes and persists.
import type { Uuid } from "../../../protocol/primitives.js";

export type Assignment = ReadonlyMap<Uuid, ReadonlySet<number>>;

/** Topic id + partitions, the shape of the heartbeat API and of the coordinator records. */
export interface WireTopicPartitions {
  readonly topicId: Uuid;
  readonly partitions: readonly number[];
}

export const EMPTY_ASSIGNMENT: Assignment = new Map();

export function assignmentFromWire(list: readonly WireTopicPartitions[]): Assignment {
  const out = new Map<Uuid, Set<number>>();
  for (const { topicId, partitions } of list) {
    if (partitions.length === 0) continue;
    let set = out.get(topicId);
    if (!set) out.set(topicId, (set = new Set()));
    for (const p of partitions) set.add(p);
  }
  return out;
}

/** Sorted by topic id and partition, so equal assignments encode to equal bytes. */
export function assignmentToWire(a: Assignment): { topicId: Uuid; partitions: number[] }[] {
  return [...a.entries()]
    .filter(([, ps]) => ps.size > 0)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }));
}

export function assignmentsEqual(a: Assignment, b: Assignment): boolean {
  const nonEmpty = (m: Assignment) => [...m].filter(([, s]) => s.size > 0);
  const ea = nonEmpty(a);
  if (ea.length !== nonEmpty(b).length) return false;
  for (const [topicId, ps] of ea) {
    const other = b.get(topicId);
    if (!other || other.size !== ps.size) return false;
    for (const p of ps) if (!other.has(p)) return false;
  }
  return true;
}

export function hasPartition(a: Assignment, topicId: Uuid, partition: number): boolean {
  return a.get(topicId)?.has(partition) ?? false;
}

export function partitionCount(a: Assignment): number {
  let n = 0;
  for (const ps of a.values()) n += ps.size;
  return n;
}

/** Whether every owned partition is in `a` (null owned: unknown, so not a subset). */
export function ownedIsSubsetOf(owned: readonly WireTopicPartitions[] | null, a: Assignment): boolean {
  if (owned === null) return false;
  return owned.every(({ topicId, partitions }) => partitions.every((p) => hasPartition(a, topicId, p)));
}

/** Whether the member still reports owning any partition of `a` (unknown ownership counts as yes). */
export function ownsAnyOf(owned: readonly WireTopicPartitions[] | null, a: Assignment): boolean {
  if (owned === null) return true;
  return owned.some(({ topicId, partitions }) => partitions.some((p) => hasPartition(a, topicId, p)));
}

export function assignmentToString(a: Assignment): string {
  return assignmentToWire(a)
    .map((t) => `${t.topicId}-[${t.partitions.join(",")}]`)
    .join(" ");
}
