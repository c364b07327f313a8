import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Uuid } from "../protocol/primitives.js";
import { logConfig } from "./log-config.js";
import { LogManager, type LogManagerOptions } from "./log-manager.js";
import { batch, clientAppend, readAll, removeDir, silentLogger, tempDir } from "./test-support.js";

const id = (n: number) => Buffer.alloc(16, n).toString("base64url") as Uuid;
const cfg = logConfig({ fileDeleteDelayMs: 0, retentionMs: -1, segmentBytes: 300 });

describe("LogManager", () => {
  let root: string;
  let dirs: string[];
  let open: (extra?: Partial<LogManagerOptions>) => Promise<LogManager>;

  beforeEach(async () => {
    root = await tempDir();
    dirs = [path.join(root, "d1"), path.join(root, "d2")];
    open = (extra = {}) => LogManager.open({ logDirs: dirs, defaultConfig: cfg, logger: silentLogger, startTimers: false, ...extra });
  });
  afterEach(() => removeDir(root));

  it("spreads logs over the log dirs and reloads them after a clean shutdown", async () => {
    const m = await open();
    for (let p = 0; p < 4; p++) await m.createLog("orders", p, id(1), cfg);
    expect(fs.readdirSync(dirs[0]!).filter((n) => n.startsWith("orders-")).length).toBe(2);
    expect(fs.readdirSync(dirs[1]!).filter((n) => n.startsWith("orders-")).length).toBe(2);
    for (let i = 0; i < 5; i++) await m.getLog("orders", 1)!.append(batch([`k${i}:v${i}`]), clientAppend);
    expect(await m.createLog("orders", 1, id(1), cfg)).toBe(m.getLog("orders", 1));
    await expect(m.createLog("orders", 1, id(2), cfg)).rejects.toThrow(/topic id/);
    await m.close();
    for (const d of dirs) {
      expect(JSON.parse(fs.readFileSync(path.join(d, ".kafka_cleanshutdown"), "utf8"))).toEqual({ version: 0, brokerEpoch: -1 });
      expect(fs.readFileSync(path.join(d, "recovery-point-offset-checkpoint"), "utf8")).toMatch(/^0\n2\n/);
    }
    const seen: string[] = [];
    const m2 = await open({ topicConfig: (t) => (seen.push(t), logConfig({ ...cfg, retentionBytes: 12345 })) });
    expect(dirs.map((d) => m2.hadCleanShutdown(d))).toEqual([true, true]);
    expect(dirs.some((d) => fs.existsSync(path.join(d, ".kafka_cleanshutdown")))).toBe(false);
    expect(m2.allLogs()).toHaveLength(4);
    expect(new Set(seen)).toEqual(new Set(["orders"]));
    const log = m2.getLog("orders", 1)!;
    expect(log.config.retentionBytes).toBe(12345);
    expect(log.topicId).toBe(id(1));
    expect((await readAll(log)).map((e) => e.value)).toEqual(["v0", "v1", "v2", "v3", "v4"]);
    await m2.close();
  });

  it("recovers after a crash (no marker) from the checkpointed recovery points", async () => {
    const m = await open();
    const log = await m.createLog("t", 0, id(3), cfg);
    for (let i = 0; i < 10; i++) await log.append(batch([`k${i}:v${i}`]), clientAppend);
    await log.flush();
    await m.checkpoint();
    log.closeAbruptly();
    const m2 = await open();
    expect(m2.hadCleanShutdown(dirs[0]!)).toBe(false);
    expect(m2.getLog("t", 0)!.logEndOffset).toBe(10n);
    await m2.close();
  });

  it("deletes a log by renaming its directory and removing it later", async () => {
    const m = await open();
    const log = await m.createLog("gone", 0, id(4), cfg);
    await log.append(batch(["a"]), clientAppend);
    await m.deleteLog("gone", 0);
    expect(m.getLog("gone", 0)).toBeUndefined();
    const dir = dirs.find((d) => fs.readdirSync(d).some((n) => n.startsWith("gone-0")));
    if (dir) expect(fs.readdirSync(dir).filter((n) => n.startsWith("gone-0"))[0]).toMatch(/^gone-0\.[0-9a-f]{32}-delete$/);
    await vi.waitFor(() => expect(dirs.flatMap((d) => fs.readdirSync(d)).filter((n) => n.startsWith("gone-0"))).toEqual([]));
    // The same name can be created again, for a new topic id.
    const again = await m.createLog("gone", 0, id(5), cfg);
    expect(again.logEndOffset).toBe(0n);
    await m.close();
  });

  it("persists DeleteRecords in log-start-offset-checkpoint right away", async () => {
    const m = await open();
    const log = await m.createLog("dr", 0, id(6), cfg);
    for (let i = 0; i < 8; i++) await log.append(batch([`k${i}:v${i}`]), clientAppend);
    await log.deleteRecordsBefore(5n);
    const dir = dirs.find((d) => fs.existsSync(path.join(d, "dr-0")))!;
    expect(fs.readFileSync(path.join(dir, "log-start-offset-checkpoint"), "utf8")).toContain("dr 0 5\n");
    log.closeAbruptly();
    const m2 = await open();
    expect(m2.getLog("dr", 0)!.logStartOffset).toBe(5n);
    await m2.close();
  });

  it("applies config changes and runs retention and compaction on demand", async () => {
    const m = await open();
    const log = await m.createLog("c", 0, id(7), cfg);
    for (let i = 0; i < 12; i++) await log.append(batch([`k${i % 2}:v${i}`]), clientAppend);
    m.updateConfig("c", { ...cfg, cleanupPolicy: "compact", segmentBytes: 100_000 });
    expect(log.config.cleanupPolicy).toBe("compact");
    expect(await m.runCleaner()).toBe(1);
    expect((await readAll(log)).length).toBeLessThan(12);
    m.updateConfig("c", { ...cfg, cleanupPolicy: "delete", retentionBytes: 100 });
    expect(await m.runRetention()).toBeGreaterThan(0);
    await m.flushDue();
    await m.close();
    expect(fs.readFileSync(path.join(dirs.find((d) => fs.existsSync(path.join(d, "c-0")))!, "cleaner-offset-checkpoint"), "utf8")).toMatch(
      /^0\n1\nc 0 \d+\n$/,
    );
  });

  it("runs its periodic work on timers and stops them on close", async () => {
    const m = await open({ startTimers: true, flushCheckIntervalMs: 1, checkpointIntervalMs: 1, retentionCheckIntervalMs: 1, cleanerIntervalMs: 1 });
    const log = await m.createLog("timed", 0, id(8), { ...cfg, flushMs: 0, retentionBytes: 150 });
    for (let i = 0; i < 10; i++) await log.append(batch([`k${i}:v${i}`]), clientAppend);
    // Retention and flush happen only through the timers here.
    await vi.waitFor(() => {
      expect(log.logStartOffset).toBeGreaterThan(0n);
      expect(log.recoveryPoint).toBe(10n);
    });
    await m.close();
    expect(log.offline).toBe(true);
  });
});
