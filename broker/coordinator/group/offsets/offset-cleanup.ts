// The periodic offsets clean-up (offsets.retention.check.interval.ms): expired offsets are
// deleted, and a group left empty with no offsets at all is deleted too, as Kafka does.
import type { Logger } from "pino";
import type { GroupAdmin } from "../group-admin.js";
import type { GroupRegistry } from "../group-registry.js";
import type { CoordinatorRecord } from "../records/coordinator-record.js";
import { expiredOffsets } from "./offset-expiry.js";
import type { OffsetManager } from "./offset-manager.js";
import type { OffsetStore } from "./offset-store.js";

export interface OffsetCleanupContext {
  readonly registry: GroupRegistry;
  readonly store: OffsetStore;
  readonly offsets: OffsetManager;
  readonly admin: GroupAdmin;
  readonly retentionMs: number;
  readonly now: () => number;
  readonly log: Logger;
}

export async function cleanupGroupMetadata(ctx: OffsetCleanupContext): Promise<void> {
  const now = ctx.now();
  const writes: Promise<unknown>[] = [];
  let expiredCount = 0;
  let deletedGroups = 0;
  for (const group of [...ctx.registry.all()]) {
    if (group.isDead()) continue;
    const offsets = ctx.store.offsets(group.groupId);
    const expired = expiredOffsets(offsets, group.offsetExpiryPolicy(), now, ctx.retentionMs).filter(
      (k) => !ctx.store.hasWriteInFlight(group.groupId, k.topic, k.partition),
    );
    let total = 0;
    for (const partitions of offsets.values()) total += partitions.size;
    const allGone = expired.length === total && ctx.store.writesInFlight(group.groupId).length === 0;
    let records: CoordinatorRecord[] = expired.map((k) => ({ kind: "offsetCommit", groupId: group.groupId, topic: k.topic, partition: k.partition, value: null }));
    if (allGone && group.isEmpty()) {
      records = ctx.admin.detach(group);
      deletedGroups++;
    }
    expiredCount += expired.length;
    if (records.length > 0) writes.push(ctx.offsets.write(group.groupId, records));
  }
  await Promise.all(writes);
  if (expiredCount > 0 || deletedGroups > 0) ctx.log.info({ expiredOffsets: expiredCount, deletedGroups }, "removed expired offsets and empty groups");
}
