// Frames whose size prefix lies. Smaller than the request: the broker reads a cut request and then
// takes the rest as the start of the next frame. Bigger: it waits for bytes that belong to later
// frames (or never come). Negative or above socket.request.max.bytes: Kafka closes the connection
// before buffering anything — a 2 GB claim must not make the broker allocate 2 GB.
import { KAFKA_MAX_REQUEST_BYTES } from "./interesting-values.js";
import { requestOf, SIZE_PREFIX_BYTES, type Mutation } from "./mutation.js";

export const lyingSize: Mutation = {
  name: "lying-size",
  apply(frame, { rng }) {
    const actual = requestOf(frame).length;
    const lie = rng.pick([
      () => actual + rng.between(1, 64),
      () => Math.max(0, actual - rng.between(1, 64)),
      () => 0,
      () => -1,
      () => -0x80000000,
      () => 0x7fffffff,
      () => KAFKA_MAX_REQUEST_BYTES + 1,
      () => KAFKA_MAX_REQUEST_BYTES,
      () => 2 ** 31 - 16,
      () => actual * 2 + rng.below(1_000_000),
    ])();
    const out = Buffer.from(frame);
    out.writeInt32BE(lie | 0, 0);
    return out;
  },
};

/** Only the first bytes of a frame, size prefix included: the stream continues mid-frame. */
export const tornFrame: Mutation = {
  name: "torn-frame",
  apply(frame, { rng }) {
    if (frame.length <= 1) return undefined;
    const keep = rng.chance(0.3) ? rng.between(1, SIZE_PREFIX_BYTES - 1) : rng.between(1, frame.length - 1);
    return Buffer.from(frame.subarray(0, keep));
  },
};

export const SIZE_LIES: readonly Mutation[] = [lyingSize, tornFrame];
