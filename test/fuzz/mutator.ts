// The deterministic frame generator: from a seed and the corpus, an endless sequence of mutated
// frames. Each picks a source frame (API first, uniformly, so rare APIs get as much attention as
// Fetch and Produce), then a strategy by weight; "havoc" stacks several byte edits. The same seed
// and corpus give the same sequence, whatever the timing of the run.
import { bitFlips, BYTE_MUTATIONS } from "./mutations/byte-mutations.js";
import { HEADER_MUTATIONS } from "./mutations/header-mutations.js";
import type { Mutation, MutationContext } from "./mutations/mutation.js";
import { produceBatch } from "./mutations/produce-batches.js";
import { SIZE_LIES } from "./mutations/size-lies.js";
import { Prng } from "./prng.js";

export interface MutatedFrame {
  readonly bytes: Buffer;
  readonly strategy: string;
}

interface Weighted {
  readonly mutation: Mutation;
  readonly weight: number;
}

const havoc: Mutation = {
  name: "havoc",
  apply(frame, ctx) {
    let current = frame;
    for (let n = ctx.rng.between(2, 5); n > 0; n--) current = ctx.rng.pick(BYTE_MUTATIONS).apply(current, ctx) ?? current;
    return current;
  },
};

const STRATEGIES: readonly Weighted[] = [
  ...BYTE_MUTATIONS.map((mutation) => ({ mutation, weight: 5 })),
  ...HEADER_MUTATIONS.map((mutation) => ({ mutation, weight: 3 })),
  ...SIZE_LIES.map((mutation) => ({ mutation, weight: 2 })),
  // Applies to Produce frames only; others fall through to a byte edit.
  { mutation: produceBatch, weight: 12 },
  { mutation: havoc, weight: 10 },
];
const TOTAL_WEIGHT = STRATEGIES.reduce((sum, s) => sum + s.weight, 0);

export class FrameMutator {
  private readonly rng: Prng;
  private readonly byApi: Buffer[][];
  private readonly produceFrames: Buffer[];
  private readonly ctx: MutationContext;

  constructor(frames: readonly Buffer[], seed: number) {
    if (frames.length === 0) throw new Error("empty corpus");
    this.rng = new Prng(seed);
    const groups = new Map<number, Buffer[]>();
    for (const f of frames) {
      const key = f.readInt16BE(4);
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    this.byApi = [...groups.entries()].sort(([a], [b]) => a - b).map(([, list]) => list);
    this.produceFrames = groups.get(0) ?? [];
    const all = [...frames];
    this.ctx = { rng: this.rng, otherFrame: () => this.rng.pick(all) };
  }

  next(): MutatedFrame {
    const strategy = this.pickStrategy();
    // Batch edits need a Produce frame: draw the source from those instead of from every API.
    const source = strategy === produceBatch && this.produceFrames.length > 0 ? this.rng.pick(this.produceFrames) : this.rng.pick(this.rng.pick(this.byApi));
    const mutated = strategy.apply(source, this.ctx);
    if (mutated && !mutated.equals(source)) return { bytes: mutated, strategy: strategy.name };
    // Not applicable, or an edit that changed nothing (a byte set to its own value): flip bits.
    let fallback = bitFlips.apply(source, this.ctx)!;
    while (fallback.equals(source)) fallback = bitFlips.apply(source, this.ctx)!;
    return { bytes: fallback, strategy: bitFlips.name };
  }

  private pickStrategy(): Mutation {
    let ticket = this.rng.below(TOTAL_WEIGHT);
    for (const s of STRATEGIES) {
      ticket -= s.weight;
      if (ticket < 0) return s.mutation;
    }
    return STRATEGIES[STRATEGIES.length - 1]!.mutation;
  }
}
