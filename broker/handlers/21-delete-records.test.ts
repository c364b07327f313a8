import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import { readDeleteRecordsRequest, writeDeleteRecordsRequest, type DeleteRecordsRequest } from "../protocol/generated/delete-records-request.gen.js";
import { readDeleteRecordsResponse, writeDeleteRecordsResponse, type DeleteRecordsResponse } from "../protocol/generated/delete-records-response.gen.js";
import { deleteRecordsHandler } from "./21-delete-records.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

const req = (parts: { topic?: string; partition?: number; offset: bigint }[]): DeleteRecordsRequest => ({
  topics: parts.map((p) => ({ name: p.topic ?? "t", partitions: [{ partitionIndex: p.partition ?? 0, offset: p.offset }] })),
  timeoutMs: 30000,
});

describe("DeleteRecords", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
    await broker.createTopic("t", 1);
    await broker.produce("t", 0, [{ value: "a" }, { value: "b" }, { value: "c" }, { value: "d" }]);
  });
  afterEach(() => broker.close());

  async function del(version: number, request: DeleteRecordsRequest) {
    const response = (await deleteRecordsHandler.handle(request, broker.context(21, version))) as DeleteRecordsResponse;
    return roundTripResponse(writeDeleteRecordsResponse, readDeleteRecordsResponse, version, response).topics.map((t) => t.partitions[0]!);
  }
  const log = () => broker.services.logs.getLog("t", 0)!;

  it("serves v0 to v2", () => {
    expect([deleteRecordsHandler.minVersion, deleteRecordsHandler.maxVersion]).toEqual([0, 2]);
  });

  it("moves the log start offset and answers the low watermark", async () => {
    const [r] = await del(0, req([{ offset: 2n }]));
    expect(r).toEqual({ partitionIndex: 0, lowWatermark: 2n, errorCode: 0 });
    expect(log().logStartOffset).toBe(2n);
    // Deleting below the current start changes nothing.
    expect((await del(2, req([{ offset: 1n }])))[0]).toMatchObject({ lowWatermark: 2n, errorCode: 0 });
  });

  it("deletes up to the high watermark for offset -1", async () => {
    const [r] = await del(2, req([{ offset: -1n }]));
    expect(r).toMatchObject({ lowWatermark: 4n, errorCode: 0 });
  });

  it("refuses offsets beyond the high watermark or below -1", async () => {
    const [above, below] = await del(2, req([{ offset: 5n }, { offset: -2n }]));
    expect(above!.errorCode).toBe(errorCode("OFFSET_OUT_OF_RANGE"));
    expect(below!.errorCode).toBe(errorCode("OFFSET_OUT_OF_RANGE"));
    expect(log().logStartOffset).toBe(0n);
  });

  it("refuses compacted topics, internal topics, unknown partitions and non-leaders", async () => {
    await broker.createTopic("compacted", 1, { "cleanup.policy": "compact" });
    await broker.createTopic("__consumer_offsets", 1, { "cleanup.policy": "compact,delete" });
    await broker.createTopic("both", 1, { "cleanup.policy": "compact,delete" });
    const [compacted, internal, both, missing] = await del(2, req([
      { topic: "compacted", offset: 0n },
      { topic: "__consumer_offsets", offset: 0n },
      { topic: "both", offset: 0n },
      { partition: 4, offset: 0n },
    ]));
    expect(compacted!.errorCode).toBe(errorCode("POLICY_VIOLATION"));
    expect(internal!.errorCode).toBe(errorCode("INVALID_TOPIC_EXCEPTION"));
    expect(both).toMatchObject({ errorCode: 0, lowWatermark: 0n });
    expect(missing!.errorCode).toBe(errorCode("UNKNOWN_TOPIC_OR_PARTITION"));
    broker.services.metadata.topic("t")!.partitions[0]!.leader = 5;
    expect((await del(2, req([{ offset: 1n }])))[0]!.errorCode).toBe(errorCode("NOT_LEADER_OR_FOLLOWER"));
  });

  it("round-trips the oldest and newest request versions", () => {
    for (const v of [0, 2]) {
      const request = req([{ offset: 7n }, { topic: "u", partition: 3, offset: -1n }]);
      expect(roundTripRequest(writeDeleteRecordsRequest, readDeleteRecordsRequest, v, request)).toEqual(request);
    }
  });
});
