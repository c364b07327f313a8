// Time and timers for the coordinator, injectable so tests drive session, rebalance and retention
// timeouts by moving a manual clock instead of sleeping.

export interface Timer {
  now(): number;
  /** Runs `fn` after `delayMs`; returns a function that cancels it. */
  schedule(delayMs: number, fn: () => void): () => void;
}

/** Wall-clock timers that never hold the process open. */
export const systemTimer: Timer = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, Math.min(delayMs, 0x7fffffff)));
    t.unref();
    return () => clearTimeout(t);
  },
};

interface ManualTask {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** A timer tests move by hand; due tasks run in deadline order (ties in scheduling order). */
export class ManualTimer implements Timer {
  private tasks: ManualTask[] = [];
  private seq = 0;

  constructor(private current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const task: ManualTask = { at: this.current + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.tasks.push(task);
    return () => {
      task.cancelled = true;
    };
  }

  /** Moves time forward, running every task that falls due, including ones scheduled meanwhile. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.tasks = this.tasks.filter((t) => !t.cancelled);
      let next: ManualTask | undefined;
      for (const t of this.tasks) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      next.cancelled = true;
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }

  /** Tasks still waiting to run. */
  get pending(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }
}

/** Timers by name: scheduling a key again replaces its previous timer, as Kafka's coordinator timer does. */
export class KeyedTimers {
  private readonly cancels = new Map<string, () => void>();
  private stopped = false;

  constructor(private readonly timer: Timer) {}

  schedule(key: string, delayMs: number, fn: () => void): void {
    this.cancel(key);
    // Writes completing after shutdown must not bring timers back.
    if (this.stopped) return;
    const cancel = this.timer.schedule(delayMs, () => {
      if (this.cancels.get(key) === cancel) this.cancels.delete(key);
      fn();
    });
    this.cancels.set(key, cancel);
  }

  cancel(key: string): void {
    const cancel = this.cancels.get(key);
    if (!cancel) return;
    this.cancels.delete(key);
    cancel();
  }

  has(key: string): boolean {
    return this.cancels.has(key);
  }

  cancelAll(): void {
    for (const cancel of this.cancels.values()) cancel();
    this.cancels.clear();
  }

  /** Cancels every timer and refuses new ones. */
  stop(): void {
    this.stopped = true;
    this.cancelAll();
  }

  get size(): number {
    return this.cancels.size;
  }
}
