// Start-up: replays every __consumer_offsets partition from its start. The last record of a key
// wins and tombstones delete, so the replay rebuilds groups and offsets as they were written.
import type { Logger } from "pino";
import { classicGroupFromRecord } from "./classic/classic-records.js";
import type { CoordinatorLog } from "./coordinator-log.js";
import { replayConsumerGroupRecord } from "./consumer/consumer-replay.js";
import type { GroupRegistry } from "./group-registry.js";
import type { OffsetManager } from "./offsets/offset-manager.js";
import type { CoordinatorRecord } from "./records/coordinator-record.js";
import { decodeCoordinatorRecord } from "./records/record-codec.js";

export interface GroupLoaderContext {
  readonly log: CoordinatorLog;
  readonly registry: GroupRegistry;
  readonly offsets: OffsetManager;
  readonly logger: Logger;
  readonly now: () => number;
}

export function replayRecord(ctx: GroupLoaderContext, record: CoordinatorRecord): void {
  switch (record.kind) {
    case "offsetCommit":
      ctx.offsets.replay(record);
      return;
    case "groupMetadata": {
      const existing = ctx.registry.get(record.groupId);
      if (record.value) {
        if (existing?.type === "consumer" && !existing.isEmpty()) throw new Error(`classic group record for non-empty consumer group ${record.groupId}`);
        existing?.markDead();
        ctx.registry.set(classicGroupFromRecord(record.groupId, record.value, ctx.now));
      } else if (existing?.type === "classic") {
        existing.markDead();
        ctx.registry.delete(record.groupId);
      }
      return;
    }
    default:
      replayConsumerGroupRecord(ctx.registry, record);
  }
}

/** Loads one partition; records that cannot be decoded or applied are logged and skipped. */
export async function loadPartition(ctx: GroupLoaderContext, partition: number): Promise<number> {
  let count = 0;
  for await (const { offset, key, value } of ctx.log.readAll(partition)) {
    if (key === null) continue;
    try {
      const record = decodeCoordinatorRecord(key, value);
      if (!record) continue;
      replayRecord(ctx, record);
      count++;
    } catch (err) {
      ctx.logger.warn({ partition, offset, err: String(err) }, "skipping __consumer_offsets record that cannot be loaded");
    }
  }
  return count;
}
