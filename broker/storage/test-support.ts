// Helpers for the storage tests: temp dirs, a silent logger, batch builders and I/O spies.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import {
  type BuildBatchOptions,
  RecordBatchView,
  batchViews,
  buildRecordBatch,
  decodeRecords,
  isRecordsError,
} from "../protocol/records.js";
import type { Clock } from "./clock.js";
import { type FileIo, nodeFileIo } from "./file-io.js";
import { type LogConfig, logConfig } from "./log-config.js";
import { PartitionLog, type PartitionLogOptions } from "./partition-log.js";

export const silentLogger = pino({ level: "silent" });

export async function tempDir(): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), "millrace-storage-"));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A batch of string records "k:v" (a key of "" means no key, a value of "~" a tombstone). */
export function batch(records: readonly string[], opts: BuildBatchOptions & { timestamp?: bigint } = {}): Buffer {
  const ts = opts.timestamp ?? 1_000n;
  return buildRecordBatch(
    records.map((r, i) => {
      const [k, v] = r.includes(":") ? r.split(":") : [r, r];
      return {
        key: k === "" ? null : Buffer.from(k!),
        value: v === "~" ? null : Buffer.from(v!),
        timestamp: ts + BigInt(i),
      };
    }),
    opts,
  );
}

/** A batch of `count` records, `size` value bytes each. */
export function bulkBatch(count: number, size: number, opts: BuildBatchOptions = {}): Buffer {
  const value = Buffer.alloc(size, 0x61);
  return buildRecordBatch(
    Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value, timestamp: 1_000n + BigInt(i) })),
    opts,
  );
}

export interface DecodedEntry {
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

export function decodeAll(buf: Buffer): DecodedEntry[] {
  const out: DecodedEntry[] = [];
  for (const view of batchViews(buf)) {
    const d = decodeRecords(view);
    if (isRecordsError(d)) throw new Error(d.message);
    for (const r of d.records) {
      out.push({
        offset: Number(r.offset),
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? null,
        timestamp: Number(r.timestamp),
      });
    }
  }
  return out;
}

export function batchesOf(buf: Buffer): RecordBatchView[] {
  return [...batchViews(buf)];
}

/** Reads the whole log (below the high watermark) record by record. */
export async function readAll(log: PartitionLog, from?: bigint): Promise<DecodedEntry[]> {
  const out: DecodedEntry[] = [];
  let offset = from ?? log.logStartOffset;
  for (;;) {
    const r = await log.read(offset, 1 << 20, { minOneMessage: true, upperBound: "highWatermark" });
    if ("error" in r) throw new Error(`${r.error}: ${r.message}`);
    if (r.records.length === 0) return out;
    const batches = batchesOf(r.records);
    out.push(...decodeAll(r.records).filter((e) => e.offset >= Number(offset)));
    offset = batches.at(-1)!.lastOffset + 1n;
  }
}

export class SpyIo implements FileIo {
  writes = 0;
  syncs = 0;
  reads = 0;
  failWrites = false;
  failSyncs = false;

  async writev(fd: number, buffers: readonly Buffer[], position: number): Promise<void> {
    this.writes++;
    if (this.failWrites) throw Object.assign(new Error("EIO: injected write failure"), { code: "EIO" });
    return nodeFileIo.writev(fd, buffers, position);
  }
  /** Writes on the calling thread (used only when a log is given an InlineWrites). */
  inlineWrites = 0;
  writevSync(fd: number, buffers: readonly Buffer[], position: number): void {
    this.inlineWrites++;
    if (this.failWrites) throw Object.assign(new Error("EIO: injected write failure"), { code: "EIO" });
    nodeFileIo.writevSync(fd, buffers, position);
  }
  bytesRead = 0;
  async read(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    this.reads++;
    const n = await nodeFileIo.read(fd, buffer, offset, length, position);
    this.bytesRead += n;
    return n;
  }
  async datasync(fd: number): Promise<void> {
    this.syncs++;
    if (this.failSyncs) throw Object.assign(new Error("EIO: injected sync failure"), { code: "EIO" });
    return nodeFileIo.datasync(fd);
  }
  dirSyncs = 0;
  async syncDir(dir: string): Promise<void> {
    this.dirSyncs++;
    return nodeFileIo.syncDir(dir);
  }
}

/**
 * Writes that never complete and never reach the file, as a write in flight at a crash: the next
 * `stallNext(n)` writes hang; later ones go through.
 */
export class StallingIo extends SpyIo {
  private toStall = 0;

  stallNext(n = 1): void {
    this.toStall += n;
  }

  override async writev(fd: number, buffers: readonly Buffer[], position: number): Promise<void> {
    if (this.toStall === 0) return super.writev(fd, buffers, position);
    this.toStall--;
    this.writes++;
    return new Promise<void>(() => undefined);
  }
}

export function openLog(
  dir: string,
  config: Partial<LogConfig> = {},
  extra: Partial<PartitionLogOptions> & { clock?: Clock } = {},
): Promise<PartitionLog> {
  return PartitionLog.open({
    dir: path.join(dir, "topic-0"),
    topic: "topic",
    partition: 0,
    // Test batches carry 1970 timestamps: time retention stays off unless a test sets it.
    config: logConfig({ fileDeleteDelayMs: 0, retentionMs: -1, ...config }),
    logger: silentLogger,
    ...extra,
  });
}

export const clientAppend = { leaderEpoch: 0, origin: "client" as const };

export function segmentFiles(log: PartitionLog, suffix = ".log"): string[] {
  return fs
    .readdirSync(log.dir)
    .filter((n) => n.endsWith(suffix))
    .sort();
}
