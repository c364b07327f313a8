// The "range" assignor, server side: for each topic, its subscribers (ordered by member id) get
// contiguous ranges of partitions — the first `partitions % subscribers` members one more — so
// members with the same subscriptions get the same partition numbers of co-partitioned topics.
// Sticky: a member first keeps the partitions it already had, up to its share.
import type { Uuid } from "../../../../protocol/primitives.js";
import type { Assignment } from "../assignment.js";
import { byMemberId, subscribedTopicsByName, type GroupSpec, type ServerAssignor } from "./assignor.js";

export class RangeAssignor implements ServerAssignor {
  readonly name = "range";

  assign(spec: GroupSpec): Map<string, Assignment> {
    const members = [...spec.members].sort(byMemberId);
    const result = new Map<string, Map<Uuid, Set<number>>>(members.map((m) => [m.memberId, new Map()]));

    for (const topic of subscribedTopicsByName(spec)) {
      const subscribers = members.filter((m) => m.subscribedTopicIds.has(topic.topicId));
      const n = topic.numPartitions;
      const minQuota = Math.floor(n / subscribers.length);
      let extras = n % subscribers.length;
      const taken = new Set<number>();
      const kept = subscribers.map((m) => {
        const previous = [...(m.currentAssignment.get(topic.topicId) ?? [])].filter((p) => p < n).sort((a, b) => a - b);
        return { memberId: m.memberId, previous, partitions: [] as number[], quota: minQuota };
      });
      // Keep previous partitions up to the minimum share, then one more for members that had more.
      for (const k of kept) {
        for (const p of k.previous) {
          if (k.partitions.length >= minQuota) break;
          if (taken.has(p)) continue;
          k.partitions.push(p);
          taken.add(p);
        }
      }
      for (const k of kept) {
        if (extras === 0) break;
        const more = k.previous.find((p) => !taken.has(p));
        if (more !== undefined && k.partitions.length === minQuota) {
          k.partitions.push(more);
          taken.add(more);
          k.quota++;
          extras--;
        }
      }
      for (const k of kept) {
        if (extras === 0) break;
        if (k.quota === minQuota) {
          k.quota++;
          extras--;
        }
      }
      let next = 0;
      for (const k of kept) {
        while (k.partitions.length < k.quota) {
          while (taken.has(next)) next++;
          k.partitions.push(next);
          taken.add(next);
        }
      }
      for (const k of kept) {
        if (k.partitions.length > 0) result.get(k.memberId)!.set(topic.topicId, new Set(k.partitions));
      }
    }
    return result;
  }
}
