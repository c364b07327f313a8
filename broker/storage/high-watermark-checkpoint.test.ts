// replication-offset-checkpoint: each log dir's high watermarks in Kafka's format, written on a
// timer and on close, and the high watermark a replicated partition reopens at.
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Uuid } from "../protocol/primitives.js";
import { readOffsetCheckpoint } from "./checkpoint-file.js";
import { logConfig } from "./log-config.js";
import { LogManager, type LogManagerOptions } from "./log-manager.js";
import { initialHighWatermark } from "./partition-log.js";
import { batch, clientAppend, openLog, readAll, removeDir, silentLogger, tempDir } from "./test-support.js";

const id = (n: number) => Buffer.alloc(16, n).toString("base64url") as Uuid;
const cfg = logConfig({ fileDeleteDelayMs: 0, retentionMs: -1 });
const CHECKPOINT = "replication-offset-checkpoint";

async function appendValues(log: { append: (b: Buffer, o: typeof clientAppend) => Promise<unknown> }, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await log.append(batch([`k${i}:v${i}`]), clientAppend);
}

describe("initialHighWatermark (Kafka's rule on open)", () => {
  it("is the checkpointed high watermark within [log start, log end]", () => {
    expect(initialHighWatermark(5n, 0, 10)).toBe(5);
    expect(initialHighWatermark(15n, 0, 10)).toBe(10); // the log lost its tail in a crash
    expect(initialHighWatermark(0n, 4, 10)).toBe(4); // absent from the checkpoint: 0, raised to the log start
    expect(initialHighWatermark(-1n, 4, 10)).toBe(4);
  });
});

describe("PartitionLog opened with a checkpointed high watermark", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  it("serves and lists only what was committed until replication moves it, then catches up under its own rule", async () => {
    const first = await openLog(dir);
    await appendValues(first, 0, 10);
    await first.close();

    const log = await openLog(dir, {}, { externalHighWatermark: true, highWatermark: 4n });
    expect(log.logEndOffset).toBe(10n);
    expect(log.highWatermark).toBe(4n);
    expect((await readAll(log)).map((e) => e.value)).toEqual(["v0", "v1", "v2", "v3"]);
    expect(await log.deleteRecordsBefore(5n)).toMatchObject({ error: "OFFSET_OUT_OF_RANGE" });
    // A one-replica partition (or a leader alone in its ISR) commits its whole log when it leads.
    log.setExternalHighWatermark(false);
    expect(log.highWatermark).toBe(10n);
    await log.close();
  });

  it("keeps retention from deleting what lies above it", async () => {
    const small = { segmentBytes: 200 };
    const first = await openLog(dir, small);
    await appendValues(first, 0, 10);
    await first.close();
    const log = await openLog(dir, { ...small, retentionBytes: 1 }, { externalHighWatermark: true, highWatermark: 4n });
    expect(log.numberOfSegments).toBeGreaterThan(3);
    await log.deleteOldSegments();
    expect(log.logStartOffset).toBeGreaterThan(0n);
    expect(log.logStartOffset).toBeLessThanOrEqual(4n);
    expect(log.highWatermark).toBe(4n);
    await log.close();
  });

  it("catches up with the synced end when every append is fsynced", async () => {
    const first = await openLog(dir, { flushMessages: 1 });
    await appendValues(first, 0, 6);
    await first.close();
    const log = await openLog(dir, { flushMessages: 1 }, { externalHighWatermark: true, highWatermark: 2n });
    expect(log.highWatermark).toBe(2n);
    log.setExternalHighWatermark(false);
    expect(log.highWatermark).toBe(6n);
    await log.close();
  });

  it("opens at the log end without a checkpointed value or without replication (single-node logs, the metadata log)", async () => {
    const first = await openLog(dir);
    await appendValues(first, 0, 3);
    await first.close();
    const own = await openLog(dir, {}, { highWatermark: 1n });
    expect(own.highWatermark).toBe(3n);
    await own.close();
    const external = await openLog(dir, {}, { externalHighWatermark: true });
    expect(external.highWatermark).toBe(3n);
    await external.close();
  });
});

