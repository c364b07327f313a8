// Concurrent acks=-1 KafkaJS producers writing uniquely identified records until the broker dies.
// Each producer loops: pick a partition, send a small batch, wait for the answer, note the
// acknowledged offsets in the ledger. No retries and no idempotence: a send that fails is given up,
// so a record is written at most once and an acknowledgement always means the broker's own answer.
import { Kafka, logLevel, type Producer } from "kafkajs";
import { recordId, recordValue, type RecordLedger } from "./record-ledger.js";
import type { SeededRandom } from "./seeded-random.js";

export interface LoadShape {
  topic: string;
  partitions: number;
  producers: number;
  maxRecordsPerBatch: number;
  minValueBytes: number;
  maxValueBytes: number;
}

export interface LoadOptions extends LoadShape {
  bootstrap: string;
  cycle: number;
  ledger: RecordLedger;
  random: SeededRandom;
}

/** How one producer's loop ended: at its first failed send. */
export interface LoopOutcome {
  producer: number;
  acknowledged: number;
  error: unknown;
  /** When the failure surfaced (Date.now()). */
  endedAtMs: number;
}

export class ProducerLoad {
  private constructor(
    private readonly producers: Producer[],
    private readonly loops: Promise<LoopOutcome>[],
  ) {}

  /** Connects every producer, then starts them all at once. */
  static async start(opts: LoadOptions): Promise<ProducerLoad> {
    const kafka = new Kafka({
      clientId: `crash-test-c${opts.cycle}`,
      brokers: [opts.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 10_000, // generous: CI machines are often busy
      requestTimeout: 10_000,
    });
    const producers = Array.from({ length: opts.producers }, () =>
      kafka.producer({ idempotent: false, allowAutoTopicCreation: false, retry: { retries: 0 } }),
    );
    await Promise.all(producers.map((p) => p.connect()));
    const loops = producers.map((p, i) => produceUntilFailure(p, i, opts, opts.random.fork()));
    return new ProducerLoad(producers, loops);
  }

  /** Waits for every loop to end (they end when the broker is gone), at most `timeoutMs`. */
  async finished(timeoutMs: number): Promise<LoopOutcome[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`producers still running ${timeoutMs} ms after the kill`)), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(this.loops), timeout]);
    } finally {
      clearTimeout(timer);
      // The broker is gone: this only releases client resources.
      await Promise.allSettled(this.producers.map((p) => p.disconnect()));
    }
  }
}

async function produceUntilFailure(producer: Producer, index: number, opts: LoadOptions, random: SeededRandom): Promise<LoopOutcome> {
  let sequence = 0;
  let acknowledged = 0;
  const end = (error: unknown): LoopOutcome => ({ producer: index, acknowledged, error, endedAtMs: Date.now() });
  for (;;) {
    const partition = random.int(0, opts.partitions - 1);
    const length = random.int(opts.minValueBytes, opts.maxValueBytes);
    const records = Array.from({ length: random.int(1, opts.maxRecordsPerBatch) }, () => {
      const id = recordId(opts.cycle, index, sequence++);
      return { id, value: recordValue(id, length) };
    });
    opts.ledger.recordSent(partition, records);
    let answer;
    try {
      answer = await producer.send({
        topic: opts.topic,
        acks: -1,
        messages: records.map((r) => ({ partition, value: r.value })),
      });
    } catch (error) {
      return end(error);
    }
    const meta = answer.find((m) => m.topicName === opts.topic && m.partition === partition);
    if (!meta || meta.errorCode !== 0 || meta.baseOffset === undefined) {
      return end(new Error(`unexpected produce answer for partition ${partition}: ${JSON.stringify(answer)}`));
    }
    opts.ledger.recordAcknowledged(partition, Number(meta.baseOffset), records.map((r) => r.id), opts.cycle);
    acknowledged += records.length;
  }
}
