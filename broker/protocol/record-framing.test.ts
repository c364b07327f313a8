import { describe, expect, it } from "vitest";
import { walkRecordFraming } from "./record-framing.js";
import { BATCH, buildRecordBatch, Compression, RecordBatchView, validateBatches, type CompressionCodec } from "./records.js";

const client = { maxMessageBytes: 1_000_000, origin: "client" as const };
const records = (n: number, ts = 1_000n) =>
  Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: [{ key: "h", value: Buffer.from("x") }], timestamp: ts + BigInt(i) }));

/** A batch edited after building, with the CRC made right again: only the edit is wrong. */
function edited(codec: CompressionCodec, edit: (b: Buffer) => Buffer = (b) => b): Buffer {
  const b = edit(buildRecordBatch(records(3), { compression: codec }));
  new RecordBatchView(b, 0).updateCrc();
  return b;
}

describe("walkRecordFraming", () => {
  it("accepts well-framed records and finds the largest timestamp", () => {
    const b = buildRecordBatch([...records(2, 5_000n), ...records(1, 9_000n)]);
    expect(walkRecordFraming(b.subarray(BATCH.records), 3, 5_000n)).toEqual({ ok: true, maxTimestamp: 9_000n });
  });

  it("reports fewer or more records than declared, truncation and trailing bytes", () => {
    const body = buildRecordBatch(records(3)).subarray(BATCH.records);
    expect(walkRecordFraming(body, 4, 0n)).toMatchObject({ ok: false, message: "batch declares 4 records but holds 3" });
    expect(walkRecordFraming(body, 2, 0n)).toMatchObject({ ok: false });
    expect(walkRecordFraming(body.subarray(0, body.length - 1), 3, 0n)).toMatchObject({ ok: false });
    expect(walkRecordFraming(Buffer.concat([body, Buffer.from([0])]), 3, 0n)).toMatchObject({ ok: false });
    const lying = Buffer.from(body);
    lying[0] = 0x7f; // first record's length: far more than remains
    expect(walkRecordFraming(lying, 3, 0n)).toMatchObject({ ok: false });
  });

  it("finds the largest delta whether it is small, negative or wider than 49 bits", () => {
    const at = (ts: bigint[]) => buildRecordBatch(ts.map((t, i) => ({ key: null, value: Buffer.from(`v${i}`), headers: [], timestamp: t })));
    const cases: bigint[][] = [
      [5n, -3n, 2n],
      [-(2n ** 50n), -7n],
      [2n ** 48n - 1n, 2n ** 48n, 2n ** 49n + 1n],
      [2n ** 62n, 1n, 2n ** 55n],
      [-(2n ** 62n), 2n ** 50n],
    ];
    for (const ts of cases) {
      const b = at(ts);
      const base = new RecordBatchView(b, 0).baseTimestamp;
      const max = ts.reduce((m, t) => (t > m ? t : m));
      expect(walkRecordFraming(b.subarray(BATCH.records), ts.length, base), ts.join(",")).toEqual({ ok: true, maxTimestamp: max });
    }
  });

  it("wraps a wild timestamp as Java's long arithmetic does instead of throwing", () => {
    const body = buildRecordBatch(records(1, 0n)).subarray(BATCH.records);
    const max = 2n ** 63n - 1n;
    expect(walkRecordFraming(body, 1, max)).toEqual({ ok: true, maxTimestamp: max });
  });
});

describe("validateBatches walks produced records as Kafka does (answers checked against Kafka 4.4.0)", () => {
  for (const codec of [Compression.none, Compression.gzip]) {
    it(`rejects a record count that lies behind a valid CRC with INVALID_RECORD (codec ${codec})`, () => {
      const b = edited(codec, (x) => {
        x.writeInt32BE(4, BATCH.recordCount);
        x.writeInt32BE(3, BATCH.lastOffsetDelta);
        return x;
      });
      expect(validateBatches(b, client)).toMatchObject({ code: "INVALID_RECORD", batchIndex: 0 });
    });
  }

  it("rejects undecompressable payloads with CORRUPT_MESSAGE", () => {
    const b = edited(Compression.gzip, (x) => {
      x[x.length - 12] ^= 0xff;
      return x;
    });
    expect(validateBatches(b, client)).toMatchObject({ code: "CORRUPT_MESSAGE" });
  });

  it("rewrites a header max timestamp the records do not have, keeping the CRC valid", () => {
    const b = edited(Compression.none, (x) => {
      x.writeBigInt64BE(2n ** 63n - 1n, BATCH.maxTimestamp);
      return x;
    });
    const result = validateBatches(b, client);
    expect(result).toMatchObject({ offsetCount: 3 });
    const view = new RecordBatchView(b, 0);
    expect(view.maxTimestamp).toBe(1_002n);
    expect(view.isCrcValid()).toBe(true);
  });

  it("leaves replicated batches alone (the leader validated them)", () => {
    const b = edited(Compression.none, (x) => {
      x.writeBigInt64BE(5n, BATCH.maxTimestamp);
      return x;
    });
    expect(validateBatches(b, { maxMessageBytes: 1_000_000, origin: "replication" })).toMatchObject({ offsetCount: 3 });
    expect(new RecordBatchView(b, 0).maxTimestamp).toBe(5n);
  });
});
