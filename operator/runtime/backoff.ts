// Per-key exponential backoff, as client-go's ItemExponentialFailureRateLimiter
// (controller-runtime's default: 5 ms doubling to 1000 s): the n-th consecutive
// failure of a key waits base * 2^(n-1), capped; forget() after a success resets it.
export interface BackoffOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_BASE_DELAY_MS = 5;
export const DEFAULT_MAX_DELAY_MS = 1_000_000;

export class KeyBackoff {
  private readonly failures = new Map<string, number>();
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;

  constructor(opts: BackoffOptions = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    this.maxDelayMs = opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    if (!(this.baseDelayMs > 0) || !(this.maxDelayMs >= this.baseDelayMs)) {
      throw new Error(`bad backoff: base ${this.baseDelayMs} ms, max ${this.maxDelayMs} ms (want 0 < base <= max)`);
    }
  }

  /** Records one more failure of key and returns how long to wait before retrying it. */
  next(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity long after the cap: Math.min keeps it finite.
    return Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}
