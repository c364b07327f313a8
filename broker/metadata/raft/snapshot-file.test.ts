import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { RecordBatchView, batchViews } from "../../protocol/records.js";
import { buildSnapshot, loadSnapshots, parseSnapshotFileName, readSnapshot, snapshotFileName, writeSnapshotFile } from "./snapshot-file.js";

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

const values = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`value-${i}`));

describe("snapshot files", () => {
  it("are named <20-digit end offset>-<10-digit epoch>.checkpoint, as Kafka names them", () => {
    const id = { offset: 1234n, epoch: 7 };
    expect(snapshotFileName(id)).toBe("00000000000000001234-0000000007.checkpoint");
    expect(parseSnapshotFileName(snapshotFileName(id))).toEqual(id);
    expect(parseSnapshotFileName("00000000000000001234-0000000007.checkpoint.part")).toBeUndefined();
  });

  it("hold a header control batch, data batches from offset 1 and a footer, all in the snapshot's epoch", () => {
    const bytes = buildSnapshot({ offset: 2000n, epoch: 5 }, values(1200), 99n, 1000);
    const batches = [...batchViews(bytes)].map((v) => new RecordBatchView(bytes, v.pos));
    expect(batches.map((b) => [b.baseOffset, b.isControl, b.partitionLeaderEpoch])).toEqual([
      [0n, true, 5],
      [1n, false, 5],
      [501n, false, 5],
      [1001n, false, 5],
      [1201n, true, 5],
    ]);
    const read = readSnapshot(bytes);
    expect(read.lastContainedLogTimestamp).toBe(99n);
    expect(read.values).toEqual(values(1200));
  });

  it("are written atomically and read back; partial and corrupt ones are deleted with a reason", () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-snap-"));
    const good = { id: { offset: 10n, epoch: 1 }, bytes: buildSnapshot({ offset: 10n, epoch: 1 }, values(3), 1n, 0) };
    writeSnapshotFile(dir, good);
    expect(readdirSync(dir)).toEqual([snapshotFileName(good.id)]);

    // A crash mid-write leaves a .part; a torn copy lacks its footer; a flipped byte breaks a CRC.
    writeFileSync(join(dir, "00000000000000000020-0000000001.checkpoint.part"), good.bytes.subarray(0, 30));
    const torn = buildSnapshot({ offset: 30n, epoch: 1 }, values(3), 1n, 0);
    const footerStart = [...batchViews(torn)].at(-1)!.pos;
    writeFileSync(join(dir, snapshotFileName({ offset: 30n, epoch: 1 })), torn.subarray(0, footerStart));
    const corrupt = Buffer.from(buildSnapshot({ offset: 40n, epoch: 2 }, values(3), 1n, 0));
    corrupt[corrupt.length - 1]! ^= 0xff;
    writeFileSync(join(dir, snapshotFileName({ offset: 40n, epoch: 2 })), corrupt);

    const { logger, lines } = capturingLogger();
    const loaded = loadSnapshots(dir, logger);
    expect(loaded.map((s) => s.id)).toEqual([good.id]);
    expect(loaded[0]!.bytes.equals(readFileSync(join(dir, snapshotFileName(good.id))))).toBe(true);
    expect(readdirSync(dir)).toEqual([snapshotFileName(good.id)]);
    const warnings = lines.filter((l) => l.level === 40).map((l) => [l.msg, l.snapshotOffset, l.reason]);
    expect(warnings).toEqual(
      expect.arrayContaining([
        ["metadata snapshot: deleting a partial snapshot left by a crash", undefined, undefined],
        ["metadata snapshot: deleting an invalid snapshot", 30, "no SnapshotFooterRecord at the end (a partial snapshot?)"],
        ["metadata snapshot: deleting an invalid snapshot", 40, expect.stringMatching(/CRC mismatch/)],
      ]),
    );
    expect(existsSync(join(dir, snapshotFileName({ offset: 40n, epoch: 2 })))).toBe(false);
  });
});
