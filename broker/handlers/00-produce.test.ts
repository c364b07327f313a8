import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultProduceRequest } from "../protocol/generated/produce-request.gen.js";
import { buildRecordBatch } from "../protocol/records.js";
import { produceHandler } from "./00-produce.js";
import { startTestBroker, type TestBroker } from "./test-fixtures.js";

describe("Produce handler", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker({ handlers: [produceHandler] });
  });
  afterEach(() => broker.close());

  // The connection starts the next Produce as soon as this handler first waits
  // (network/connection.ts): records stay in request order only if every append is queued by then.
  it("queues every partition's append before it first waits", async () => {
    await broker.createTopic("a", 2);
    await broker.createTopic("b", 1);
    const batch = (value: string) => buildRecordBatch([{ value: Buffer.from(value) }, { value: Buffer.from(value) }]);
    const request = {
      ...defaultProduceRequest(),
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        { name: "a", partitionData: [{ index: 0, records: batch("a0") }, { index: 1, records: batch("a1") }] },
        { name: "b", partitionData: [{ index: 0, records: batch("b0") }] },
      ],
    };
    const logEnds = () => [broker.services.logs.getLog("a", 0), broker.services.logs.getLog("a", 1), broker.services.logs.getLog("b", 0)].map((l) => l!.logEndOffset);
    expect(logEnds()).toEqual([0n, 0n, 0n]);

    const answer = produceHandler.handle(request, broker.context(0, 9));
    expect(logEnds()).toEqual([2n, 2n, 2n]);

    const response = await answer;
    expect(response).toMatchObject({
      responses: [
        { name: "a", partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 0n }, { index: 1, errorCode: 0, baseOffset: 0n }] },
        { name: "b", partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 0n }] },
      ],
    });
  });
});
