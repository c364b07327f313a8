// One log segment: its .log file (batches back to back) and its offset and time indexes.
// Positions are int32 (segment.bytes is an int), offsets and timestamps JS numbers.
import fs from "node:fs";
import { ioBuffers } from "../buffer-pool.js";
import { BATCH, BATCH_HEADER_SIZE, LOG_OVERHEAD, RecordBatchView, readInt64Number } from "../protocol/records.js";
import type { FileIo } from "./file-io.js";
import { readFully } from "./file-io.js";
import type { LogConfig } from "./log-config.js";
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX, segmentPath } from "./file-names.js";
import { OffsetIndex } from "./offset-index.js";
import { TimeIndex } from "./time-index.js";

const OFFSET_ENTRY_SIZE = 8;
const TIME_ENTRY_SIZE = 12;
/** Enough to hold lastOffsetDelta: what a header scan needs of each batch. */
const SCAN_HEADER_BYTES = BATCH.lastOffsetDelta + 4;
const LOCATE_CHUNK = 16 * 1024;
const SCAN_CHUNK = 1024 * 1024;
/**
 * Buffers for what `read` returns (records for Fetch) come from the pool: whoever writes them out
 * may give them back (the connection, once the response is on the socket); others just drop them.
 */
const readBuffer = (size: number): Buffer => ioBuffers.acquire(size);

export interface SegmentOptions {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
}

export function segmentOptions(config: LogConfig): SegmentOptions {
  return { indexIntervalBytes: config.indexIntervalBytes, segmentIndexBytes: config.segmentIndexBytes };
}

export interface ScannedBatch {
  position: number;
  view: RecordBatchView;
}

