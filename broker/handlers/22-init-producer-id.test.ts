import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import { readInitProducerIdRequest, writeInitProducerIdRequest, type InitProducerIdRequest } from "../protocol/generated/init-producer-id-request.gen.js";
import { readInitProducerIdResponse, writeInitProducerIdResponse, type InitProducerIdResponse } from "../protocol/generated/init-producer-id-response.gen.js";
import { initProducerIdHandler } from "./22-init-producer-id.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

const idempotent: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 };

describe("InitProducerId", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(() => broker.close());

  async function init(version: number, req: InitProducerIdRequest, b = broker) {
    const response = (await initProducerIdHandler.handle(req, b.context(22, version))) as InitProducerIdResponse;
    return roundTripResponse(writeInitProducerIdResponse, readInitProducerIdResponse, version, response);
  }

  it("serves v0 to v5", () => {
    expect([initProducerIdHandler.minVersion, initProducerIdHandler.maxVersion]).toEqual([0, 5]);
  });

  it("hands idempotent producers distinct ids with epoch 0", async () => {
    const a = await init(0, idempotent);
    const b = await init(5, idempotent);
    expect(a).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(b).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(b.producerId).toBe(a.producerId + 1n);
  });

  it("reserves ids in blocks and never reuses one after a restart", async () => {
    const first = await init(4, idempotent);
    expect(broker.services.metadata.image.nextProducerId).toBeGreaterThan(first.producerId);
    broker = await broker.restart();
    const afterRestart = await init(4, idempotent);
    expect(afterRestart.producerId).toBeGreaterThan(first.producerId);
  });

  it("answers a KIP-360 re-init of an idempotent producer with a fresh id, as Kafka does", async () => {
    const first = await init(5, idempotent);
    const again = await init(5, { ...idempotent, producerId: first.producerId, producerEpoch: first.producerEpoch });
    expect(again.errorCode).toBe(0);
    expect(again.producerId).not.toBe(first.producerId);
    expect(again.producerEpoch).toBe(0);
  });

  it("refuses a half-given producer id and epoch", async () => {
    expect((await init(3, { ...idempotent, producerId: 5n })).errorCode).toBe(errorCode("INVALID_REQUEST"));
    expect((await init(3, { ...idempotent, producerEpoch: 2 })).errorCode).toBe(errorCode("INVALID_REQUEST"));
  });

  it("refuses transactional ids with a fatal, non-retriable error", async () => {
    const r = await init(5, { ...idempotent, transactionalId: "tx-1" });
    expect(r).toMatchObject({ errorCode: errorCode("TRANSACTIONAL_ID_AUTHORIZATION_FAILED"), producerId: -1n, producerEpoch: -1 });
    expect((await init(5, { ...idempotent, transactionalId: "" })).errorCode).toBe(errorCode("INVALID_REQUEST"));
  });

  it("round-trips the oldest and newest request versions", () => {
    const v0 = { ...idempotent, transactionalId: "tx" };
    expect(roundTripRequest(writeInitProducerIdRequest, readInitProducerIdRequest, 0, v0)).toEqual(v0);
    const v5 = { transactionalId: null, transactionTimeoutMs: 1000, producerId: 42n, producerEpoch: 7 };
    expect(roundTripRequest(writeInitProducerIdRequest, readInitProducerIdRequest, 5, v5)).toEqual(v5);
  });
});
