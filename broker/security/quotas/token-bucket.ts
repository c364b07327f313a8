// The controller mutation quota's measure (KIP-599), as Kafka's TokenBucket: a bucket holding at
// most `burst` = rate × samples × window seconds tokens, refilled at `rate` per second, starting
// full. Each partition created or deleted takes a token; the bucket may go negative (a request is
// never cut in half), and while it is negative the quota is exceeded.

export class TokenBucket {
  private tokens: number | null = null;
  private lastUpdateMs = 0;
  lastRecordMs = 0;

  constructor(
    private readonly sampleCount: number,
    private readonly windowMs: number,
  ) {}

  /** Tokens left now under `rate` per second (negative: in debt). */
  tokensAt(rate: number, nowMs: number): number {
    const burst = this.burst(rate);
    if (this.tokens === null) this.tokens = burst;
    else this.tokens = Math.min(burst, this.tokens + (rate * Math.max(0, nowMs - this.lastUpdateMs)) / 1000);
    this.lastUpdateMs = Math.max(this.lastUpdateMs, nowMs);
    return this.tokens;
  }

  take(permits: number, rate: number, nowMs: number): void {
    this.lastRecordMs = nowMs;
    this.tokens = Math.min(this.burst(rate), this.tokensAt(rate, nowMs) - permits);
  }

  private burst(rate: number): number {
    return (rate * this.sampleCount * this.windowMs) / 1000;
  }
}
