// The controller's work queue, after client-go's workqueue:
// - a key is queued at most once (dirty set): ten events for one object, one reconcile;
// - a key being processed is never handed to a second worker; if it is added
//   meanwhile, it is queued again once when done() is called for it;
// - addAfter() delays a key (requeueAfter; the earliest of several delays wins);
// - addRateLimited() delays it by its per-key backoff, forget() resets that.
import { KeyBackoff, type BackoffOptions } from "./backoff.js";
import { systemClock, type Clock, type Timer } from "./clock.js";

/** What the queue reports, for metrics (see metrics.ts). */
export interface QueueObserver {
  added?(): void;
  retried?(): void;
  depth?(depth: number): void;
  /** Time from being queued to being handed to a worker. */
  waited?(seconds: number): void;
  /** Time a worker held the key (get → done). */
  worked?(seconds: number): void;
}

export interface WorkQueueOptions extends BackoffOptions {
  clock?: Clock;
  observer?: QueueObserver;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly queuedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: Timer }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly observer: QueueObserver;
  readonly backoff: KeyBackoff;

  constructor(opts: WorkQueueOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.observer = opts.observer ?? {};
    this.backoff = new KeyBackoff(opts);
  }

  get length(): number {
    return this.queue.length;
  }

  /** Keys waiting on a delay (requeueAfter or backoff). */
  get delayedCount(): number {
    return this.delayed.size;
  }

  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.observer.added?.();
    this.dirty.add(key);
    this.queuedAt.set(key, this.clock.now());
    // Processing: done() queues it again, so no two workers hold the key.
    if (this.processing.has(key)) return;
    this.push(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.clock.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    existing?.timer.cancel();
    const timer = this.clock.setTimer(delayMs, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { at, timer });
  }

  /** Queues key again after its backoff; returns the delay chosen. */
  addRateLimited(key: string): number {
    const delay = this.backoff.next(key);
    this.observer.retried?.();
    this.addAfter(key, delay);
    return delay;
  }

  forget(key: string): void {
    this.backoff.forget(key);
  }

  /** The next key, or undefined once the queue shuts down. The caller must call done(key). */
  get(): Promise<string | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    if (!this.processing.delete(key)) return;
    const started = this.startedAt.get(key);
    this.startedAt.delete(key);
    if (started !== undefined) this.observer.worked?.((this.clock.now() - started) / 1000);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
  }

  /** Stops handing out keys: waiting get() calls resolve undefined, delayed adds are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) d.timer.cancel();
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private push(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queue.push(key);
      waiter(this.take());
      return;
    }
    this.queue.push(key);
    this.observer.depth?.(this.queue.length);
  }

  private take(): string {
    const key = this.queue.shift()!;
    this.observer.depth?.(this.queue.length);
    this.dirty.delete(key);
    this.processing.add(key);
    const queued = this.queuedAt.get(key);
    this.queuedAt.delete(key);
    const now = this.clock.now();
    if (queued !== undefined) this.observer.waited?.((now - queued) / 1000);
    this.startedAt.set(key, now);
    return key;
  }
}
