// The broker reuses large buffers (broker/buffer-pool.ts): produce frames spread over several
// socket chunks, kept by the logs' recent-batches caches until evicted, and records read from
// disk for Fetch until the response is written. A buffer given back too early would show up as
// wrong bytes in a later response. Here concurrent producers send ~200 KB requests (pooled
// frames) into 2 partitions, past the 8 MiB per-partition cache (so entries are evicted and
// frames reused), while two consumers read along (from the cache and from disk); every record
// must come back exactly once with the value it was sent with.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type BrokerProcess } from "./broker-process.js";

const TOPIC = "pooled";
const PRODUCERS = 4;
const SENDS = 32;
const PER_SEND = 400;
const VALUE_BYTES = 500;
const TOTAL = PRODUCERS * SENDS * PER_SEND; // 51,200 records, ~26 MB

/** Record `p/i`'s value: its name, a digest of it, and filler that differs per record. */
function valueOf(p: number, i: number): string {
  const name = `${p}/${i}`;
  const digest = createHash("sha256").update(name).digest("hex");
  return `${name} ${digest} `.padEnd(VALUE_BYTES, digest[i % digest.length]);
}

describe("pooled buffers under concurrent produce and fetch", () => {
  let broker: BrokerProcess;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker();
    kafka = new Kafka({ clientId: "pool-it", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it("returns every record exactly once with its own bytes", async () => {
    const readers = ["a", "b"].map(async (group) => {
      const consumer = kafka.consumer({ groupId: `pool-${group}`, maxBytesPerPartition: 4 * 1024 * 1024 });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      const seen = new Map<string, number>();
      const bad: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`group ${group}: ${seen.size} of ${TOTAL} records in 40 s`)), 40_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            const key = message.key!.toString();
            const [p, i] = key.split("/").map(Number) as [number, number];
            if (message.value!.toString() !== valueOf(p, i) && bad.length < 5) bad.push(key);
            seen.set(key, (seen.get(key) ?? 0) + 1);
            if (seen.size === TOTAL) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      await consumer.disconnect();
      return { seen, bad };
    });

    await Promise.all(
      Array.from({ length: PRODUCERS }, async (_, p) => {
        const producer = kafka.producer({ allowAutoTopicCreation: false });
        await producer.connect();
        for (let s = 0; s < SENDS; s++) {
          const messages = Array.from({ length: PER_SEND }, (_, j) => {
            const i = s * PER_SEND + j;
            return { key: `${p}/${i}`, value: valueOf(p, i) };
          });
          await producer.send({ topic: TOPIC, acks: -1, messages });
        }
        await producer.disconnect();
      }),
    );

    for (const { seen, bad } of await Promise.all(readers)) {
      expect(bad).toEqual([]);
      expect(seen.size).toBe(TOTAL);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    }
  });
});
