// When to fsync, and group commit: callers waiting for durability up to some offset share one
// sync; appends that arrive while a sync runs are covered by the next one.
import type { LogConfig } from "./log-config.js";

/** flush.messages=1 makes every append wait for its fsync, and the high watermark follow syncs. */
export function syncsEveryAppend(config: LogConfig): boolean {
  return config.flushMessages <= 1;
}

/** Whether a periodic check (flush.ms) should flush now. */
export function flushDueByTime(config: LogConfig, lastFlushMs: number, nowMs: number, unflushed: number): boolean {
  return unflushed > 0 && nowMs - lastFlushMs >= config.flushMs;
}

export function flushDueByMessages(config: LogConfig, unflushed: number): boolean {
  return unflushed >= config.flushMessages;
}

interface Waiter {
  offset: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces sync requests. `sync()` makes durable everything written when it starts, which is
 * reported by `writtenEnd()`; waiters resolve once the synced end passes their offset.
 */
export class GroupCommit {
  private waiters: Waiter[] = [];
  private running = false;
  private failed: unknown;
  syncs = 0;

  constructor(
    private syncedEnd: number,
    private readonly writtenEnd: () => number,
    private readonly sync: () => Promise<void>,
    private readonly onSynced: (end: number) => void,
  ) {}

  get synced(): number {
    return this.syncedEnd;
  }

  /** Resolves when everything below `offset` is synced. */
  request(offset: number): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (offset <= this.syncedEnd) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ offset, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  /** After a truncation the synced end can move back. */
  reset(end: number): void {
    this.syncedEnd = Math.min(this.syncedEnd, end);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiters.length > 0) {
        const target = this.writtenEnd();
        if (target <= this.syncedEnd) {
          // Nothing new is written yet: waiters are for bytes still in the write queue; the
          // writer calls request() again when they land.
          break;
        }
        await this.sync();
        this.syncs++;
        this.syncedEnd = target;
        this.onSynced(target);
        const still: Waiter[] = [];
        for (const w of this.waiters) {
          if (w.offset <= target) w.resolve();
          else still.push(w);
        }
        this.waiters = still;
      }
    } catch (err) {
      this.failed = err;
      for (const w of this.waiters) w.reject(err);
      this.waiters = [];
    } finally {
      this.running = false;
    }
  }

  /** Restarts waiting requests whose bytes have now been written. */
  kick(): void {
    if (!this.running && this.waiters.length > 0 && this.writtenEnd() > this.syncedEnd) void this.run();
  }
}
