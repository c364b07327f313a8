// Removing a broker is refused while it still holds partition replicas (moving them away is a
// later issue): ask the cluster itself, through the operator's admin client. A cluster that
// cannot be asked refuses too — never delete a broker on a guess.
import type { AdminClient } from "../../../broker/client/index.js";

export type ReplicaCounter = Pick<AdminClient, "listTopics" | "describeTopics">;

/** Replicas per node id among brokerIds (only those with at least one). */
export async function replicasHeldBy(admin: ReplicaCounter, brokerIds: readonly number[]): Promise<Map<number, number>> {
  const wanted = new Set(brokerIds);
  const held = new Map<number, number>();
  const topics = await admin.listTopics({ includeInternal: true });
  if (topics.length === 0) return held;
  for (const t of await admin.describeTopics(topics)) {
    for (const p of t.partitions) {
      for (const r of p.replicas) if (wanted.has(r)) held.set(r, (held.get(r) ?? 0) + 1);
    }
  }
  return held;
}

export type ScaleDownVerdict = { allowed: true } | { allowed: false; message: string };

export async function checkBrokerRemoval(admin: () => Promise<ReplicaCounter>, brokerIds: readonly number[]): Promise<ScaleDownVerdict> {
  if (brokerIds.length === 0) return { allowed: true };
  let held: Map<number, number>;
  try {
    held = await replicasHeldBy(await admin(), brokerIds);
  } catch (e) {
    return { allowed: false, message: `cannot ask the cluster whether brokers ${brokerIds.join(", ")} hold partition replicas (${(e as Error).message}); not removing them` };
  }
  if (held.size === 0) return { allowed: true };
  const list = [...held].map(([id, n]) => `broker ${id} holds ${n} replica${n === 1 ? "" : "s"}`).join(", ");
  return { allowed: false, message: `scale-down refused: ${list}; move the partitions away first (kafka-reassign-partitions), then the brokers are removed` };
}
