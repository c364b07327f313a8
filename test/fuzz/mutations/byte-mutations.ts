// Blind edits of the request bytes (header and body alike): flips, boundary values, varints,
// truncation, garbage, chunk duplication and deletion, and splicing with another frame.
import { INTERESTING_BYTES, INTERESTING_INT16, INTERESTING_INT32, INTERESTING_VARINTS } from "./interesting-values.js";
import { position, requestMutation, requestOf, type Mutation } from "./mutation.js";

export const bitFlips: Mutation = requestMutation("bit-flips", (req, { rng }) => {
  if (req.length === 0) return undefined;
  const flips = rng.between(1, 8);
  for (let i = 0; i < flips; i++) req[position(req.length, rng)]! ^= 1 << rng.below(8);
  return req;
});

export const interestingByte: Mutation = requestMutation("interesting-byte", (req, { rng }) => {
  if (req.length === 0) return undefined;
  req[position(req.length, rng)] = rng.pick(INTERESTING_BYTES);
  return req;
});

export const interestingInt16: Mutation = requestMutation("interesting-int16", (req, { rng }) => {
  if (req.length < 2) return undefined;
  req.writeInt16BE(rng.pick(INTERESTING_INT16), position(req.length - 1, rng));
  return req;
});

export const interestingInt32: Mutation = requestMutation("interesting-int32", (req, { rng }) => {
  if (req.length < 4) return undefined;
  req.writeInt32BE(rng.pick(INTERESTING_INT32), position(req.length - 3, rng));
  return req;
});

/** A boundary varint written over, or inserted at, a random position. */
export const interestingVarint: Mutation = requestMutation("interesting-varint", (req, { rng }) => {
  const varint = Buffer.from(rng.pick(INTERESTING_VARINTS));
  const at = position(req.length, rng);
  if (rng.chance(0.5)) return Buffer.concat([req.subarray(0, at), varint, req.subarray(at)]);
  const out = Buffer.concat([req, Buffer.alloc(Math.max(0, at + varint.length - req.length))]);
  varint.copy(out, at);
  return out;
});

/** Cut short, with an honest size: every field after the cut is missing. */
export const truncate: Mutation = requestMutation("truncate", (req, { rng }) => {
  if (req.length === 0) return undefined;
  return req.subarray(0, rng.below(req.length));
});

export const appendGarbage: Mutation = requestMutation("append-garbage", (req, { rng }) =>
  Buffer.concat([req, rng.bytes(rng.between(1, rng.chance(0.9) ? 16 : 4096))]),
);

export const overwriteRandom: Mutation = requestMutation("overwrite-random", (req, { rng }) => {
  if (req.length === 0) return undefined;
  const at = position(req.length, rng);
  rng.bytes(Math.min(req.length - at, rng.between(1, 32))).copy(req, at);
  return req;
});

export const duplicateChunk: Mutation = requestMutation("duplicate-chunk", (req, { rng }) => {
  if (req.length < 2) return undefined;
  const from = rng.below(req.length);
  const chunk = req.subarray(from, from + rng.between(1, Math.min(256, req.length - from)));
  const at = position(req.length, rng);
  return Buffer.concat([req.subarray(0, at), chunk, req.subarray(at)]);
});

export const deleteChunk: Mutation = requestMutation("delete-chunk", (req, { rng }) => {
  if (req.length < 2) return undefined;
  const at = position(req.length, rng);
  const n = rng.between(1, Math.min(64, req.length - at));
  return Buffer.concat([req.subarray(0, at), req.subarray(at + n)]);
});

/** The head of this request joined to the tail of another. */
export const splice: Mutation = requestMutation("splice", (req, { rng, otherFrame }) => {
  const other = requestOf(otherFrame());
  if (req.length === 0 || other.length === 0) return undefined;
  return Buffer.concat([req.subarray(0, rng.below(req.length + 1)), other.subarray(rng.below(other.length))]);
});

export const BYTE_MUTATIONS: readonly Mutation[] = [
  bitFlips,
  interestingByte,
  interestingInt16,
  interestingInt32,
  interestingVarint,
  truncate,
  appendGarbage,
  overwriteRandom,
  duplicateChunk,
  deleteChunk,
  splice,
];
