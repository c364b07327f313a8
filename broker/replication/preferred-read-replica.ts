// Follower fetching (KIP-392): with replica.selector.class set to Kafka's RackAwareReplicaSelector,
// a partition leader answers a consumer that names its rack (client.rack) with the replica it
// should read from instead: itself if it is in that rack, else the in-sync replica in that rack
// that holds the most of the log (and the consumer's fetch offset), else itself. Followers serve
// such reads up to their own high watermark.

export interface ReadReplicaCandidate {
  id: number;
  rack: string | null;
  /** Its log end as the leader last saw it: the consumer's fetch offset must not be past it. */
  logEnd: bigint;
}

/** The replica a consumer in `clientRack` should read from, or `leader.id` to stay. */
export function preferredReadReplica(clientRack: string, fetchOffset: bigint, leader: { id: number; rack: string | null }, inSyncFollowers: readonly ReadReplicaCandidate[]): number {
  if (clientRack === "" || leader.rack === clientRack) return leader.id;
  let best: ReadReplicaCandidate | undefined;
  for (const f of inSyncFollowers) {
    // (Its log start is not known here; followers keep the leader's, and one that does not answers
    // OFFSET_OUT_OF_RANGE, which sends the consumer back to the leader.)
    if (f.rack !== clientRack || fetchOffset > f.logEnd) continue;
    if (!best || f.logEnd > best.logEnd) best = f;
  }
  return best?.id ?? leader.id;
}
