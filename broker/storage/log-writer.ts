// The write path of one log: queued appends become positional writev calls, several in flight
// at once (libuv runs them in parallel on its pool, all to one segment), completed strictly in
// queue order.
// Appends that pile up behind writes in flight are coalesced into one writev. A write the host's
// InlineWrites allows runs on the loop instead (inline-writes.ts): its bytes are in the file
// before pump returns, and its completion arrives in a later turn through the same chain as a
// pooled write's.
import type { FileIo } from "./file-io.js";
import type { InlineWrites } from "./inline-writes.js";
import type { LogSegment } from "./segment.js";

export interface WriteItem {
  kind: "write";
  segment: LogSegment;
  position: number;
  buf: Buffer;
  /** The log end once this item is written. */
  endOffset: number;
  messages: number;
  done: (err?: unknown) => void;
}

/** Work that must start after every earlier write completed (sealing a rolled segment). */
export interface TaskItem {
  kind: "task";
  run: () => Promise<void>;
}

export interface WriterHost {
  /** How many writes may be in flight now. */
  maxInFlight(): number;
  /** The policy for writing on the loop, or undefined when this log's writes all go to the pool. */
  inlineWrites(): InlineWrites | undefined;
  /** The failure that took the log offline, if any. */
  failure(): unknown;
  fail(err: unknown): void;
  /** Called in queue order once `items` are in the file, ending at byte `end` of `segment`. */
  written(items: WriteItem[], segment: LogSegment, end: number): void;
}

export class LogWriter {
  private queue: (WriteItem | TaskItem)[] = [];
  private inFlight = 0;
  /** The segment the writes in flight go to. */
  private inFlightSegment: LogSegment | undefined;
  private completions: Promise<void> = Promise.resolve();
  private readonly tasks = new Set<Promise<unknown>>();
  private idleWaiters: (() => void)[] = [];
  writes = 0;

  constructor(
    private readonly io: FileIo,
    private readonly host: WriterHost,
  ) {}

  enqueue(item: WriteItem | TaskItem): void {
    this.queue.push(item);
    this.pump();
  }

  /** Resolves when every queued write is done and background tasks finished. */
  async drain(): Promise<void> {
    if (this.inFlight > 0 || (this.queue.length > 0 && this.host.failure() === undefined)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await this.completions;
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** Fails every queued, not yet started item (the log went offline). */
  rejectQueued(err: unknown): void {
    const items = this.queue;
    this.queue = [];
    for (const i of items) if (i.kind === "write") i.done(err);
  }

  private pump(): void {
    const max = this.host.maxInFlight();
    while (this.queue.length > 0 && this.inFlight < max && this.host.failure() === undefined) {
      const first = this.queue[0]!;
      if (first.kind === "task") {
        this.queue.shift();
        this.completions = this.completions
          .then(() => {
            if (this.host.failure() !== undefined) return;
            const task = first.run().catch((err) => this.host.fail(err));
            this.tasks.add(task);
            void task.finally(() => this.tasks.delete(task));
          })
          .catch((err) => this.host.fail(err));
        continue;
      }
      // The first write to a new segment (after a roll) waits for the writes to the old one: the
      // new file must never hold bytes while the old one may still lack some, or a crash could
      // leave unacknowledged data beyond a hole that recovery cannot tell from compaction's gaps.
      if (this.inFlight > 0 && first.segment !== this.inFlightSegment) break;
      let n = 1;
      let bytes = first.buf.length;
      while (n < this.queue.length) {
        const next = this.queue[n]!;
        if (next.kind !== "write" || next.segment !== first.segment || next.position !== first.position + bytes) break;
        bytes += next.buf.length;
        n++;
      }
      const items = this.queue.splice(0, n) as WriteItem[];
      this.inFlight++;
      this.inFlightSegment = first.segment;
      const write = this.startWrite(first.segment.fd, items.map((i) => i.buf), first.position, bytes);
      write.catch(() => undefined);
      this.completions = this.completions
        .then(() => this.complete(write, items, first.segment, first.position + bytes))
        .catch((err) => this.host.fail(err));
    }
    this.notifyIdle();
  }

  private startWrite(fd: number, buffers: Buffer[], position: number, bytes: number): Promise<void> {
    const io = this.io;
    const inline = io.writevSync ? this.host.inlineWrites() : undefined;
    if (inline?.allows(bytes)) return inline.write(() => io.writevSync!(fd, buffers, position));
    return io.writev(fd, buffers, position);
  }

  private async complete(write: Promise<void>, items: WriteItem[], segment: LogSegment, end: number): Promise<void> {
    try {
      await write;
    } catch (err) {
      this.host.fail(err);
    }
    this.inFlight--;
    const failure = this.host.failure();
    if (failure !== undefined) {
      for (const i of items) i.done(failure);
      this.notifyIdle();
      return;
    }
    this.writes++;
    this.host.written(items, segment, end);
    this.pump();
  }

  private notifyIdle(): void {
    const failure = this.host.failure();
    if (this.inFlight > 0 || (this.queue.length > 0 && failure === undefined)) return;
    if (failure !== undefined) this.rejectQueued(failure);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
