// Edits of the request header (api key, api version, correlation id, client id, tagged fields),
// which decide how the broker reads everything else. A version moved by one across the flexible
// boundary makes the body be read with the other encoding (compact vs classic lengths).
import { INTERESTING_VARINTS } from "./interesting-values.js";
import { requestMutation, type Mutation } from "./mutation.js";

const HEADER_FIXED_BYTES = 8; // api key, api version, correlation id
/** Keys of APIs Kafka has that this broker does not serve, unassigned keys and nonsense. */
const UNUSUAL_API_KEYS = [-1, -32768, 4, 5, 6, 7, 17, 24, 36, 50, 57, 67, 86, 99, 1000, 32767];
/** Keys this broker serves: the body is then read as a different request. */
const SERVED_API_KEYS = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 32, 33, 35, 37, 42, 44, 47, 60, 68, 69];

export const apiKeyChange: Mutation = requestMutation("api-key", (req, { rng }) => {
  if (req.length < 2) return undefined;
  req.writeInt16BE(rng.pick(rng.chance(0.5) ? UNUSUAL_API_KEYS : SERVED_API_KEYS), 0);
  return req;
});

export const apiVersionChange: Mutation = requestMutation("api-version", (req, { rng }) => {
  if (req.length < 4) return undefined;
  const version = req.readInt16BE(2);
  const next = rng.pick([version + 1, version - 1, version + 2, version - 2, 0, -1, 0x7fff, -0x8000, rng.between(0, 20)]);
  req.writeInt16BE(((next + 0x8000) & 0xffff) - 0x8000, 2);
  return req;
});

/** The client id's int16 length: null, oversized, or off by a little. */
export const clientIdLengthLie: Mutation = requestMutation("client-id-length", (req, { rng }) => {
  if (req.length < HEADER_FIXED_BYTES + 2) return undefined;
  const actual = req.readInt16BE(HEADER_FIXED_BYTES);
  req.writeInt16BE(rng.pick([-1, -2, 0x7fff, actual + 1, actual + rng.between(2, 100), Math.max(0, actual - 1)]), HEADER_FIXED_BYTES);
  return req;
});

/**
 * Garbage tagged fields where the header's tagged-field section starts (right after the client
 * id in header v2): counts, tags and sizes taken from the boundary varints.
 */
export const headerTaggedFields: Mutation = requestMutation("header-tagged-fields", (req, { rng }) => {
  if (req.length < HEADER_FIXED_BYTES + 2) return undefined;
  const clientIdLength = Math.max(0, req.readInt16BE(HEADER_FIXED_BYTES));
  const at = Math.min(req.length, HEADER_FIXED_BYTES + 2 + clientIdLength);
  const varint = () => Buffer.from(rng.pick(INTERESTING_VARINTS));
  const section = rng.chance(0.5)
    ? Buffer.concat([varint(), varint(), varint(), rng.bytes(rng.below(8))])
    : Buffer.concat([Buffer.from([0x01]), varint(), Buffer.from([rng.below(8)]), rng.bytes(rng.below(8))]);
  // Replace the section's first byte (the count, 0 in every captured frame) or insert before it.
  return Buffer.concat([req.subarray(0, at), section, req.subarray(rng.chance(0.7) ? at + 1 : at)]);
});

export const correlationId: Mutation = requestMutation("correlation-id", (req, { rng }) => {
  if (req.length < HEADER_FIXED_BYTES) return undefined;
  req.writeInt32BE(rng.pick([0, -1, 0x7fffffff, -0x80000000]), 4);
  return req;
});

export const HEADER_MUTATIONS: readonly Mutation[] = [apiKeyChange, apiVersionChange, clientIdLengthLie, headerTaggedFields, correlationId];
