// When an append is written on the event loop itself instead of libuv's thread pool. Off by
// default (millrace.log.inline.write.max.bytes=0): an opt-in for disks that keep up with writes.
//
// A write to the page cache is a memcpy: ~0.15 ms for the ~450 KB a producer sends per request.
// Through the pool it costs two thread hand-offs, and on a busy machine each hand-off waits for
// the scheduler: at 90k records/s on 2 cores the broker's produce handling (frame in to response
// ready) went from p50 0.88 / p99 3.5–5 ms through the pool to 0.74 / 1.1–3.9 ms inline
// (test/bench/README.md, "appends written on the event loop"); the client's p99 moved less than
// the noise.
//
// A write can also block: the kernel throttles writers when dirty pages pile up, and a write may
// wait for a journal commit. On the loop that stalls every connection, so a write that took
// longer than `slowMs` sends writes back to the pool for `pauseMs`. That bounds the harm but does
// not remove it: with gigabytes of dirty pages being written back, a 3-node cluster at 25k
// records/s saw inline writes block for 44–109 ms, and its p99 was 120–180 ms inline against
// 48–56 ms through the pool. Hence off by default. Logs that fsync every append never write
// inline (PartitionLog decides): their writes meet the journal commit of the previous sync each
// time, which made the tail worse, not better.
/** Off: appends go through the pool unless millrace.log.inline.write.max.bytes says otherwise. */
export const DEFAULT_INLINE_WRITE_MAX_BYTES = 0;
/**
 * A page-cache write of ≤ 1 MiB takes well under 1 ms, but the timing also counts time the thread
 * was preempted (6–9 ms were seen on 2 busy cores); dirty-page throttling blocks for 10–200 ms.
 */
export const INLINE_WRITE_SLOW_MS = 20;
/** How long writes go through the pool after a slow one. */
export const INLINE_WRITE_PAUSE_MS = 10_000;

export interface InlineWritesOptions {
  /** Writes larger than this always go through the pool; 0 turns inline writes off. */
  maxBytes: number;
  slowMs?: number;
  pauseMs?: number;
  /** Called when a slow write pauses inline writes (for a log line). */
  onPause?: (tookMs: number, pauseMs: number) => void;
  /** Monotonic milliseconds with sub-millisecond precision, for write times and the pause (performance.now by default). */
  now?: () => number;
}

export class InlineWrites {
  private readonly maxBytes: number;
  private readonly slowMs: number;
  private readonly pauseMs: number;
  private readonly now: () => number;
  private pausedUntilMs = 0;
  /** Writes done on the loop, and pauses taken (for tests and diagnostics). */
  inlineWrites = 0;
  pauses = 0;

  constructor(private readonly opts: InlineWritesOptions) {
    this.maxBytes = opts.maxBytes;
    this.slowMs = opts.slowMs ?? INLINE_WRITE_SLOW_MS;
    this.pauseMs = opts.pauseMs ?? INLINE_WRITE_PAUSE_MS;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Whether a write of `bytes` may run on the loop now. */
  allows(bytes: number): boolean {
    return bytes <= this.maxBytes && this.now() >= this.pausedUntilMs;
  }

  /**
   * Runs the blocking `write`, timed; its failure becomes the returned promise's rejection. The
   * promise settles in a later turn of the event loop (setImmediate), as a pooled write's does, so
   * callers see one completion order whichever path wrote. Settling at once first exposed a lost
   * wake-up in the fetch long poll (a write landing between an awaited read and the wait; fixed in
   * handlers/fetch/wait-for-logs.ts). With that fixed, settling at once measured the same
   * (`npm run bench -- --cluster --quick --brokers millrace --latency 10`: p99 11–14 ms either way).
   */
  write(write: () => void): Promise<void> {
    const started = this.now();
    let outcome: { failure: unknown } | undefined;
    try {
      write();
    } catch (failure) {
      outcome = { failure };
    }
    this.inlineWrites++;
    this.took(started);
    return new Promise((resolve, reject) => setImmediate(() => (outcome ? reject(outcome.failure) : resolve())));
  }

  private took(started: number): void {
    const now = this.now();
    const ms = now - started;
    if (ms <= this.slowMs) return;
    this.pausedUntilMs = now + this.pauseMs;
    this.pauses++;
    this.opts.onPause?.(ms, this.pauseMs);
  }
}
