// What a mutation is: a named function from one corpus frame (size prefix included) to a new frame.
// Most edit the request (header + body) and then write the true size prefix, so the edit reaches
// the broker's decoders; a few lie about the size on purpose to attack the framing itself.
import type { Prng } from "../prng.js";

export interface MutationContext {
  readonly rng: Prng;
  /** Another corpus frame, for splicing. */
  otherFrame(): Buffer;
}

export interface Mutation {
  readonly name: string;
  /** The mutated frame (a new buffer; the input is never changed), or undefined if it does not apply. */
  apply(frame: Buffer, ctx: MutationContext): Buffer | undefined;
}

export const SIZE_PREFIX_BYTES = 4;

/** The request after the size prefix. */
export function requestOf(frame: Buffer): Buffer {
  return frame.subarray(SIZE_PREFIX_BYTES);
}

/** A new frame around `request` with an honest size prefix. */
export function framed(request: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(SIZE_PREFIX_BYTES + request.length);
  frame.writeInt32BE(request.length, 0);
  request.copy(frame, SIZE_PREFIX_BYTES);
  return frame;
}

/** A mutation of the request bytes; the size prefix is rewritten to match the result. */
export function requestMutation(name: string, edit: (request: Buffer, ctx: MutationContext) => Buffer | undefined): Mutation {
  return {
    name,
    apply(frame, ctx) {
      const edited = edit(Buffer.from(requestOf(frame)), ctx);
      return edited && framed(edited);
    },
  };
}

/**
 * A position to edit: half the time within the first 64 bytes, where the header and the outer
 * fields (lengths, counts) that steer every later read sit; otherwise anywhere.
 */
export function position(length: number, rng: Prng): number {
  if (length <= 0) return 0;
  return rng.chance(0.5) ? rng.below(Math.min(length, 64)) : rng.below(length);
}
