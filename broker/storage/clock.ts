// Time and timers, injectable so tests drive rolls, retention and delays without sleeping.

export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private now = 1_700_000_000_000) {}
  nowMs(): number {
    return this.now;
  }
  advance(ms: number): void {
    this.now += ms;
  }
  set(ms: number): void {
    this.now = ms;
  }
}

/** Runs `fn` after `delayMs`; a zero delay runs it on the next macrotask. Timers never hold the process open. */
export function schedule(delayMs: number, fn: () => void): () => void {
  const t = setTimeout(fn, Math.max(0, Math.min(delayMs, 0x7fffffff)));
  t.unref();
  return () => clearTimeout(t);
}
