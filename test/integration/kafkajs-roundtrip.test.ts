// End-to-end with a real client (KafkaJS 2.2.4) against a broker process: topic creation,
// keyed produce with headers, consume in a group in order per partition, committed offsets and
// data surviving a clean restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from "kafkajs";
import { startBroker, type BrokerProcess } from "./broker-process.js";

const TOPIC = "orders";
const PARTITIONS = 6;
const RECORDS = 3000;

function client(bootstrap: string): Kafka {
  return new Kafka({ clientId: "it", brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
}

async function consumeUntil(
  consumer: Consumer,
  topic: string,
  count: number,
  timeoutMs: number,
): Promise<Map<number, { offset: string; key: string; value: string; header: string }[]>> {
  const byPartition = new Map<number, { offset: string; key: string; value: string; header: string }[]>();
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${seen} of ${count} in ${timeoutMs} ms`)), timeoutMs);
    void consumer.subscribe({ topic, fromBeginning: true }).then(() =>
      consumer.run({
        eachMessage: async ({ partition, message }: EachMessagePayload) => {
          const list = byPartition.get(partition) ?? [];
          list.push({
            offset: message.offset,
            key: message.key!.toString(),
            value: message.value!.toString(),
            header: String(message.headers?.seq ?? ""),
          });
          byPartition.set(partition, list);
          if (++seen >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      }),
    );
  });
  return byPartition;
}

describe("KafkaJS against millrace broker", () => {
  let broker: BrokerProcess;

  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it("creates a topic, produces keyed records with headers and consumes them in order per partition", async () => {
    const kafka = client(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true })).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    expect(metadata.topics[0]!.partitions).toHaveLength(PARTITIONS);
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let batch = 0; batch < RECORDS / 500; batch++) {
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: Array.from({ length: 500 }, (_, i) => {
          const n = batch * 500 + i;
          return { key: `key-${n % 97}`, value: `value-${n}`, headers: { seq: String(n) } };
        }),
      });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: "it-group" });
    await consumer.connect();
    const consumed = await consumeUntil(consumer, TOPIC, RECORDS, 60_000);
    await consumer.disconnect();

    let total = 0;
    for (const [, records] of consumed) {
      total += records.length;
      // Offsets contiguous and values in production order within each partition.
      records.forEach((r, i) => expect(BigInt(r.offset)).toBe(BigInt(records[0]!.offset) + BigInt(i)));
      const seqs = records.map((r) => Number(r.header));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      for (const r of records) expect(r.value).toBe(`value-${r.header}`);
    }
    expect(total).toBe(RECORDS);
  });

  it("keeps data and committed offsets across a clean restart", async () => {
    const { dataDir } = broker;
    expect(await broker.stop()).toBe(0);
    broker = await startBroker({ dataDir });
    const kafka = client(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(RECORDS);
    const committed = await admin.fetchOffsets({ groupId: "it-group", topics: [TOPIC] });
    const committedTotal = committed[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committedTotal).toBe(RECORDS);
    await admin.disconnect();
  });
});
