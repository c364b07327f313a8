import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { produceHandler } from "../handlers/00-produce.js";
import { apiVersionsHandler } from "../handlers/18-api-versions.js";
import { writeProduceRequest } from "../protocol/generated/produce-request.gen.js";
import { writeRequestHeader } from "../protocol/generated/request-header.gen.js";
import { Writer } from "../protocol/primitives.js";
import { buildRecordBatch } from "../protocol/records.js";
import { startConnectionHarness, type ConnectionHarness } from "./connection-test-harness.js";

function frame(apiKey: number, version: number, headerVersion: number, writeBody: (w: Writer) => void): Buffer {
  const w = new Writer();
  w.int32(0);
  writeRequestHeader(w, headerVersion, { requestApiKey: apiKey, requestApiVersion: version, correlationId: 7, clientId: "conn-test" });
  writeBody(w);
  const bytes = Buffer.from(w.finish());
  bytes.writeInt32BE(bytes.length - 4, 0);
  return bytes;
}

describe("Connection", () => {
  let h: ConnectionHarness;
  beforeEach(async () => {
    h = await startConnectionHarness([produceHandler, apiVersionsHandler]);
  });
  afterEach(() => h.close());

  it("closes on a failed acks=0 produce with a warn line, not an error with a stack (Kafka logs it at info)", async () => {
    const records = buildRecordBatch([{ value: Buffer.from("v") }]);
    const produce = frame(0, 9, 2, (w) =>
      writeProduceRequest(w, 9, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: "missing", partitionData: [{ index: 0, records }] }] }),
    );
    const { received, closedByBroker } = await h.exchange(produce);
    expect(closedByBroker).toBe(true);
    expect(received.length).toBe(0);
    const closing = h.logs.filter((l) => l.msg.startsWith("closing connection"));
    expect(closing).toMatchObject([{ level: 40, msg: "closing connection: request failed", error: "UNKNOWN_SERVER_ERROR" }]);
    expect(h.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});
