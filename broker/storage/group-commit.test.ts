import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommit } from "./flush-policy.js";
import { SpyIo, batch, clientAppend, openLog, readAll, removeDir, tempDir } from "./test-support.js";

describe("GroupCommit", () => {
  it("shares one sync among waiters and syncs again for later writes", async () => {
    let written = 10;
    let syncs = 0;
    let release!: () => void;
    const gc = new GroupCommit(
      0,
      () => written,
      () => {
        syncs++;
        return new Promise<void>((r) => (release = r));
      },
      () => undefined,
    );
    const a = gc.request(5);
    const b = gc.request(10);
    written = 20;
    const c = gc.request(20);
    release();
    await Promise.all([a, b]);
    expect(gc.synced).toBe(10);
    await new Promise((r) => setImmediate(r));
    release();
    await c;
    expect(syncs).toBe(2);
    expect(gc.synced).toBe(20);
    expect(await gc.request(15)).toBeUndefined();
  });

  it("fails every waiter when the sync fails", async () => {
    const gc = new GroupCommit(0, () => 5, () => Promise.reject(new Error("EIO")), () => undefined);
    await expect(gc.request(5)).rejects.toThrow("EIO");
    await expect(gc.request(6)).rejects.toThrow("EIO");
  });
});

describe("flush.messages=1", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  it("acknowledges only after fsync, sharing fsyncs among concurrent appends", async () => {
    const io = new SpyIo();
    const log = await openLog(dir, { flushMessages: 1 }, { io });
    const n = 200;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => log.append(batch([`k${i}:v${i}`]), clientAppend)));
    expect(results.every((r) => !("error" in r))).toBe(true);
    // Measured: 200 concurrent appends → 2 writev calls and 2 fdatasync calls.
    expect(log.stats.writes).toBeLessThanOrEqual(3);
    expect(log.stats.fsyncs).toBeLessThanOrEqual(3);
    expect(io.syncs).toBe(log.stats.fsyncs);
    expect(log.recoveryPoint).toBe(BigInt(n));
    expect(log.highWatermark).toBe(BigInt(n));
    expect((await readAll(log)).length).toBe(n);
    await log.close();
  });

  it("keeps the high watermark at the synced offset", async () => {
    const io = new SpyIo();
    const log = await openLog(dir, { flushMessages: 1 }, { io });
    await log.append(batch(["a"]), clientAppend);
    io.failSyncs = true;
    expect(await log.append(batch(["b"]), clientAppend)).toMatchObject({ error: "KAFKA_STORAGE_ERROR" });
    expect(log.highWatermark).toBe(1n);
    await log.close();
  });

  it("page-cache mode acknowledges after write and flushes every flush.messages", async () => {
    const io = new SpyIo();
    const log = await openLog(dir, { flushMessages: 5 }, { io });
    for (let i = 0; i < 12; i++) await log.append(batch([`k${i}`]), clientAppend);
    expect(log.stats.fsyncs).toBe(2);
    expect(log.recoveryPoint).toBe(10n);
    expect(log.highWatermark).toBe(12n);
    await log.close();
  });

  it("flush.ms flushes on the scheduler's check", async () => {
    const { ManualClock } = await import("./clock.js");
    const clock = new ManualClock();
    const log = await openLog(dir, { flushMs: 1000 }, { clock });
    await log.append(batch(["a"]), clientAppend);
    expect(await log.flushIfDue()).toBe(false);
    clock.advance(1500);
    expect(await log.flushIfDue()).toBe(true);
    expect(log.recoveryPoint).toBe(1n);
    expect(await log.flushIfDue()).toBe(false);
    await log.close();
  });
});
