// Kafka's file names inside a partition directory.
import path from "node:path";

export const LOG_SUFFIX = ".log";
export const INDEX_SUFFIX = ".index";
export const TIME_INDEX_SUFFIX = ".timeindex";
export const TXN_INDEX_SUFFIX = ".txnindex";
export const SNAPSHOT_SUFFIX = ".snapshot";
export const DELETED_SUFFIX = ".deleted";
export const CLEANED_SUFFIX = ".cleaned";
export const SWAP_SUFFIX = ".swap";
export const TMP_SUFFIX = ".tmp";

export const LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint";
export const PARTITION_METADATA = "partition.metadata";
export const CLEAN_SHUTDOWN_MARKER = ".kafka_cleanshutdown";
export const RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
export const LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
export const CLEANER_OFFSET_CHECKPOINT = "cleaner-offset-checkpoint";
/** Each partition's high watermark, so a restart does not take uncommitted records for committed. */
export const REPLICATION_OFFSET_CHECKPOINT = "replication-offset-checkpoint";
export const DELETE_DIR_SUFFIX = "-delete";
/**
 * The metadata quorum's log (KRaft's __cluster_metadata-0). It may sit in a topic log dir, as in
 * Kafka, but belongs to the quorum, which opens it itself; the log manager leaves it alone.
 */
export const METADATA_TOPIC = "__cluster_metadata";

/** 20-digit zero-padded offset, as Kafka names segments and snapshots. */
export function offsetFileName(offset: number, suffix: string): string {
  return String(offset).padStart(20, "0") + suffix;
}

export function segmentPath(dir: string, baseOffset: number, suffix: string): string {
  return path.join(dir, offsetFileName(baseOffset, suffix));
}

/** Parses "00000000000000001234.log" (with any extra suffix such as ".swap") → 1234. */
export function parseOffsetFileName(name: string): number | undefined {
  const m = /^(\d{20})\./.exec(name);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}
