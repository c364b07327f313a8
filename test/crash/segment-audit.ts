// Audits the segment files of every partition under a log dir, reading the bytes directly (not
// through the broker): every batch is a magic-2 batch whose CRC-32C verifies, offsets run on
// without gaps or overlaps within and across segments, each segment is named after its first
// offset, and no file holds bytes after its last complete batch (recovery must cut a torn tail).
// Run it while the broker is idle: a write in progress would look like a torn tail.
import fs from "node:fs";
import path from "node:path";
import { CURRENT_MAGIC, batchViews } from "../../broker/protocol/records.js";

const SEGMENT_FILE = /^(\d{20})\.log$/;
const PARTITION_DIR = /^.+-\d+$/;

export interface SegmentAudit {
  partitions: number;
  segments: number;
  batches: number;
  problems: string[];
}

export function auditLogDir(logDir: string): SegmentAudit {
  const audit: SegmentAudit = { partitions: 0, segments: 0, batches: 0, problems: [] };
  for (const entry of fs.readdirSync(logDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !PARTITION_DIR.test(entry.name)) continue;
    const dir = path.join(logDir, entry.name);
    const segmentFiles = fs.readdirSync(dir).filter((n) => SEGMENT_FILE.test(n)).sort();
    if (segmentFiles.length === 0) continue;
    audit.partitions++;
    auditPartition(dir, segmentFiles, audit);
  }
  return audit;
}

function auditPartition(dir: string, segmentFiles: string[], audit: SegmentAudit): void {
  let expected: number | undefined;
  for (const name of segmentFiles) {
    const file = path.join(dir, name);
    const baseOffset = Number(SEGMENT_FILE.exec(name)![1]);
    expected ??= baseOffset;
    if (baseOffset !== expected) audit.problems.push(`${file}: segment named ${baseOffset}, but the previous one ends at ${expected}`);
    const bytes = fs.readFileSync(file);
    let end = 0;
    for (const batch of batchViews(bytes)) {
      const where = `${file} position ${batch.pos}`;
      const base = Number(batch.baseOffset);
      if (batch.magic !== CURRENT_MAGIC) audit.problems.push(`${where}: magic ${batch.magic}`);
      if (!batch.isCrcValid()) {
        audit.problems.push(`${where} (offset ${base}): CRC 0x${batch.crc.toString(16)} stored, 0x${batch.computeCrc().toString(16)} computed`);
      }
      if (base !== expected) audit.problems.push(`${where}: batch at offset ${base}, expected ${expected}`);
      if (batch.recordCount !== batch.lastOffsetDelta + 1) {
        audit.problems.push(`${where}: ${batch.recordCount} records for last offset delta ${batch.lastOffsetDelta}`);
      }
      expected = Number(batch.lastOffset) + 1;
      end = batch.pos + batch.size;
      audit.batches++;
    }
    if (end !== bytes.length) audit.problems.push(`${file}: ${bytes.length - end} bytes after the last complete batch (at ${end})`);
    audit.segments++;
  }
}
