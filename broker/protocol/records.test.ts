import { crc32c } from "@node-rs/crc32";
import { describe, expect, it } from "vitest";
import {
  BATCH,
  Compression,
  type CompressionCodec,
  RecordBatchView,
  batchViews,
  buildControlBatch,
  buildRecordBatch,
  decodeRecords,
  incrementSequence,
  isRecordsError,
  parseControlRecord,
  readInt64Number,
  validateBatches,
  writeInt64Number,
} from "./records.js";

const rec = (k: string | null, v: string | null, ts = 1000n) => ({
  key: k === null ? null : Buffer.from(k),
  value: v === null ? null : Buffer.from(v),
  timestamp: ts,
});

const client = { maxMessageBytes: 1_000_000, origin: "client" as const };

describe("RecordBatchView", () => {
  it("reads the header fields a builder wrote", () => {
    const buf = buildRecordBatch([rec("a", "1", 1000n), rec("b", "2", 1005n)], {
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 7,
      transactional: true,
      partitionLeaderEpoch: 9,
    });
    const v = new RecordBatchView(buf, 0);
    expect(v.size).toBe(buf.length);
    expect(v.magic).toBe(2);
    expect(v.baseOffset).toBe(0n);
    expect(v.lastOffsetDelta).toBe(1);
    expect(v.lastOffset).toBe(1n);
    expect(v.recordCount).toBe(2);
    expect(v.baseTimestamp).toBe(1000n);
    expect(v.maxTimestamp).toBe(1005n);
    expect(v.producerId).toBe(42n);
    expect(v.producerEpoch).toBe(3);
    expect(v.baseSequence).toBe(7);
    expect(v.lastSequence).toBe(8);
    expect(v.isTransactional).toBe(true);
    expect(v.isControl).toBe(false);
    expect(v.partitionLeaderEpoch).toBe(9);
    expect(v.timestampType).toBe("CreateTime");
    expect(v.isCrcValid()).toBe(true);
  });

  it("rewrites base offset and leader epoch outside the CRC", () => {
    const buf = buildRecordBatch([rec("a", "1")]);
    const v = new RecordBatchView(buf, 0);
    const crc = v.crc;
    v.baseOffset = 123456789012n;
    v.partitionLeaderEpoch = 77;
    expect(v.baseOffset).toBe(123456789012n);
    expect(v.crc).toBe(crc);
    expect(v.isCrcValid()).toBe(true);
  });

  it("stamps LogAppendTime and recomputes the CRC", () => {
    const buf = buildRecordBatch([rec("a", "1", 5n)]);
    const v = new RecordBatchView(buf, 0);
    v.setLogAppendTime(999n);
    expect(v.timestampType).toBe("LogAppendTime");
    expect(v.maxTimestamp).toBe(999n);
    expect(v.isCrcValid()).toBe(true);
    v.setCreateTime();
    expect(v.timestampType).toBe("CreateTime");
    expect(v.isCrcValid()).toBe(true);
  });

  it("uses CRC-32C (Castagnoli)", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });

  it("iterates concatenated batches and stops at a partial tail", () => {
    const a = buildRecordBatch([rec("a", "1")]);
    const b = buildRecordBatch([rec("b", "2"), rec("c", "3")]);
    const all = Buffer.concat([a, b, b.subarray(0, 20)]);
    const views = [...batchViews(all)];
    expect(views.map((v) => v.recordCount)).toEqual([1, 2]);
    expect(views[1]!.pos).toBe(a.length);
  });

  it("wraps sequences at Int32.MAX", () => {
    expect(incrementSequence(0x7ffffffe, 1)).toBe(0x7fffffff);
    expect(incrementSequence(0x7fffffff, 1)).toBe(0);
    expect(incrementSequence(0x7ffffffe, 3)).toBe(1);
    const buf = buildRecordBatch([rec("a", "1"), rec("b", "2"), rec("c", "3")], { producerId: 1n, producerEpoch: 0, baseSequence: 0x7ffffffe });
    expect(new RecordBatchView(buf, 0).lastSequence).toBe(0);
  });

  it("reads and writes int64 as numbers", () => {
    const b = Buffer.alloc(8);
    for (const v of [0, 1, -1, 2 ** 40 + 5, -(2 ** 33) - 7, Number.MAX_SAFE_INTEGER]) {
      writeInt64Number(b, 0, v);
      expect(b.readBigInt64BE(0)).toBe(BigInt(v));
      expect(readInt64Number(b, 0)).toBe(v);
    }
  });

  it("clamps numbers beyond int64 instead of throwing (Long.MAX_VALUE reads back as 2^63)", () => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(2n ** 63n - 1n, 0);
    writeInt64Number(b, 0, readInt64Number(b, 0));
    expect(b.readBigInt64BE(0)).toBe(2n ** 63n - 1n);
    writeInt64Number(b, 0, -(2 ** 64));
    expect(b.readBigInt64BE(0)).toBe(-(2n ** 63n));
    writeInt64Number(b, 0, -(2 ** 63));
    expect(b.readBigInt64BE(0)).toBe(-(2n ** 63n));
  });
});

