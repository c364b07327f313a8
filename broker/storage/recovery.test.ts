import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BATCH } from "../protocol/records.js";
import type { PartitionLog } from "./partition-log.js";
import { StallingIo, batch, bulkBatch, clientAppend, openLog, readAll, removeDir, segmentFiles, tempDir } from "./test-support.js";

/** Appends `n` single-record batches "k<i>:v<i>". */
async function fill(log: PartitionLog, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    const r = await log.append(batch([`k${i}:v${i}`]), clientAppend);
    if ("error" in r) throw new Error(r.message);
  }
}

function activeLogFile(log: PartitionLog): string {
  return path.join(log.dir, segmentFiles(log).at(-1)!);
}

describe("recovery", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  it("truncates a torn tail after an unclean shutdown", async () => {
    const log = await openLog(dir);
    await fill(log, 5);
    await log.flush();
    const file = activeLogFile(log);
    log.closeAbruptly();
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 7);
    const again = await openLog(dir, {}, { cleanShutdown: false });
    expect(again.logEndOffset).toBe(4n);
    expect((await readAll(again)).map((e) => e.value)).toEqual(["v0", "v1", "v2", "v3"]);
    const r = await again.append(batch(["k9:v9"]), clientAppend);
    expect(r).toMatchObject({ baseOffset: 4n });
    await again.close();
    const third = await openLog(dir, {}, { cleanShutdown: true });
    expect((await readAll(third)).map((e) => e.value)).toEqual(["v0", "v1", "v2", "v3", "v9"]);
    await third.close();
  });

  it("truncates at a corrupt CRC and drops the later segments", async () => {
    const log = await openLog(dir, { segmentBytes: 400 });
    await fill(log, 12);
    await log.flush();
    const files = segmentFiles(log);
    expect(files.length).toBeGreaterThan(2);
    log.closeAbruptly();
    // Corrupt the second batch of the second segment.
    const second = path.join(log.dir, files[1]!);
    const data = fs.readFileSync(second);
    const firstSize = 12 + data.readInt32BE(BATCH.batchLength);
    data[firstSize + BATCH.records + 2] ^= 0xff;
    fs.writeFileSync(second, data);
    const again = await openLog(dir, { segmentBytes: 400 }, { recoveryPoint: 0n });
    const base = Number(files[1]!.slice(0, 20));
    expect(again.logEndOffset).toBe(BigInt(base + 1));
    expect(segmentFiles(again)).toEqual(files.slice(0, 2));
    expect((await readAll(again)).map((e) => e.offset)).toEqual(Array.from({ length: base + 1 }, (_, i) => i));
    await again.close();
  });

  // A roll creates the new segment file at once, while appends queued before it may still be on
  // their way to the old one. A crash then leaves a segment starting beyond the end of the data
  // before it; nothing at or after that gap was acknowledged (acks complete in append order).
  describe("a roll that raced a write the crash lost", () => {
    // Two small batches and one 218-byte batch fit in 400 bytes; the next 218 bytes roll.
    const config = { segmentBytes: 400 };

    async function crashWithLostWriteBeforeRoll(io: StallingIo, extra: Partial<typeof config> & { cleanupPolicy?: "compact" } = {}): Promise<PartitionLog> {
      const log = await openLog(dir, { ...config, ...extra }, { io });
      await fill(log, 2);
      io.stallNext(); // offset 2 never reaches the file
      void log.append(bulkBatch(1, 150), clientAppend);
      void log.append(bulkBatch(1, 150), clientAppend); // rolls: segment 3
      await new Promise((resolve) => setImmediate(resolve));
      expect(segmentFiles(log)).toEqual(["00000000000000000000.log", "00000000000000000003.log"]);
      log.closeAbruptly();
      return log;
    }

    it("drops the segment after the gap, so offsets stay contiguous", async () => {
      await crashWithLostWriteBeforeRoll(new StallingIo());
      const again = await openLog(dir, config, { cleanShutdown: false });
      expect(again.logEndOffset).toBe(2n);
      expect(segmentFiles(again)).toEqual(["00000000000000000000.log"]);
      expect(await again.append(batch(["k9:v9"]), clientAppend)).toMatchObject({ baseOffset: 2n });
      expect((await readAll(again)).map((e) => e.offset)).toEqual([0, 1, 2]);
      await again.close();
    });

    it("never writes to the new segment before the writes to the old one are done", async () => {
      // Compacted logs may have gaps between segments, so recovery cannot drop on a gap there:
      // the write order alone must keep the unacknowledged batch out of the new segment.
      const log = await crashWithLostWriteBeforeRoll(new StallingIo(), { cleanupPolicy: "compact" });
      expect(fs.statSync(path.join(log.dir, "00000000000000000003.log")).size).toBe(0);
    });
  });

  it("trusts the files when the clean-shutdown marker says so, and recovers otherwise", async () => {
    const log = await openLog(dir);
    await fill(log, 3);
    await log.close();
    // Corrupt a CRC in the active segment: a clean start does not scan, so it is not noticed.
    const file = activeLogFile(log);
    const data = fs.readFileSync(file);
    data[data.length - 2] ^= 0xff;
    fs.writeFileSync(file, data);
    const clean = await openLog(dir, {}, { cleanShutdown: true });
    expect(clean.logEndOffset).toBe(3n);
    clean.closeAbruptly();
    const unclean = await openLog(dir, {}, { cleanShutdown: false });
    expect(unclean.logEndOffset).toBe(2n);
    await unclean.close();
  });

  it("skips segments below the recovery point", async () => {
    const log = await openLog(dir, { segmentBytes: 400 });
    await fill(log, 12);
    await log.flush();
    const files = segmentFiles(log);
    const recoveryPoint = log.recoveryPoint;
    log.closeAbruptly();
    // Damage below the recovery point goes unnoticed (those segments were fsynced and are trusted).
    const first = path.join(log.dir, files[0]!);
    const data = fs.readFileSync(first);
    data[data.length - 2] ^= 0xff;
    fs.writeFileSync(first, data);
    const again = await openLog(dir, { segmentBytes: 400 }, { recoveryPoint: BigInt(files.at(-1)!.slice(0, 20)) });
    expect(recoveryPoint).toBe(12n);
    expect(again.logEndOffset).toBe(12n);
    expect(segmentFiles(again)).toEqual(files);
    await again.close();
  });

  it("rebuilds missing or broken indexes", async () => {
    const log = await openLog(dir, { segmentBytes: 3000, indexIntervalBytes: 100 });
    for (let i = 0; i < 20; i++) await log.append(bulkBatch(1, 150), clientAppend);
    await log.close();
    const files = segmentFiles(log, ".index");
    const original = files.map((f) => fs.readFileSync(path.join(log.dir, f)));
    fs.rmSync(path.join(log.dir, files[0]!));
    fs.writeFileSync(path.join(log.dir, files[1]!), Buffer.from([1, 2, 3]));
    const again = await openLog(dir, { segmentBytes: 3000, indexIntervalBytes: 100 }, { cleanShutdown: true });
    const all = await readAll(again);
    expect(all.map((e) => e.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let t = 0; t < 20; t += 3) {
      const r = await again.read(BigInt(t), 1, { minOneMessage: true, upperBound: "highWatermark" });
      if ("error" in r) throw new Error(r.error);
      expect(r.records.readBigInt64BE(0)).toBe(BigInt(t));
    }
    await again.close();
    expect(fs.readFileSync(path.join(log.dir, files[0]!)).equals(original[0]!)).toBe(true);
    expect(fs.readFileSync(path.join(log.dir, files[1]!)).equals(original[1]!)).toBe(true);
  });

  it("re-derives leader epochs from recovered batches when the checkpoint is lost", async () => {
    const log = await openLog(dir);
    await log.append(batch(["a"]), { ...clientAppend, leaderEpoch: 2 });
    await log.append(batch(["b"]), { ...clientAppend, leaderEpoch: 5 });
    const file = path.join(log.dir, "leader-epoch-checkpoint");
    // The new epochs are written off the loop: remove the file only once that write has landed.
    await vi.waitFor(() => expect(fs.readFileSync(file, "utf8")).toContain("5 1"), { timeout: 10_000 });
    log.closeAbruptly();
    fs.rmSync(file);
    const again = await openLog(dir, {}, { cleanShutdown: false });
    expect(again.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 1n });
    expect(again.latestEpoch).toBe(5);
    await again.close();
  });

  it("re-derives an epoch whose checkpoint write had not landed, and a flush waits for that write", async () => {
    const log = await openLog(dir);
    const file = path.join(log.dir, "leader-epoch-checkpoint");
    await log.append(batch(["a"]), { ...clientAppend, leaderEpoch: 2 });
    await log.append(batch(["b"]), { ...clientAppend, leaderEpoch: 5 });
    // Let the async write land, then put back what a crash before it would have left.
    await vi.waitFor(() => expect(fs.readFileSync(file, "utf8")).toBe("0\n2\n2 0\n5 1\n"), { timeout: 10_000 });
    log.closeAbruptly();
    fs.writeFileSync(file, "0\n1\n2 0\n");
    const again = await openLog(dir, {}, { cleanShutdown: false });
    expect(again.latestEpoch).toBe(5);
    expect(again.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 1n });
    await again.append(batch(["c"]), { ...clientAppend, leaderEpoch: 7 });
    await again.flush();
    expect(again.recoveryPoint).toBe(3n);
    expect(fs.readFileSync(file, "utf8")).toBe("0\n3\n2 0\n5 1\n7 2\n");
    await again.close();
  });

  it("removes leftover .deleted, .cleaned and .tmp files", async () => {
    const log = await openLog(dir);
    await fill(log, 2);
    await log.close();
    for (const n of ["00000000000000000000.log.deleted", "00000000000000000000.log.cleaned", "leader-epoch-checkpoint.tmp", "00000000000000000005.index"]) {
      fs.writeFileSync(path.join(log.dir, n), "junk");
    }
    const again = await openLog(dir, {}, { cleanShutdown: true });
    expect(fs.readdirSync(again.dir).filter((n) => /deleted|cleaned|tmp|00005/.test(n))).toEqual([]);
    expect(again.logEndOffset).toBe(2n);
    await again.close();
  });
});
