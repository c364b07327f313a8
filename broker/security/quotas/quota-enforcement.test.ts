// Client quotas end to end on one broker's real handlers: a producer over its byte rate, or any
// client over its request percentage, gets throttle_time_ms and its connection is muted for that
// long (KIP-219), a consumer over its byte
// rate gets an empty fetch, and topic mutations over controller_mutation_rate are refused
// (strict versions) or throttled (older ones).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiCall, KafkaConnection } from "../../client/kafka-connection.js";
import { produceHandler } from "../../handlers/00-produce.js";
import { fetchHandler } from "../../handlers/01-fetch.js";
import { apiVersionsHandler } from "../../handlers/18-api-versions.js";
import { createTopicsHandler } from "../../handlers/19-create-topics.js";
import type { BrokerServices } from "../../broker-services.js";
import { startTestBroker, type TestBroker } from "../../handlers/test-fixtures.js";
import type { QuotaEntityPart } from "../../metadata/metadata-image.js";
import { Listener } from "../../network/listener.js";
import { errorCode } from "../../protocol/errors.js";
import { apiVersionsRequestMeta, writeApiVersionsRequest } from "../../protocol/generated/api-versions-request.gen.js";
import { readApiVersionsResponse } from "../../protocol/generated/api-versions-response.gen.js";
import { defaultFetchRequest, type FetchRequest } from "../../protocol/generated/fetch-request.gen.js";
import type { CreateTopicsRequest } from "../../protocol/generated/create-topics-request.gen.js";
import type { CreateTopicsResponse } from "../../protocol/generated/create-topics-response.gen.js";
import type { FetchResponse } from "../../protocol/generated/fetch-response.gen.js";
import { produceRequestMeta, writeProduceRequest } from "../../protocol/generated/produce-request.gen.js";
import { readProduceResponse } from "../../protocol/generated/produce-response.gen.js";
import { buildRecordBatch } from "../../protocol/records.js";
import { decideAlterations } from "./alter-client-quotas.js";
import { ClientQuotaManager } from "./client-quota-manager.js";

async function setQuota(broker: TestBroker, entity: QuotaEntityPart[], key: string, value: number): Promise<void> {
  await broker.services.metadata.change(() => ({
    records: decideAlterations([{ entity, ops: [{ key, value, remove: false }] }], broker.services.metadata.image.clientQuotas).records,
    result: null,
  }));
}

