// Runs the liveness check (liveness.ts) every few seconds while frames are sent, one at a time,
// recording the slowest answer and the broker's peak resident memory; the first failure aborts
// the run through `signal`.
import type { BrokerUnderFuzz } from "./broker-under-fuzz.js";
import { checkLiveness } from "./liveness.js";

/** Answers slower than this are reported as they happen (the deadline is 10 s). */
const SLOW_MS = 1_000;
/** A heartbeat progress line every this many checks, so a long run shows it is alive. */
const HEARTBEAT_EVERY_CHECKS = 15;

export class LivenessMonitor {
  checks = 0;
  maxLatencyMs = 0;
  peakRssBytes = 0;
  failure: string | undefined;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private chain = Promise.resolve();

  constructor(
    private readonly broker: BrokerUnderFuzz,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly progress: (line: string) => void,
  ) {}

  /** Aborted at the first failed check. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => (this.chain = this.chain.then(() => this.check())), everyMs);
  }

  /** Stops the periodic checks and runs a last one. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
    await this.check();
  }

  private async check(): Promise<void> {
    const result = await checkLiveness(this.broker, this.topic, this.partitions);
    this.checks++;
    this.maxLatencyMs = Math.max(this.maxLatencyMs, result.latencyMs);
    this.peakRssBytes = Math.max(this.peakRssBytes, this.broker.rssBytes() ?? 0);
    if (result.latencyMs > SLOW_MS) this.progress(`slow liveness check: ${result.latencyMs} ms${result.ok ? "" : ` (${result.problem})`}`);
    if (this.checks % HEARTBEAT_EVERY_CHECKS === 0) {
      this.progress(`… ${this.checks} liveness checks, peak rss ${Math.round(this.peakRssBytes / 2 ** 20)} MB`);
    }
    if (!result.ok && this.failure === undefined) {
      this.failure = result.problem;
      this.abort.abort();
    }
  }
}
