// Which segments retention deletes: a prefix of the log, chosen like Kafka's UnifiedLog
// (retention.ms, then retention.bytes, then anything wholly below the log start offset), never
// a segment holding data above the high watermark and never an empty active segment.
import { type LogConfig, isDeletePolicy } from "./log-config.js";

export interface RetentionSegment {
  size: number;
  largestTimestamp: number;
  /** The next segment's base offset, or the log end for the active segment. */
  upperBoundOffset: number;
  isActive: boolean;
}

export interface RetentionInput {
  segments: readonly RetentionSegment[];
  config: LogConfig;
  nowMs: number;
  logStartOffset: number;
  highWatermark: number;
}

export type RetentionReason = "retention.ms" | "retention.bytes" | "log-start-offset";

export interface RetentionDecision {
  /** How many segments, from the oldest, to delete. */
  count: number;
  reasons: RetentionReason[];
}

export function segmentsToDelete(input: RetentionInput): RetentionDecision {
  const { segments, config, nowMs } = input;
  const reasons: RetentionReason[] = [];
  const deletable = (s: RetentionSegment) => s.upperBoundOffset <= input.highWatermark && !(s.isActive && s.size === 0);
  let i = 0;
  if (isDeletePolicy(config)) {
    if (config.retentionMs >= 0) {
      while (i < segments.length && deletable(segments[i]!) && nowMs - segments[i]!.largestTimestamp > config.retentionMs) {
        reasons.push("retention.ms");
        i++;
      }
    }
    if (config.retentionBytes >= 0) {
      let diff = -config.retentionBytes;
      for (let j = i; j < segments.length; j++) diff += segments[j]!.size;
      while (i < segments.length && deletable(segments[i]!) && diff - segments[i]!.size >= 0) {
        diff -= segments[i]!.size;
        reasons.push("retention.bytes");
        i++;
      }
    }
  }
  while (i < segments.length && !segments[i]!.isActive && deletable(segments[i]!) && segments[i]!.upperBoundOffset <= input.logStartOffset) {
    reasons.push("log-start-offset");
    i++;
  }
  return { count: i, reasons };
}
