// The "uniform" assignor (Kafka's default): spreads all subscribed partitions as evenly as the
// subscriptions allow, and is sticky — a partition stays with its previous owner unless balance
// requires moving it. Works for different subscriptions across members (it only ever gives a
// member partitions of topics it subscribes to).
//
// How: keep every previous assignment that is still valid; hand each unassigned partition to the
// eligible member with the fewest; then, while some member has at least two more partitions
// than an eligible other, move one. Each move lowers the sum of squared counts, so it ends; with
// identical subscriptions it ends balanced to within one partition.
import type { Uuid } from "../../../../protocol/primitives.js";
import type { Assignment } from "../assignment.js";
import { byMemberId, subscribedTopicsByName, type AssignmentMemberSpec, type GroupSpec, type ServerAssignor } from "./assignor.js";

interface Holder {
  readonly spec: AssignmentMemberSpec;
  readonly partitions: Map<Uuid, Set<number>>;
  count: number;
}

export class UniformAssignor implements ServerAssignor {
  readonly name = "uniform";

  assign(spec: GroupSpec): Map<string, Assignment> {
    const holders = [...spec.members].sort(byMemberId).map((m): Holder => ({ spec: m, partitions: new Map(), count: 0 }));
    const owner = new Map<string, Holder>();
    const eligible = (h: Holder, topicId: Uuid) => h.spec.subscribedTopicIds.has(topicId) && spec.topics.has(topicId);
    const give = (h: Holder, topicId: Uuid, p: number) => {
      let set = h.partitions.get(topicId);
      if (!set) h.partitions.set(topicId, (set = new Set()));
      set.add(p);
      h.count++;
      owner.set(`${topicId}:${p}`, h);
    };
    const take = (h: Holder, topicId: Uuid, p: number) => {
      h.partitions.get(topicId)!.delete(p);
      h.count--;
      owner.delete(`${topicId}:${p}`);
    };

    for (const h of holders) {
      for (const [topicId, partitions] of h.spec.currentAssignment) {
        if (!eligible(h, topicId)) continue;
        const n = spec.topics.get(topicId)!.numPartitions;
        for (const p of [...partitions].sort((a, b) => a - b)) if (p < n && !owner.has(`${topicId}:${p}`)) give(h, topicId, p);
      }
    }

    for (const topic of subscribedTopicsByName(spec)) {
      for (let p = 0; p < topic.numPartitions; p++) {
        if (owner.has(`${topic.topicId}:${p}`)) continue;
        let best: Holder | undefined;
        for (const h of holders) if (eligible(h, topic.topicId) && (!best || h.count < best.count)) best = h;
        if (best) give(best, topic.topicId, p);
      }
    }

    for (;;) {
      const move = findMove(holders, eligible);
      if (!move) break;
      take(move.from, move.topicId, move.partition);
      give(move.to, move.topicId, move.partition);
    }

    return new Map(holders.map((h) => [h.spec.memberId, h.partitions]));
  }
}

/** A partition of the fullest possible member that a member with at least two fewer can take. */
function findMove(
  holders: readonly Holder[],
  eligible: (h: Holder, topicId: Uuid) => boolean,
): { from: Holder; to: Holder; topicId: Uuid; partition: number } | undefined {
  const byCountDesc = [...holders].sort((a, b) => b.count - a.count);
  for (const from of byCountDesc) {
    const topics = [...from.partitions.keys()].sort().reverse();
    for (const topicId of topics) {
      const partitions = [...from.partitions.get(topicId)!].sort((a, b) => b - a);
      if (partitions.length === 0) continue;
      let to: Holder | undefined;
      for (const h of holders) {
        if (h !== from && h.count <= from.count - 2 && eligible(h, topicId) && (!to || h.count < to.count)) to = h;
      }
      if (to) return { from, to, topicId, partition: partitions[0]! };
    }
  }
  return undefined;
}
