// A small seeded PRNG (mulberry32) so a crash run can be replayed: the test prints its seed and
// CRASH_SEED=<seed> repeats the same kill delays and batch shapes. (Scheduling still varies from
// run to run; the seed pins down every choice the test itself makes.)

export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** An independent generator for a sub-task (one per producer), reproducible from this one. */
  fork(): SeededRandom {
    return new SeededRandom(Math.floor(this.next() * 4294967296));
  }
}

/** The seed from CRASH_SEED, or a fresh one. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.CRASH_SEED;
  if (fromEnv !== undefined && fromEnv !== "") {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`CRASH_SEED must be a uint32, not ${fromEnv}`);
    return seed;
  }
  return Math.floor(Math.random() * 4294967296);
}
