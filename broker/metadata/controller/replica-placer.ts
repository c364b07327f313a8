// Where new partitions' replicas go (after Kafka's rack-aware assignment): the usable brokers are
// arranged so that consecutive entries alternate racks (a1, b1, c1, a2, b2, c2, …); partition p
// takes RF consecutive entries starting at (start + p). So each partition's replicas span as
// many racks as RF allows, and leaders (first replicas) rotate evenly over brokers and racks.
// `start` is random per topic in use (as Kafka's is), fixed in tests.

export interface PlacementBroker {
  readonly id: number;
  readonly rack: string | null;
}

/** Brokers ordered so that neighbours are on different racks (racks and brokers by id). */
export function rackAlternated(brokers: readonly PlacementBroker[]): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of [...brokers].sort((x, y) => x.id - y.id)) {
    const rack = b.rack ?? "";
    if (!byRack.has(rack)) byRack.set(rack, []);
    byRack.get(rack)!.push(b.id);
  }
  const racks = [...byRack.keys()].sort();
  const out: number[] = [];
  for (let i = 0; out.length < brokers.length; i++) {
    for (const rack of racks) {
      const id = byRack.get(rack)![i];
      if (id !== undefined) out.push(id);
    }
  }
  return out;
}

/**
 * Replica lists for partitions [firstPartition, firstPartition + count), RF each; the caller has
 * checked 1 ≤ replicationFactor ≤ brokers.length.
 */
export function placeReplicas(
  count: number,
  replicationFactor: number,
  brokers: readonly PlacementBroker[],
  start: number,
  firstPartition = 0,
): number[][] {
  if (replicationFactor < 1 || replicationFactor > brokers.length) {
    throw new Error(`cannot place ${replicationFactor} replica(s) on ${brokers.length} broker(s)`);
  }
  const arranged = rackAlternated(brokers);
  const n = arranged.length;
  const out: number[][] = [];
  for (let p = firstPartition; p < firstPartition + count; p++) {
    const first = (start + p) % n;
    out.push(Array.from({ length: replicationFactor }, (_, k) => arranged[(first + k) % n]!));
  }
  return out;
}