describe("client quota enforcement", () => {
  let broker: TestBroker;
  let services: BrokerServices;
  beforeEach(async () => {
    broker = await startTestBroker({ handlers: [produceHandler, fetchHandler, apiVersionsHandler, createTopicsHandler] });
    // Two 1 s samples: the rate is judged over at least one second.
    services = { ...broker.services, quotas: new ClientQuotaManager({ image: broker.services.metadata.image, windowNum: 2, windowSizeSeconds: 1 }) };
    await broker.createTopic("t", 1);
  });
  afterEach(() => broker.close());

  it("throttles a producer over producer_byte_rate and mutes its connection for the throttle time", async () => {
    await setQuota(broker, [{ entityType: "client-id", entityName: "slow-producer" }], "producer_byte_rate", 10_000);
    const listener = new Listener({ name: "PLAINTEXT", host: "127.0.0.1", port: 0, securityProtocol: "PLAINTEXT" }, services, services.log);
    const port = await listener.listen();
    const conn = await KafkaConnection.connect("127.0.0.1", port, { clientId: "slow-producer", timeoutMs: 5000 });
    try {
      const records = buildRecordBatch([{ key: null, value: Buffer.alloc(30_000, 1), headers: [], timestamp: BigInt(Date.now()) }]);
      const produce = apiCall(produceRequestMeta, 9, writeProduceRequest, readProduceResponse);
      const request = { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: "t", partitionData: [{ index: 0, records }] }] };
      const first = await conn.send(produce, request, 10_000);
      expect(first.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
      // ~30 kB over the 1 s minimum window against 10 kB/s: (30 − 10) / 10 × 1 s.
      expect(first.throttleTimeMs).toBeGreaterThanOrEqual(1900);
      expect(first.throttleTimeMs).toBeLessThanOrEqual(2100);
      // The next request, sent at once, is not read until the mute ends.
      const sent = Date.now();
      await conn.send(apiCall(apiVersionsRequestMeta, 3, writeApiVersionsRequest, readApiVersionsResponse), { clientSoftwareName: "t", clientSoftwareVersion: "1" }, 10_000);
      expect(Date.now() - sent).toBeGreaterThanOrEqual(first.throttleTimeMs - 100);
    } finally {
      conn.close();
      await listener.close();
    }
  });

  it("throttles any request over request_percentage (bounded by one window) and mutes the connection", async () => {
    // 1e-6 % of a second per second: any handler time is over it.
    await setQuota(broker, [{ entityType: "user", entityName: null }], "request_percentage", 0.000001);
    const listener = new Listener({ name: "PLAINTEXT", host: "127.0.0.1", port: 0, securityProtocol: "PLAINTEXT" }, services, services.log);
    const port = await listener.listen();
    const conn = await KafkaConnection.connect("127.0.0.1", port, { clientId: "busy-client", timeoutMs: 5000 });
    try {
      const apiVersions = apiCall(apiVersionsRequestMeta, 3, writeApiVersionsRequest, readApiVersionsResponse);
      const first = await conn.send(apiVersions, { clientSoftwareName: "t", clientSoftwareVersion: "1" }, 10_000);
      expect(first.errorCode).toBe(0);
      expect(first.throttleTimeMs).toBe(1000); // Kafka bounds the request quota's delay by quota.window.size.seconds
      const sent = Date.now();
      await conn.send(apiVersions, { clientSoftwareName: "t", clientSoftwareVersion: "1" }, 10_000);
      expect(Date.now() - sent).toBeGreaterThanOrEqual(900);
    } finally {
      conn.close();
      await listener.close();
    }
  });

  it("bounds a consumer's fetch by consumer_byte_rate and answers it with no records once over", async () => {
    await setQuota(broker, [{ entityType: "user", entityName: "ANONYMOUS" }], "consumer_byte_rate", 5000);
    await broker.produce("t", 0, [{ value: "x".repeat(3000) }]);
    await broker.produce("t", 0, [{ value: "y".repeat(3000) }]);
    const fetchOnce = async () => {
      const request: FetchRequest = {
        ...defaultFetchRequest(),
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 1 << 20,
        sessionEpoch: -1,
        topics: [{ topic: "t", topicId: "", partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: "" }] }],
      } as FetchRequest;
      return (await fetchHandler.handle(request, broker.context(1, 12, { broker: services }))) as FetchResponse;
    };
    const first = await fetchOnce();
    // The response was bounded to what one window allows (5 kB): the first batch only.
    expect(first.throttleTimeMs).toBe(0);
    const firstBytes = first.responses[0]!.partitions[0]!.records!.length;
    expect(firstBytes).toBeGreaterThan(3000);
    expect(firstBytes).toBeLessThan(4000);
    // The same batch again takes the rate to ~6 kB/s: throttled, (6.1 − 5) / 5 × 1 s, and empty.
    const second = await fetchOnce();
    expect(second.throttleTimeMs).toBeGreaterThan(150);
    expect(second.throttleTimeMs).toBeLessThan(300);
    expect(second.responses).toEqual([]);
    // Its bytes were taken back (not sent): the next try is judged as the second was.
    const third = await fetchOnce();
    expect(Math.abs(third.throttleTimeMs - second.throttleTimeMs)).toBeLessThan(30);
  });

  it("refuses topic creation over controller_mutation_rate with THROTTLING_QUOTA_EXCEEDED (v6+), throttles older versions", async () => {
    await setQuota(broker, [{ entityType: "client-id", entityName: "admin" }], "controller_mutation_rate", 1);
    const create = async (name: string, version: number) => {
      const request: CreateTopicsRequest = {
        topics: [{ name, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 5000,
        validateOnly: false,
      };
      return (await createTopicsHandler.handle(request, broker.context(19, version, { broker: services, clientId: "admin" }))) as CreateTopicsResponse;
    };
    // A bucket of 1 × 2 samples × 1 s = 2 tokens: the first request (3 partitions) is accepted whole.
    const first = await create("a", 7);
    expect(first.topics[0]!.errorCode).toBe(0);
    expect(first.throttleTimeMs).toBe(0);
    const refused = await create("b", 7);
    expect(refused.topics[0]).toMatchObject({ name: "b", errorCode: errorCode("THROTTLING_QUOTA_EXCEEDED"), errorMessage: "The throttling quota has been exceeded." });
    expect(refused.throttleTimeMs).toBeGreaterThan(0);
    expect(refused.throttleTimeMs).toBeLessThanOrEqual(1000);
    expect(broker.services.metadata.topic("b")).toBeUndefined();
    // v5 does not know the error: the topic is created and the answer throttled.
    const permissive = await create("c", 5);
    expect(permissive.topics[0]!.errorCode).toBe(0);
    expect(permissive.throttleTimeMs).toBeGreaterThan(3000);
    // Other clients are not limited.
    const other = (await createTopicsHandler.handle(
      { topics: [{ name: "d", numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false },
      broker.context(19, 7, { broker: services, clientId: "someone-else" }),
    )) as CreateTopicsResponse;
    expect(other.topics[0]!.errorCode).toBe(0);
  });
});