describe("validateBatches", () => {
  const good = () => buildRecordBatch([rec("a", "1"), rec("b", "2")]);

  it("accepts well-formed batches and counts offsets", () => {
    const r = validateBatches(Buffer.concat([good(), good()]), client);
    expect(isRecordsError(r)).toBe(false);
    if (!isRecordsError(r)) {
      expect(r.batches).toHaveLength(2);
      expect(r.offsetCount).toBe(4);
    }
  });

  it("rejects a corrupted CRC", () => {
    const b = good();
    b[b.length - 1] ^= 0xff;
    expect(validateBatches(b, client)).toMatchObject({ code: "CORRUPT_MESSAGE", batchIndex: 0 });
  });

  it("rejects old and unknown magic", () => {
    const b = good();
    b.writeInt8(1, BATCH.magic);
    expect(validateBatches(b, client)).toMatchObject({ code: "UNSUPPORTED_FOR_MESSAGE_FORMAT" });
    b.writeInt8(9, BATCH.magic);
    expect(validateBatches(b, client)).toMatchObject({ code: "CORRUPT_MESSAGE" });
  });

  it("rejects truncated input, trailing bytes and impossible lengths", () => {
    const b = good();
    expect(validateBatches(b.subarray(0, b.length - 1), client)).toMatchObject({ code: "CORRUPT_MESSAGE" });
    expect(validateBatches(Buffer.concat([b, Buffer.alloc(5)]), client)).toMatchObject({ code: "CORRUPT_MESSAGE", batchIndex: 1 });
    const short = Buffer.from(b);
    short.writeInt32BE(10, BATCH.batchLength);
    expect(validateBatches(short, client)).toMatchObject({ code: "CORRUPT_MESSAGE" });
    expect(validateBatches(Buffer.alloc(0), client)).toMatchObject({ code: "INVALID_RECORD" });
  });

  it("enforces max.message.bytes per batch", () => {
    const b = good();
    expect(validateBatches(b, { ...client, maxMessageBytes: b.length - 1 })).toMatchObject({ code: "MESSAGE_TOO_LARGE" });
    expect(isRecordsError(validateBatches(b, { ...client, maxMessageBytes: b.length }))).toBe(false);
  });

  it("applies Kafka's client checks", () => {
    const control = buildControlBatch({ type: "COMMIT", producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0 });
    expect(validateBatches(control, client)).toMatchObject({ code: "INVALID_RECORD" });
    expect(isRecordsError(validateBatches(control, { ...client, origin: "coordinator" }))).toBe(false);

    const offset = good();
    new RecordBatchView(offset, 0).baseOffset = 5n;
    expect(validateBatches(offset, client)).toMatchObject({ code: "INVALID_RECORD" });

    const noSeq = buildRecordBatch([rec("a", "1")], { producerId: 5n, producerEpoch: 0, baseSequence: -1 });
    expect(validateBatches(noSeq, client)).toMatchObject({ code: "INVALID_RECORD" });

    const mismatch = good();
    mismatch.writeInt32BE(5, BATCH.recordCount);
    new RecordBatchView(mismatch, 0).updateCrc();
    expect(validateBatches(mismatch, client)).toMatchObject({ code: "INVALID_RECORD" });

    const unknownCodec = good();
    unknownCodec.writeInt16BE(6, BATCH.attributes);
    new RecordBatchView(unknownCodec, 0).updateCrc();
    expect(validateBatches(unknownCodec, client)).toMatchObject({ code: "UNSUPPORTED_COMPRESSION_TYPE" });
  });
});

