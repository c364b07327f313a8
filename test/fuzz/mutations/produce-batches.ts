// Mutations of the record batches inside Produce requests — the bytes that end up on disk:
// CRC, magic, record count, lengths, offsets, attributes, producer fields, record framing.
// Half the time the CRC is recomputed afterwards, so the broker's checks behind the CRC check
// (magic, counts, offsets, control bits, record framing) are reached too.
import { crc32c } from "@node-rs/crc32";
import { peekApiKeyAndVersion, readHeader, requestHeaderVersion } from "../../../broker/network/request-header.js";
import { readProduceRequest } from "../../../broker/protocol/generated/produce-request.gen.js";
import { BATCH, batchViews, LOG_OVERHEAD } from "../../../broker/protocol/records.js";
import type { Prng } from "../prng.js";
import { INTERESTING_INT32, INTERESTING_VARINTS } from "./interesting-values.js";
import { requestOf, type Mutation } from "./mutation.js";

const PRODUCE = 0;
const PRODUCE_FLEXIBLE_FROM = 9;

/** A batch's start (an offset into the frame, size prefix included) and total size. */
interface BatchLocation {
  start: number;
  size: number;
}

const locations = new WeakMap<Buffer, BatchLocation[]>();

/** Where the batches of a (well-formed, captured) Produce frame are; empty for anything else. */
export function batchLocations(frame: Buffer): BatchLocation[] {
  const cached = locations.get(frame);
  if (cached) return cached;
  const found: BatchLocation[] = [];
  const request = requestOf(frame);
  const peek = peekApiKeyAndVersion(request);
  if (peek?.apiKey === PRODUCE) {
    try {
      const { body } = readHeader(request, requestHeaderVersion(peek.apiVersion, PRODUCE_FLEXIBLE_FROM));
      for (const topic of readProduceRequest(body, peek.apiVersion).topicData) {
        for (const partition of topic.partitionData) {
          const records = partition.records;
          if (!records) continue;
          const offset = records.byteOffset - frame.byteOffset;
          for (const view of batchViews(records)) found.push({ start: offset + view.pos, size: view.size });
        }
      }
    } catch {
      // Not a well-formed Produce request: nothing to target.
    }
  }
  locations.set(frame, found);
  return found;
}

type FieldEdit = (frame: Buffer, at: BatchLocation, rng: Prng) => void;

const FIELD_EDITS: Record<string, FieldEdit> = {
  crc: (f, at, rng) => void (f[at.start + BATCH.crc + rng.below(4)]! ^= 1 << rng.below(8)),
  magic: (f, at, rng) => void (f[at.start + BATCH.magic] = rng.pick([0, 1, 3, 0x7f, 0xff])),
  "record-count": (f, at, rng) => {
    const count = f.readInt32BE(at.start + BATCH.recordCount);
    f.writeInt32BE(rng.pick([0, -1, count + 1, count - 1, count * 2, 0x7fffffff, -0x80000000]) | 0, at.start + BATCH.recordCount);
  },
  "batch-length": (f, at, rng) => {
    const length = f.readInt32BE(at.start + BATCH.batchLength);
    const lie = rng.pick([length + 1, length - 1, 0, -1, BATCH.records - LOG_OVERHEAD - 1, 0x7fffffff, length + rng.between(2, 4096)]);
    f.writeInt32BE(lie | 0, at.start + BATCH.batchLength);
  },
  "last-offset-delta": (f, at, rng) => f.writeInt32BE(rng.pick(INTERESTING_INT32) | 0, at.start + BATCH.lastOffsetDelta),
  "base-offset": (f, at, rng) => f.writeBigInt64BE(rng.pick([1n, -1n, 2n ** 62n, -(2n ** 63n)]), at.start + BATCH.baseOffset),
  attributes: (f, at, rng) => {
    const attrs = f.readInt16BE(at.start + BATCH.attributes);
    const next = rng.pick([attrs | 0x07, (attrs & ~0x07) | rng.between(5, 7), attrs | 0x20, attrs | 0x10, attrs | 0x08, attrs | 0x40, -1, rng.below(0x10000) - 0x8000]);
    f.writeInt16BE(((next + 0x8000) & 0xffff) - 0x8000, at.start + BATCH.attributes);
  },
  producer: (f, at, rng) => {
    const which = rng.below(3);
    if (which === 0) f.writeBigInt64BE(rng.pick([-1n, 0n, 1n, 2n ** 63n - 1n, -(2n ** 63n)]), at.start + BATCH.producerId);
    else if (which === 1) f.writeInt16BE(rng.pick([-1, 0, 0x7fff, -0x8000]), at.start + BATCH.producerEpoch);
    else f.writeInt32BE(rng.pick([-1, 0, 0x7fffffff, -0x80000000, 1 << 30]) | 0, at.start + BATCH.baseSequence);
  },
  timestamps: (f, at, rng) => {
    const field = rng.chance(0.5) ? BATCH.baseTimestamp : BATCH.maxTimestamp;
    f.writeBigInt64BE(rng.pick([-1n, 0n, 2n ** 63n - 1n, -(2n ** 63n), 1n << 50n]), at.start + field);
  },
  "record-bytes": (f, at, rng) => {
    const span = at.size - BATCH.records;
    if (span <= 0) return;
    for (let i = rng.between(1, 4); i > 0; i--) f[at.start + BATCH.records + rng.below(span)]! ^= 1 << rng.below(8);
  },
  "first-record-length": (f, at, rng) => {
    const varint = rng.pick(INTERESTING_VARINTS);
    for (let i = 0; i < varint.length && BATCH.records + i < at.size; i++) f[at.start + BATCH.records + i] = varint[i]!;
  },
};

const FIELD_NAMES = Object.keys(FIELD_EDITS);

/** The CRC over attributes..end of the batch as it was framed before the edit. */
function rewriteCrc(frame: Buffer, at: BatchLocation): void {
  const from = at.start + BATCH.attributes;
  const to = Math.min(frame.length, at.start + at.size);
  frame.writeUInt32BE(crc32c(frame.subarray(from, to)), at.start + BATCH.crc);
}

export const produceBatch: Mutation = {
  name: "produce-batch",
  apply(frame, { rng }) {
    const batches = batchLocations(frame);
    if (batches.length === 0) return undefined;
    const at = rng.pick(batches);
    const out = Buffer.from(frame);
    const field = rng.pick(FIELD_NAMES);
    FIELD_EDITS[field]!(out, at, rng);
    if (field !== "crc" && rng.chance(0.5)) rewriteCrc(out, at);
    return out;
  },
};
