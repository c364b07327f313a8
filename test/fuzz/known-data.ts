// The data that must survive fuzzing: records produced with KafkaJS (acks=-1, no compression and
// gzip, keys, headers, explicit timestamps, explicit partitions) to a topic no corpus frame names,
// so no mutated request can address it. Verified by consuming it back with KafkaJS and comparing
// every record: partition, offset, key, value, headers, timestamp.
import kafkajs, { type Message } from "kafkajs";

const { CompressionTypes, Kafka, logLevel } = kafkajs;

export const KNOWN_TOPIC = "millrace-fuzz-known-data";
const PARTITIONS = 3;
const BATCHES = 6;
const RECORDS_PER_BATCH = 100;
const BASE_TIMESTAMP = 1_700_000_000_000;

export interface KnownRecord {
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  timestamp: string;
}

/** Expected records per partition, in offset order. */
export type KnownData = Map<number, KnownRecord[]>;

function kafka(bootstrap: string, clientId: string) {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
}

function record(n: number): Message & { partition: number } {
  return {
    partition: n % PARTITIONS,
    key: `known-${n}`,
    // Sizes vary so batches differ in length; content is derived from n, so it can be recomputed.
    value: `value-${n}-${"abcdefghij".repeat(n % 23)}`,
    headers: { n: String(n), parity: n % 2 === 0 ? "even" : "odd" },
    timestamp: String(BASE_TIMESTAMP + n),
  };
}

export async function produceKnownData(bootstrap: string): Promise<KnownData> {
  const client = kafka(bootstrap, "millrace-fuzz-known");
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: KNOWN_TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = client.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const expected: KnownData = new Map(Array.from({ length: PARTITIONS }, (_, p) => [p, []]));
  for (let b = 0; b < BATCHES; b++) {
    const messages = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => record(b * RECORDS_PER_BATCH + i));
    await producer.send({
      topic: KNOWN_TOPIC,
      acks: -1,
      compression: b % 2 === 0 ? CompressionTypes.None : CompressionTypes.GZIP,
      messages,
    });
    for (const m of messages) {
      const list = expected.get(m.partition)!;
      list.push({
        offset: String(list.length),
        key: String(m.key),
        value: String(m.value),
        headers: Object.fromEntries(Object.entries(m.headers!).map(([k, v]) => [k, String(v)])),
        timestamp: m.timestamp!,
      });
    }
  }
  await producer.disconnect();
  return expected;
}

/** Reads the whole topic back; resolves with a description of the first difference, or null. */
export async function verifyKnownData(bootstrap: string, expected: KnownData, timeoutMs = 60_000): Promise<string | null> {
  const total = [...expected.values()].reduce((n, l) => n + l.length, 0);
  const got: KnownData = new Map([...expected.keys()].map((p) => [p, []]));
  const consumer = kafka(bootstrap, "millrace-fuzz-verify").consumer({ groupId: `millrace-fuzz-verify-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: KNOWN_TOPIC, fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen} of ${total} known records in ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          (got.get(partition) ?? got.set(partition, []).get(partition)!).push({
            offset: message.offset,
            key: message.key?.toString() ?? "<null>",
            value: message.value?.toString() ?? "<null>",
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
            timestamp: message.timestamp,
          });
          if (++seen >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return firstDifference(expected, got);
}

export function firstDifference(expected: KnownData, got: KnownData): string | null {
  for (const [partition, want] of expected) {
    const have = got.get(partition) ?? [];
    if (have.length !== want.length) return `partition ${partition}: ${have.length} records, expected ${want.length}`;
    for (let i = 0; i < want.length; i++) {
      const a = JSON.stringify(want[i]);
      const b = JSON.stringify(have[i]);
      if (a !== b) return `partition ${partition} record ${i}: got ${b}, expected ${a}`;
    }
  }
  return null;
}