describe("LogManager with replicated high watermarks", () => {
  let root: string;
  let dirs: string[];
  let open: (extra?: Partial<LogManagerOptions>) => Promise<LogManager>;

  beforeEach(async () => {
    root = await tempDir();
    dirs = [path.join(root, "d1"), path.join(root, "d2")];
    open = (extra = {}) =>
      LogManager.open({ logDirs: dirs, defaultConfig: cfg, logger: silentLogger, startTimers: false, replicatedHighWatermarks: true, ...extra });
  });
  afterEach(() => removeDir(root));

  const dirOf = (name: string) => dirs.find((d) => fs.existsSync(path.join(d, name)))!;

  it("writes Kafka's format and reopens each partition at min(checkpoint, log end), or its log start when absent", async () => {
    const m = await open();
    const a = await m.createLog("orders", 0, id(1), cfg);
    const b = await m.createLog("orders", 1, id(1), cfg);
    expect(dirOf("orders-0")).not.toBe(dirOf("orders-1"));
    await appendValues(a, 0, 10);
    await appendValues(b, 0, 8);
    a.updateHighWatermark(7n);
    b.updateHighWatermark(8n);
    await m.checkpointHighWatermarks();
    expect(fs.readFileSync(path.join(dirOf("orders-0"), CHECKPOINT), "utf8")).toBe("0\n1\norders 0 7\n");
    expect(fs.readFileSync(path.join(dirOf("orders-1"), CHECKPOINT), "utf8")).toBe("0\n1\norders 1 8\n");
    // Committed after the last checkpoint, then a crash: not known as committed on reopening.
    a.updateHighWatermark(9n);
    a.closeAbruptly();
    b.closeAbruptly();

    // orders-1 is missing from its checkpoint (say, written before the partition existed).
    fs.writeFileSync(path.join(dirOf("orders-1"), CHECKPOINT), "0\n0\n");
    const m2 = await open();
    expect(m2.getLog("orders", 0)!.logEndOffset).toBe(10n);
    expect(m2.getLog("orders", 0)!.highWatermark).toBe(7n);
    expect((await readAll(m2.getLog("orders", 0)!)).map((e) => e.value)).toEqual(["v0", "v1", "v2", "v3", "v4", "v5", "v6"]);
    expect(m2.getLog("orders", 1)!.highWatermark).toBe(0n);
    await m2.close();
  });

  it("caps a checkpointed high watermark beyond the log end and never goes below the log start", async () => {
    const m = await open();
    const log = await m.createLog("t", 0, id(2), cfg);
    await appendValues(log, 0, 6);
    log.updateHighWatermark(6n);
    await log.deleteRecordsBefore(3n);
    await m.close();
    const dir = dirOf("t-0");
    fs.writeFileSync(path.join(dir, CHECKPOINT), "0\n1\nt 0 99\n");
    const m2 = await open();
    expect(m2.getLog("t", 0)!.highWatermark).toBe(6n);
    await m2.close();
    fs.writeFileSync(path.join(dir, CHECKPOINT), "0\n1\nt 0 1\n");
    const m3 = await open();
    expect(m3.getLog("t", 0)!.logStartOffset).toBe(3n);
    expect(m3.getLog("t", 0)!.highWatermark).toBe(3n);
    await m3.close();
  });

  it("writes the checkpoint every highWatermarkCheckpointIntervalMs", async () => {
    const m = await open({ startTimers: true, highWatermarkCheckpointIntervalMs: 5, checkpointIntervalMs: 60_000 });
    const log = await m.createLog("timed", 0, id(3), cfg);
    await appendValues(log, 0, 5);
    const file = path.join(dirOf("timed-0"), CHECKPOINT);
    await vi.waitFor(() => expect(readOffsetCheckpoint(file).get("timed-0")).toBe(0));
    log.updateHighWatermark(3n);
    await vi.waitFor(() => expect(readOffsetCheckpoint(file).get("timed-0")).toBe(3));
    log.updateHighWatermark(5n);
    await vi.waitFor(() => expect(readOffsetCheckpoint(file).get("timed-0")).toBe(5));
    await m.close();
  });

  it("writes the last high watermarks on close", async () => {
    const m = await open({ startTimers: true, highWatermarkCheckpointIntervalMs: 3_600_000 });
    const log = await m.createLog("closing", 0, id(4), cfg);
    await appendValues(log, 0, 4);
    log.updateHighWatermark(4n);
    const file = path.join(dirOf("closing-0"), CHECKPOINT);
    expect(fs.existsSync(file)).toBe(false); // the timer has not fired
    await m.close();
    expect(fs.readFileSync(file, "utf8")).toBe("0\n1\nclosing 0 4\n");
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
    const m2 = await open();
    expect(m2.getLog("closing", 0)!.highWatermark).toBe(4n);
    await m2.close();
  });

  it("drops a deleted partition from the checkpoint", async () => {
    const m = await open();
    const keep = await m.createLog("keep", 0, id(5), cfg);
    const gone = await m.createLog("gone", 0, id(6), cfg);
    await appendValues(keep, 0, 2);
    await appendValues(gone, 0, 2);
    keep.updateHighWatermark(2n);
    gone.updateHighWatermark(2n);
    await m.checkpointHighWatermarks();
    const goneDir = dirOf("gone-0");
    expect(readOffsetCheckpoint(path.join(goneDir, CHECKPOINT)).has("gone-0")).toBe(true);
    await m.deleteLog("gone", 0);
    expect(readOffsetCheckpoint(path.join(goneDir, CHECKPOINT)).has("gone-0")).toBe(false);
    // Re-created (a new topic with the old name): it starts from nothing, not from the old value.
    const again = await m.createLog("gone", 0, id(7), cfg);
    expect(again.highWatermark).toBe(0n);
    await m.close();
    const all = dirs.map((d) => readOffsetCheckpoint(path.join(d, CHECKPOINT)));
    expect(all.some((c) => c.get("keep-0") === 2)).toBe(true);
    expect(all.some((c) => c.get("gone-0") === 0)).toBe(true);
  });

  it("fails on an unreadable checkpoint, naming the file, as Kafka fails the log dir", async () => {
    const m = await open();
    await m.createLog("t", 0, id(8), cfg);
    await m.close();
    const file = path.join(dirOf("t-0"), CHECKPOINT);
    for (const corrupt of ["0\n2\nt 0 5\n", "1\n1\nt 0 5\n", "0\n1\nt zero 5\n", "garbage"]) {
      fs.writeFileSync(file, corrupt);
      await expect(open()).rejects.toThrow(`log dir ${dirOf("t-0")} failed: ${CHECKPOINT} is unreadable`);
    }
    // Removed, the partition starts from its log start.
    fs.rmSync(file);
    const m2 = await open();
    expect(m2.getLog("t", 0)!.highWatermark).toBe(0n);
    await m2.close();
  });

  it("keeps no such checkpoint when logs move their own high watermarks", async () => {
    const m = await LogManager.open({ logDirs: dirs, defaultConfig: cfg, logger: silentLogger, startTimers: false });
    const log = await m.createLog("own", 0, id(9), cfg);
    await appendValues(log, 0, 3);
    expect(log.highWatermark).toBe(3n);
    await m.close();
    expect(dirs.some((d) => fs.existsSync(path.join(d, CHECKPOINT)))).toBe(false);
  });
});

describe("a retried idempotent batch on a log whose high watermark replication moves", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  it("is answered as a duplicate once written, whether or not the high watermark reached it", async () => {
    const log = await openLog(dir, {}, { externalHighWatermark: true, highWatermark: 0n });
    const idempotent = (value: string, sequence: number) => batch([value], { producerId: 7n, producerEpoch: 0, baseSequence: sequence });
    expect(await log.append(idempotent("a", 0), clientAppend)).toMatchObject({ baseOffset: 0n });
    expect(log.highWatermark).toBe(0n); // nobody replicated it
    // The producer's retry (its acks=all answer timed out): the same offsets, at once. It waited
    // for the high watermark without bound, and its connection stalled behind it.
    expect(await log.append(idempotent("a", 0), clientAppend)).toMatchObject({ baseOffset: 0n, duplicate: true });
    expect(log.highWatermark).toBe(0n);
    await log.close();
  });
});
