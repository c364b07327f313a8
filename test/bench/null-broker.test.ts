// The null broker answers what a producer sends, with offsets that advance by the records
// received, and never stores anything.
import { afterEach, describe, expect, it } from "vitest";
import { apiCall, KafkaConnection } from "../../broker/client/kafka-connection.js";
import * as ApiVersionsReq from "../../broker/protocol/generated/api-versions-request.gen.js";
import * as ApiVersionsRes from "../../broker/protocol/generated/api-versions-response.gen.js";
import * as InitReq from "../../broker/protocol/generated/init-producer-id-request.gen.js";
import * as InitRes from "../../broker/protocol/generated/init-producer-id-response.gen.js";
import * as MetadataReq from "../../broker/protocol/generated/metadata-request.gen.js";
import * as MetadataRes from "../../broker/protocol/generated/metadata-response.gen.js";
import * as ProduceReq from "../../broker/protocol/generated/produce-request.gen.js";
import * as ProduceRes from "../../broker/protocol/generated/produce-response.gen.js";
import { buildRecordBatch } from "../../broker/protocol/records.js";
import { recordsIn, startNullBroker, type NullBroker } from "./null-broker.js";

const API_VERSIONS = apiCall(ApiVersionsReq.apiVersionsRequestMeta, 3, ApiVersionsReq.writeApiVersionsRequest, ApiVersionsRes.readApiVersionsResponse);
const METADATA = apiCall(MetadataReq.metadataRequestMeta, 12, MetadataReq.writeMetadataRequest, MetadataRes.readMetadataResponse);
const INIT_PRODUCER_ID = apiCall(InitReq.initProducerIdRequestMeta, 4, InitReq.writeInitProducerIdRequest, InitRes.readInitProducerIdResponse);
const PRODUCE = apiCall(ProduceReq.produceRequestMeta, 9, ProduceReq.writeProduceRequest, ProduceRes.readProduceResponse);

const batchOf = (n: number) => buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`) })));

describe("null broker (client floor of the bench)", () => {
  let broker: NullBroker | undefined;
  let conn: KafkaConnection | undefined;
  afterEach(async () => {
    conn?.close(new Error("test done"));
    await broker?.close();
  });

  async function connect(partitions: number): Promise<KafkaConnection> {
    broker = await startNullBroker(partitions);
    const [host, port] = broker.bootstrap.split(":");
    return (conn = await KafkaConnection.connect(host!, Number(port), { clientId: "null-broker-test", timeoutMs: 5000 }));
  }

  it("advertises exactly the four APIs a producer needs", async () => {
    const c = await connect(4);
    const v = await c.send(API_VERSIONS, { clientSoftwareName: "test", clientSoftwareVersion: "1" }, 5000);
    expect(v.errorCode).toBe(0);
    expect(v.apiKeys.map((k) => k.apiKey)).toEqual([0, 3, 18, 22]);
  });

  it("answers a newer client's ApiVersions with its table in v0 and UNSUPPORTED_VERSION (KIP-511)", async () => {
    const c = await connect(4);
    const newer = apiCall(ApiVersionsReq.apiVersionsRequestMeta, 5, ApiVersionsReq.writeApiVersionsRequest, (r) => ApiVersionsRes.readApiVersionsResponse(r, 0));
    const v = await c.send(newer, { clientSoftwareName: "test", clientSoftwareVersion: "1" }, 5000);
    expect(v.errorCode).toBe(35); // UNSUPPORTED_VERSION
    expect(v.apiKeys.find((k) => k.apiKey === 18)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 4 });
  });

  it("has every topic asked for, with the configured partitions led by itself", async () => {
    const c = await connect(4);
    const m = await c.send(METADATA, { ...MetadataReq.defaultMetadataRequest(), topics: [{ topicId: MetadataReq.defaultMetadataRequestTopic().topicId, name: "bench" }] }, 5000);
    expect(m.brokers).toEqual([{ nodeId: 0, host: "127.0.0.1", port: Number(broker!.bootstrap.split(":")[1]), rack: null }]);
    expect(m.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.leaderId)])).toEqual([["bench", 0, [0, 0, 0, 0]]]);
  });

  it("gives producer ids and answers produce with offsets advanced by the records sent, per partition", async () => {
    const c = await connect(2);
    const id = await c.send(INIT_PRODUCER_ID, { ...InitReq.defaultInitProducerIdRequest(), transactionTimeoutMs: 60_000 }, 5000);
    expect(id.errorCode).toBe(0);
    expect(id.producerId).toBeGreaterThanOrEqual(0n);
    const produce = (partition: number, records: Buffer) =>
      c.send(PRODUCE, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: "bench", partitionData: [{ index: partition, records }] }] }, 5000);
    const offsetOf = (r: ProduceRes.ProduceResponse) => r.responses[0]!.partitionResponses[0]!.baseOffset;
    expect(offsetOf(await produce(0, batchOf(3)))).toBe(0n);
    expect(offsetOf(await produce(0, Buffer.concat([batchOf(2), batchOf(5)])))).toBe(3n);
    expect(offsetOf(await produce(1, batchOf(1)))).toBe(0n);
    expect(offsetOf(await produce(0, batchOf(1)))).toBe(10n);
    expect(broker!.produceRequests).toBe(4);
  });

  it("counts the records of every batch in a record set", () => {
    expect(recordsIn(Buffer.concat([batchOf(2), batchOf(7), batchOf(1)]))).toBe(10);
    expect(recordsIn(Buffer.alloc(0))).toBe(0);
  });
});