describe("records", () => {
  const codecs: [string, CompressionCodec][] = [
    ["none", Compression.none],
    ["gzip", Compression.gzip],
    ["snappy", Compression.snappy],
    ["lz4", Compression.lz4],
    ["zstd", Compression.zstd],
  ];

  it.each(codecs)("round-trips records with %s", (_name, codec) => {
    const big = Buffer.alloc(100_000, 7);
    const records = [
      { key: Buffer.from("k1"), value: Buffer.from("v1"), timestamp: 1000n, headers: [{ key: "h", value: Buffer.from("x") }] },
      { key: null, value: big, timestamp: 900n },
      { key: Buffer.from("k3"), value: null, timestamp: 1100n, headers: [{ key: "n", value: null }] },
    ];
    const buf = buildRecordBatch(records, { compression: codec, baseOffset: 50n });
    const v = new RecordBatchView(buf, 0);
    expect(v.compression).toBe(codec);
    expect(v.maxTimestamp).toBe(1100n);
    const decoded = decodeRecords(v);
    if (isRecordsError(decoded)) throw new Error(decoded.message);
    expect(decoded.records.map((r) => r.offset)).toEqual([50n, 51n, 52n]);
    expect(decoded.records.map((r) => r.timestamp)).toEqual([1000n, 900n, 1100n]);
    expect(decoded.records[0]!.key?.toString()).toBe("k1");
    expect(decoded.records[0]!.headers).toEqual([{ key: "h", value: Buffer.from("x") }]);
    expect(decoded.records[1]!.key).toBeNull();
    expect(decoded.records[1]!.value?.equals(big)).toBe(true);
    expect(decoded.records[2]!.value).toBeNull();
    expect(decoded.records[2]!.headers).toEqual([{ key: "n", value: null }]);
  });

  it("decodes raw (unframed) snappy as librdkafka sends it", async () => {
    const { createRequire } = await import("node:module");
    const snappy = createRequire(import.meta.url)("snappy") as { compressSync(b: Buffer): Buffer };
    const plain = buildRecordBatch([rec("a", "1"), rec("b", "2")]);
    const body = snappy.compressSync(plain.subarray(BATCH.records));
    const buf = Buffer.concat([plain.subarray(0, BATCH.records), body]);
    buf.writeInt32BE(buf.length - 12, BATCH.batchLength);
    buf.writeInt16BE(Compression.snappy, BATCH.attributes);
    new RecordBatchView(buf, 0).updateCrc();
    const decoded = decodeRecords(new RecordBatchView(buf, 0));
    if (isRecordsError(decoded)) throw new Error(decoded.message);
    expect(decoded.records.map((r) => r.key?.toString())).toEqual(["a", "b"]);
  });

  it("reports garbage as CORRUPT_MESSAGE instead of throwing", () => {
    const buf = buildRecordBatch([rec("a", "1")], { compression: Compression.gzip });
    buf.fill(0x55, BATCH.records);
    expect(decodeRecords(new RecordBatchView(buf, 0))).toMatchObject({ code: "CORRUPT_MESSAGE" });
    const plain = buildRecordBatch([rec("a", "1")]);
    plain.writeInt32BE(3, BATCH.recordCount);
    expect(decodeRecords(new RecordBatchView(plain, 0))).toMatchObject({ code: "CORRUPT_MESSAGE" });
  });

  it("rebuilds a batch from decoded records verbatim, keeping offsets and timestamps", () => {
    const buf = buildRecordBatch([rec("a", "1", 100n), rec("b", "2", 200n), rec("c", "3", 300n)], {
      baseOffset: 10n,
      producerId: 3n,
      producerEpoch: 1,
      baseSequence: 4,
    });
    const v = new RecordBatchView(buf, 0);
    const decoded = decodeRecords(v);
    if (isRecordsError(decoded)) throw new Error(decoded.message);
    const kept = decoded.records.filter((r) => r.key?.toString() !== "a");
    const rebuilt = buildRecordBatch(kept, {
      baseOffset: 10n,
      lastOffsetDelta: v.lastOffsetDelta,
      producerId: 3n,
      producerEpoch: 1,
      baseSequence: 4,
      deleteHorizonMs: 5000n,
    });
    const rv = new RecordBatchView(rebuilt, 0);
    expect(rv.lastOffset).toBe(12n);
    expect(rv.lastSequence).toBe(6);
    expect(rv.recordCount).toBe(2);
    expect(rv.hasDeleteHorizon).toBe(true);
    expect(rv.deleteHorizonMs).toBe(5000n);
    const again = decodeRecords(rv);
    if (isRecordsError(again)) throw new Error(again.message);
    expect(again.records.map((r) => [r.offset, r.timestamp, r.key?.toString()])).toEqual([
      [11n, 200n, "b"],
      [12n, 300n, "c"],
    ]);
  });

  it("builds an empty header-only batch", () => {
    const b = buildRecordBatch([], { baseOffset: 7n, lastOffsetDelta: 4, producerId: 1n, producerEpoch: 0, baseSequence: 0, maxTimestamp: 55n });
    const v = new RecordBatchView(b, 0);
    expect(v.recordCount).toBe(0);
    expect(v.lastOffset).toBe(11n);
    expect(v.maxTimestamp).toBe(55n);
    expect(isRecordsError(validateBatches(b, { maxMessageBytes: 1000, origin: "replication" }))).toBe(false);
  });

  it("builds and parses transaction markers", () => {
    const b = buildControlBatch({ type: "ABORT", producerId: 9n, producerEpoch: 2, coordinatorEpoch: 5 });
    const v = new RecordBatchView(b, 0);
    expect(v.isControl).toBe(true);
    expect(v.isTransactional).toBe(true);
    const decoded = decodeRecords(v);
    if (isRecordsError(decoded)) throw new Error(decoded.message);
    expect(parseControlRecord(decoded.records[0]!)).toEqual({ type: "ABORT", coordinatorEpoch: 5 });
  });
});
