// The one line `npm run fuzz` prints: key=value fields, easy to grep and to paste into a report.
import type { FuzzResult } from "./fuzz-run.js";

export function summaryLine(r: FuzzResult): string {
  const t = r.traffic;
  const seconds = r.elapsedMs / 1000;
  const errors = (r.log.byLevel.error ?? 0) + (r.log.byLevel.fatal ?? 0) + (r.log.byLevel.unparsed ?? 0);
  return [
    `fuzz ${r.ok ? "PASS" : "FAIL"}`,
    `seed=${r.seed}`,
    `frames=${t.sent}`,
    `answered=${t.answered}`,
    `closed_by_broker=${t.closedByBroker}`,
    `stalled=${t.stalled}`,
    `connections=${t.connections}`,
    `skipped_partition_heavy=${r.skippedPartitionHeavy}`,
    `elapsed_s=${seconds.toFixed(1)}`,
    `frames_per_s=${Math.round(t.sent / seconds)}`,
    `MB_sent=${(t.bytesSent / 1e6).toFixed(1)}`,
    `liveness_checks=${r.livenessChecks}`,
    `max_liveness_ms=${r.maxLivenessMs}`,
    `peak_rss_MB=${Math.round(r.peakRssBytes / 2 ** 20)}`,
    `broker_log_lines=${r.log.lines}`,
    `broker_warn=${r.log.byLevel.warn ?? 0}`,
    `broker_errors=${errors}`,
    `log_MB=${(r.log.bytes / 1e6).toFixed(1)}`,
    `longest_log_line=${r.log.longestLine}`,
    `known_data=${!r.dataVerified ? "unverified" : r.dataProblem === null ? "intact" : "DAMAGED"}`,
  ].join(" ");
}