export class LogSegment {
  /** Bytes assigned to appends, including those still queued for write. */
  size: number;
  /** Bytes known to be written to the file. Reads never go past this. */
  writtenSize: number;
  /** The offset after the last batch; valid once the segment is loaded. */
  nextOffset: number;
  maxTimestamp = -1;
  /** Last offset of the batch holding maxTimestamp (Kafka's shallowOffsetOfMaxTimestamp). */
  offsetOfMaxTimestamp = -1;
  /** Broker time the segment's age for segment.ms counts from. */
  rollBaseMs = -1;
  sealed = false;
  private bytesSinceLastIndexEntry = 0;
  private offsetIdx: OffsetIndex | undefined;
  private timeIdx: TimeIndex | undefined;
  private loading: Promise<void> | undefined;
  private refs = 0;
  /** Wall-clock time of the last index use, for unloading idle indexes. */
  private lastUsedMs = 0;
  /** The max timestamp read from the time index file without loading the indexes. */
  private peekedMaxTimestamp: number | undefined;
  private closeWhenIdle = false;
  private closed = false;
  private deleted = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    public fd: number,
    fileSize: number,
    private opts: SegmentOptions,
    private readonly io: FileIo,
  ) {
    this.size = fileSize;
    this.writtenSize = fileSize;
    this.nextOffset = baseOffset;
  }

  static create(dir: string, baseOffset: number, opts: SegmentOptions, io: FileIo): LogSegment {
    const path = segmentPath(dir, baseOffset, LOG_SUFFIX);
    const existing = fs.existsSync(path) ? fs.statSync(path).size : 0;
    if (existing > 0) throw new Error(`segment ${path} already exists with ${existing} bytes`);
    const fd = fs.openSync(path, "w+");
    const seg = new LogSegment(dir, baseOffset, fd, 0, opts, io);
    seg.offsetIdx = new OffsetIndex(seg.indexPath, baseOffset, maxOffsetEntries(opts));
    seg.timeIdx = new TimeIndex(seg.timeIndexPath, baseOffset, maxTimeEntries(opts));
    return seg;
  }

  /** Opens an existing segment; its indexes load lazily (see ensureLoaded / rebuild). */
  static open(dir: string, baseOffset: number, opts: SegmentOptions, io: FileIo): LogSegment {
    const path = segmentPath(dir, baseOffset, LOG_SUFFIX);
    const fd = fs.openSync(path, "r+");
    const size = fs.fstatSync(fd).size;
    return new LogSegment(dir, baseOffset, fd, size, opts, io);
  }

  get logPath(): string {
    return segmentPath(this.dir, this.baseOffset, LOG_SUFFIX);
  }
  get indexPath(): string {
    return segmentPath(this.dir, this.baseOffset, INDEX_SUFFIX);
  }
  get timeIndexPath(): string {
    return segmentPath(this.dir, this.baseOffset, TIME_INDEX_SUFFIX);
  }
  get isLoaded(): boolean {
    return this.offsetIdx !== undefined && this.timeIdx !== undefined;
  }
  get isIndexFull(): boolean {
    return (this.offsetIdx?.isFull ?? false) || (this.timeIdx?.isFull ?? false);
  }
  get offsetIndexEntries(): number {
    return this.offsetIdx?.entries ?? 0;
  }

  updateOptions(opts: SegmentOptions): void {
    this.opts = opts;
  }

  /** Book-keeping for one batch placed at `position` (append, recovery and rebuild share it). */
  onBatch(position: number, size: number, lastOffset: number, maxTimestamp: number): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.opts.indexIntervalBytes) {
      this.offsetIdx!.append(lastOffset, position);
      this.timeIdx!.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /**
   * Loads the indexes of a segment written before (clean start): sanity-checked, rebuilt from the
   * log when they fail. The tail after the last index entry is scanned for the next offset and
   * the max timestamp, as Kafka does.
   */
  ensureLoaded(): Promise<void> {
    this.lastUsedMs = Date.now();
    if (this.isLoaded) return Promise.resolve();
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    const oi = OffsetIndex.load(this.indexPath, this.baseOffset, maxOffsetEntries(this.opts), this.writtenSize);
    const ti = oi && TimeIndex.load(this.timeIndexPath, this.baseOffset, maxTimeEntries(this.opts), Number.MAX_SAFE_INTEGER);
    if (!oi || !ti) {
      await this.rebuild();
      return;
    }
    this.offsetIdx = oi;
    this.timeIdx = ti;
    const lastTime = ti.lastEntry;
    if (lastTime) {
      this.maxTimestamp = lastTime.timestamp;
      this.offsetOfMaxTimestamp = lastTime.offset;
    }
    const last = oi.lastEntry;
    await this.scanTail(last ? last.position : 0);
  }

  /** Re-derives next offset, max timestamp and index spacing from `position` to the end. */
  private async scanTail(position: number): Promise<void> {
    this.bytesSinceLastIndexEntry = 0;
    let first = position === 0;
    for await (const { view } of this.scan(position, this.writtenSize)) {
      const lastOffset = readInt64Number(view.buf, view.pos) + view.lastOffsetDelta;
      const maxTs = readInt64Number(view.buf, view.pos + BATCH.maxTimestamp);
      if (maxTs > this.maxTimestamp) {
        this.maxTimestamp = maxTs;
        this.offsetOfMaxTimestamp = lastOffset;
      }
      if (first) {
        this.rollBaseMs = maxTs;
        first = false;
      }
      this.bytesSinceLastIndexEntry += view.size;
      this.nextOffset = lastOffset + 1;
    }
  }

  /**
   * Rebuilds both indexes by reading every batch; stops at the first invalid batch and returns
   * the number of valid bytes (recovery truncates the rest).
   */
  async rebuild(validate?: (view: RecordBatchView, expectedNext: number) => boolean): Promise<number> {
    this.offsetIdx = new OffsetIndex(this.indexPath, this.baseOffset, maxOffsetEntries(this.opts));
    this.timeIdx = new TimeIndex(this.timeIndexPath, this.baseOffset, maxTimeEntries(this.opts));
    this.offsetIdx.markFileStale();
    this.timeIdx.markFileStale();
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    this.bytesSinceLastIndexEntry = 0;
    this.nextOffset = this.baseOffset;
    let valid = 0;
    for await (const { position, view } of this.scan(0, this.writtenSize)) {
      if (validate && !validate(view, this.nextOffset)) break;
      const lastOffset = readInt64Number(view.buf, view.pos) + view.lastOffsetDelta;
      const maxTs = readInt64Number(view.buf, view.pos + BATCH.maxTimestamp);
      if (position === 0) this.rollBaseMs = maxTs;
      this.onBatch(position, view.size, lastOffset, maxTs);
      valid = position + view.size;
    }
    return valid;
  }

  /**
   * Iterates the complete batches in [from, to), reading big chunks. Stops at the first batch
   * whose framing is impossible or that runs past `to`; views stay valid after iteration.
   */
  async *scan(from = 0, to = this.writtenSize): AsyncGenerator<ScannedBatch> {
    let pos = from;
    while (to - pos >= LOG_OVERHEAD) {
      const chunk = await readFully(this.io, this.fd, pos, Math.min(SCAN_CHUNK, to - pos));
      let at = 0;
      let progressed = false;
      while (chunk.length - at >= LOG_OVERHEAD) {
        const size = LOG_OVERHEAD + chunk.readInt32BE(at + BATCH.batchLength);
        if (size < BATCH_HEADER_SIZE || pos + at + size > to) return;
        if (at + size > chunk.length) {
          if (at === 0) {
            // A batch larger than the chunk: read it whole.
            const whole = await readFully(this.io, this.fd, pos, size);
            if (whole.length < size) return;
            yield { position: pos, view: new RecordBatchView(whole, 0) };
            at = size;
            progressed = true;
          }
          break;
        }
        yield { position: pos + at, view: new RecordBatchView(chunk, at) };
        at += size;
        progressed = true;
      }
      if (!progressed) return;
      pos += at;
    }
  }

  /**
   * Position of the first batch whose last offset is at or above `offset`, searching from the
   * index entry below it; undefined when no such batch is written yet.
   */
  async locate(
    offset: number,
    limit = this.writtenSize,
    readAhead?: { bytes: number; allocate: (size: number) => Buffer },
  ): Promise<{ position: number; chunk: Buffer; chunkPos: number } | undefined> {
    await this.ensureLoaded();
    const below = this.offsetIdx!.entryAtOrBelow(offset);
    let pos = below?.position ?? 0;
    const ceiling = readAhead ? this.offsetIdx!.positionAtOrAbove(offset) : undefined;
    // `below` is keyed by its batch's last offset: when that is under `offset`, the batch wanted
    // comes after it, most likely at `ceiling` (readIfBatchHolds says why).
    if (readAhead && below !== undefined && below.offset < offset && ceiling !== undefined && ceiling - pos > LOCATE_CHUNK) {
      const direct = await this.readIfBatchHolds(ceiling, offset, limit, readAhead);
      if (direct) return direct;
    }
    // With readAhead, the first chunk reaches from the index entry below the batch to `bytes`
    // past the furthest place the batch can start, so it usually holds the batch and what follows.
    const batchStartBound = readAhead ? (ceiling ?? pos + LOCATE_CHUNK) : pos;
    let chunkBytes = readAhead ? batchStartBound - pos + readAhead.bytes : LOCATE_CHUNK;
    let allocate = readAhead?.allocate ?? Buffer.allocUnsafe;
    while (limit - pos >= SCAN_HEADER_BYTES) {
      const chunk = await readFully(this.io, this.fd, pos, Math.min(chunkBytes, limit - pos), allocate);
      let at = 0;
      let impossibleFraming = false;
      while (chunk.length - at >= SCAN_HEADER_BYTES) {
        const size = LOG_OVERHEAD + chunk.readInt32BE(at + BATCH.batchLength);
        if (size < BATCH_HEADER_SIZE) {
          impossibleFraming = true;
          break;
        }
        const last = readInt64Number(chunk, at) + chunk.readInt32BE(at + BATCH.lastOffsetDelta);
        if (last >= offset) return { position: pos + at, chunk, chunkPos: at };
        at += size;
      }
      ioBuffers.release(chunk);
      if (impossibleFraming) return undefined;
      pos += at;
      chunkBytes = LOCATE_CHUNK;
      allocate = Buffer.allocUnsafe;
    }
    return undefined;
  }

  /**
   * Index entries are keyed by a batch's last offset, so for a fetch at a batch's first offset
   * the entry below is the batch before it, which may be a megabyte: reading from there would
   * read it again on every fetch. The entry at or above `offset` starts the wanted batch whenever
   * that batch has an entry of its own (always after a batch bigger than index.interval.bytes);
   * this reads from there and keeps the chunk if its first batch holds `offset`, else the caller
   * scans from the entry below as before (one read wasted, for a batch without an entry).
   */
  private async readIfBatchHolds(
    position: number,
    offset: number,
    limit: number,
    readAhead: { bytes: number; allocate: (size: number) => Buffer },
  ): Promise<{ position: number; chunk: Buffer; chunkPos: number } | undefined> {
    if (limit - position < SCAN_HEADER_BYTES) return undefined;
    const chunk = await readFully(this.io, this.fd, position, Math.min(readAhead.bytes, limit - position), readAhead.allocate);
    if (chunk.length >= SCAN_HEADER_BYTES) {
      const size = LOG_OVERHEAD + chunk.readInt32BE(BATCH.batchLength);
      const base = readInt64Number(chunk, 0);
      const last = base + chunk.readInt32BE(BATCH.lastOffsetDelta);
      if (size >= BATCH_HEADER_SIZE && base <= offset && last >= offset) return { position, chunk, chunkPos: 0 };
    }
    ioBuffers.release(chunk);
    return undefined;
  }

  /**
   * Reads whole batches starting with the one holding `offset`: as many as fit in `maxBytes`,
   * none at or above `limitOffset`; the first one whole even if larger when `minOneMessage`.
   * The result may be a view of a pooled buffer (see `readBuffer`).
   */
  async read(offset: number, maxBytes: number, limitOffset: number, minOneMessage: boolean): Promise<Buffer> {
    this.retain();
    try {
      // The first chunk locate reads (pooled) is big enough to be the answer too: one file read
      // per fetched partition, not a read to find the batch and another for the records.
      const wanted = Math.max(maxBytes, SCAN_HEADER_BYTES);
      const found = await this.locate(offset, this.writtenSize, { bytes: wanted, allocate: readBuffer });
      if (!found) return EMPTY;
      const { position: start, chunk, chunkPos } = found;
      const available = this.writtenSize - start;
      const want = Math.min(wanted, available);
      let data = chunk.subarray(chunkPos, chunkPos + want);
      const fromChunk = data.length === want;
      if (!fromChunk) {
        ioBuffers.release(chunk);
        data = await readFully(this.io, this.fd, start, want, readBuffer);
      }
      let end = 0;
      while (data.length - end >= SCAN_HEADER_BYTES) {
        const size = LOG_OVERHEAD + data.readInt32BE(end + BATCH.batchLength);
        if (readInt64Number(data, end) >= limitOffset) break;
        if (end + size > data.length || end + size > maxBytes) {
          if (end === 0 && minOneMessage && size <= available) {
            if (fromChunk && chunk.length - chunkPos >= size) return chunk.subarray(chunkPos, chunkPos + size);
            ioBuffers.release(data);
            const whole = await readFully(this.io, this.fd, start, size, readBuffer);
            return whole.length === size ? whole : EMPTY;
          }
          break;
        }
        end += size;
      }
      if (end > 0) return data.subarray(0, end);
      ioBuffers.release(data);
      return EMPTY;
    } finally {
      this.release();
    }
  }

  /** Finds the first batch with a timestamp at or after `ts` (via the time index). */
  async findBatchByTimestamp(ts: number, startOffset: number): Promise<RecordBatchView | undefined> {
    this.retain();
    try {
      return await this.findBatchByTimestampRetained(ts, startOffset);
    } finally {
      this.release();
    }
  }

  private async findBatchByTimestampRetained(ts: number, startOffset: number): Promise<RecordBatchView | undefined> {
    await this.ensureLoaded();
    const entry = this.timeIdx!.lookup(ts);
    const from = Math.max(entry.offset, startOffset);
    const found = await this.locate(from);
    if (!found) return undefined;
    for await (const { view } of this.scan(found.position)) {
      const last = readInt64Number(view.buf, view.pos) + view.lastOffsetDelta;
      if (last < startOffset) continue;
      if (readInt64Number(view.buf, view.pos + BATCH.maxTimestamp) >= ts) return view;
    }
    return undefined;
  }

  /** The batch whose last offset is `lastOffset` (used for the max-timestamp lookup). */
  async batchAt(offset: number): Promise<RecordBatchView | undefined> {
    this.retain();
    try {
      const found = await this.locate(offset);
      if (!found) return undefined;
      for await (const { view } of this.scan(found.position)) return view;
      return undefined;
    } finally {
      this.release();
    }
  }

  /**
   * Truncates at the first batch whose last offset is at or above `offset` (a batch is never
   * split). Returns the bytes removed.
   */
  async truncateTo(offset: number): Promise<number> {
    await this.ensureLoaded();
    const found = await this.locate(offset);
    if (!found) return 0;
    return this.truncateToPosition(found.position);
  }

  async truncateToPosition(position: number): Promise<number> {
    await this.ensureLoaded();
    const removed = this.writtenSize - position;
    if (removed <= 0 && this.size <= position) return 0;
    fs.ftruncateSync(this.fd, position);
    this.size = position;
    this.writtenSize = position;
    this.offsetIdx!.truncateToPosition(position);
    const lastIndexed = this.offsetIdx!.lastEntry;
    this.timeIdx!.truncateToOffset(lastIndexed ? lastIndexed.offset + 1 : this.baseOffset);
    const lastTime = this.timeIdx!.lastEntry;
    this.maxTimestamp = lastTime ? lastTime.timestamp : -1;
    this.offsetOfMaxTimestamp = lastTime ? lastTime.offset : -1;
    this.nextOffset = this.baseOffset;
    await this.scanTail(lastIndexed ? lastIndexed.position : 0);
    if (position === 0) this.rollBaseMs = -1;
    this.sealed = false;
    return Math.max(0, removed);
  }

  /** Marks the segment closed for appends: final time-index entry, indexes written out. */
  seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    if (this.timeIdx && this.maxTimestamp >= 0) this.timeIdx.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    this.persistIndexes();
  }

  persistIndexes(): void {
    if (this.deleted) return;
    this.offsetIdx?.persist();
    this.timeIdx?.persist();
  }

  async sync(): Promise<void> {
    if (!this.closed) await this.io.datasync(this.fd);
  }

  /**
   * The largest timestamp for retention: batches' max, else the file's mtime (as Kafka does).
   * A sealed segment answers from the last time-index entry on disk, without loading its indexes.
   */
  async largestTimestamp(): Promise<number> {
    if (!this.isLoaded && this.sealed) this.peekedMaxTimestamp ??= this.peekMaxTimestamp();
    if (!this.isLoaded && this.peekedMaxTimestamp !== undefined && this.peekedMaxTimestamp >= 0) return this.peekedMaxTimestamp;
    await this.ensureLoaded();
    if (this.maxTimestamp >= 0) return this.maxTimestamp;
    try {
      return fs.statSync(this.logPath).mtimeMs;
    } catch {
      return 0;
    }
  }

  private peekMaxTimestamp(): number {
    try {
      const fd = fs.openSync(this.timeIndexPath, "r");
      try {
        const size = fs.fstatSync(fd).size;
        if (size === 0 || size % TIME_ENTRY_SIZE !== 0) return -1;
        const buf = Buffer.alloc(8);
        fs.readSync(fd, buf, 0, 8, size - TIME_ENTRY_SIZE);
        return readInt64Number(buf, 0);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return -1;
    }
  }

  /** Drops the in-memory indexes of a sealed segment unused for `idleMs`; true when released. */
  unloadIfIdle(nowMs: number, idleMs: number): boolean {
    if (!this.sealed || !this.isLoaded || this.deleted || this.refs > 0 || this.loading) return false;
    if (nowMs - this.lastUsedMs < idleMs) return false;
    this.persistIndexes();
    this.peekedMaxTimestamp = this.maxTimestamp;
    this.offsetIdx = undefined;
    this.timeIdx = undefined;
    return true;
  }

  /** Keeps the fd open while a read is in flight (a deleted segment closes when idle). */
  retain(): void {
    this.refs++;
  }
  release(): void {
    this.refs--;
    if (this.refs === 0 && this.closeWhenIdle) this.closeNow();
  }

  /** No more index writes: the files are renamed away and will be removed. */
  markDeleted(): void {
    this.deleted = true;
  }

  /** Renames the files with `suffix` appended (".deleted", ".swap"…), or back when suffix is "". */
  renameFiles(fromSuffix: string, toSuffix: string): void {
    for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX]) {
      const p = segmentPath(this.dir, this.baseOffset, s);
      try {
        fs.renameSync(p + fromSuffix, p + toSuffix);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
    this.offsetIdx?.markFileStale();
    this.timeIdx?.markFileStale();
  }

  /** Removes the files (already renamed with `suffix`). */
  deleteFiles(suffix: string): void {
    for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX]) {
      fs.rmSync(segmentPath(this.dir, this.baseOffset, s) + suffix, { force: true });
    }
  }

  /** Closes the fd now, or once in-flight reads finish. */
  close(): void {
    if (this.refs > 0) this.closeWhenIdle = true;
    else this.closeNow();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed by a failed operation; nothing left to release.
    }
  }
}

const EMPTY = Buffer.alloc(0);

function maxOffsetEntries(opts: SegmentOptions): number {
  return Math.max(1, Math.floor(opts.segmentIndexBytes / OFFSET_ENTRY_SIZE));
}

function maxTimeEntries(opts: SegmentOptions): number {
  return Math.max(1, Math.floor(opts.segmentIndexBytes / TIME_ENTRY_SIZE));
}
