// A rate measured as Kafka's quota sensors measure it (SampledStat + Rate): values are summed into
// `samples` consecutive windows of `windowMs`; a window that has aged `samples` × `windowMs` is
// reset. The rate is the sum over the live windows divided by the time they span, counted as at
// least (samples − 1) whole windows so that one burst after a quiet spell is spread over the
// whole window rather than judged against a few milliseconds.

interface Sample {
  start: number;
  value: number;
}

export class RateWindow {
  private readonly samples: Sample[] = [];
  private current = 0;
  /** When a value was last recorded: idle windows can be dropped by their owner. */
  lastRecordMs = 0;

  constructor(
    private readonly sampleCount: number,
    private readonly windowMs: number,
  ) {
    if (sampleCount < 1 || windowMs < 1) throw new Error(`rate window needs samples ≥ 1 and a window ≥ 1 ms (got ${sampleCount}, ${windowMs})`);
  }

  record(value: number, nowMs: number): void {
    this.lastRecordMs = nowMs;
    let sample = this.samples[this.current];
    if (!sample) {
      sample = { start: nowMs, value: 0 };
      this.samples.push(sample);
    } else if (nowMs - sample.start >= this.windowMs) {
      this.current = (this.current + 1) % this.sampleCount;
      sample = this.samples[this.current];
      if (sample) {
        sample.start = nowMs;
        sample.value = 0;
      } else {
        sample = { start: nowMs, value: 0 };
        this.samples.push(sample);
      }
    }
    sample.value += value;
  }

  /** Units per second over the live windows. */
  rate(nowMs: number): number {
    this.purge(nowMs);
    let total = 0;
    for (const s of this.samples) total += s.value;
    return (total * 1000) / this.windowSizeMs(nowMs);
  }

  /** The time the rate is divided by: from the oldest live window's start, at least (samples − 1) windows. */
  windowSizeMs(nowMs: number): number {
    this.purge(nowMs);
    let oldest = nowMs;
    for (const s of this.samples) oldest = Math.min(oldest, s.start);
    let elapsed = nowMs - oldest;
    const fullWindows = Math.floor(elapsed / this.windowMs);
    const minFullWindows = this.sampleCount - 1;
    if (fullWindows < minFullWindows) elapsed += (minFullWindows - fullWindows) * this.windowMs;
    return Math.max(elapsed, 1);
  }

  /** Windows older than the whole span count for nothing: they restart empty, now. */
  private purge(nowMs: number): void {
    const expireAge = this.sampleCount * this.windowMs;
    for (const s of this.samples) {
      if (nowMs - s.start >= expireAge) {
        s.start = nowMs;
        s.value = 0;
      }
    }
  }
}
