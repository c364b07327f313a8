// Which __consumer_offsets partition holds a group: Kafka's formula, so a group lands on the same
// partition as it would in Apache Kafka (and, later, on the broker leading that partition).

/** Java's String.hashCode over UTF-16 code units, with 32-bit wrap-around. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's `Utils.abs(groupId.hashCode) % partitions`; Utils.abs maps Integer.MIN_VALUE to 0. */
export function partitionFor(groupId: string, numPartitions: number): number {
  const h = javaStringHashCode(groupId);
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % numPartitions;
}
