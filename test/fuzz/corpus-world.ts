// Gives the fuzz broker the world the corpus frames were captured in: their topics, with the same
// names and partition counts. Topic ids cannot be chosen, so every capture-time id inside the
// frames (flexible Fetch, KIP-848 heartbeats, DeleteTopics by id...) is rewritten to the new one;
// otherwise those requests would stop at UNKNOWN_TOPIC_ID and never reach deeper code.
import kafkajs from "kafkajs";
import { uuidToBytes, type Uuid } from "../../broker/protocol/primitives.js";
import type { Corpus } from "./corpus.js";
import { RawClient } from "./raw-client.js";

const { Kafka, logLevel } = kafkajs;

export async function createCorpusTopics(bootstrap: string, port: number, corpus: Corpus): Promise<Map<string, string>> {
  const admin = new Kafka({ clientId: "millrace-fuzz-world", brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: corpus.topics.map((t) => ({ topic: t.name, numPartitions: t.partitions })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const client = await RawClient.connect(port);
  try {
    const metadata = await client.metadata(corpus.topics.map((t) => t.name));
    const newIds = new Map(metadata.topics.map((t) => [t.name, t.topicId as string]));
    return new Map(corpus.topics.map((t) => [t.topicId, newIds.get(t.name)!]));
  } finally {
    client.close();
  }
}

/** Copies of the frames with each old topic id (16 raw bytes) replaced by its new one. */
export function retargetTopicIds(frames: readonly Buffer[], idMap: ReadonlyMap<string, string>): Buffer[] {
  const pairs = [...idMap].map(([from, to]) => [uuidToBytes(from as Uuid), uuidToBytes(to as Uuid)] as const);
  return frames.map((frame) => {
    let out: Buffer | undefined;
    for (const [from, to] of pairs) {
      for (let at = frame.indexOf(from); at >= 0; at = frame.indexOf(from, at + from.length)) {
        out ??= Buffer.from(frame);
        to.copy(out, at);
      }
    }
    return out ?? frame;
  });
}
