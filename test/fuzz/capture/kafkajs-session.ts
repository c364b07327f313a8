// One KafkaJS 2.2.4 session through the capture proxy, touching every API KafkaJS speaks: admin
// (CreateTopics, Metadata, DescribeConfigs, AlterConfigs, CreatePartitions, ListOffsets,
// DeleteRecords, ListGroups, DescribeGroups, OffsetFetch/OffsetCommit, DeleteGroups, DeleteTopics),
// producers (none and gzip, keys, headers, acks 0/1/-1, idempotent: InitProducerId) and a group
// consumer (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetCommit, Fetch, LeaveGroup).
import kafkajs, { type Message } from "kafkajs";

// KafkaJS is CommonJS: its enums are only reachable through the default export under Node's ESM.
const { CompressionTypes, ConfigResourceTypes, Kafka, logLevel } = kafkajs;

const TOPIC = "fz-kafkajs";
const DOOMED_TOPIC = "fz-kafkajs-doomed";
const GROUP = "fz-kafkajs-group";

function messages(prefix: string, count: number): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-key-${i % 5}`,
    value: `${prefix}-value-${i}-${"x".repeat(i % 40)}`,
    headers: i % 3 === 0 ? { seq: String(i), origin: "fuzz-capture" } : {},
  }));
}

export async function runKafkaJsSession(bootstrap: string): Promise<void> {
  const kafka = new Kafka({ clientId: "fz-kafkajs", brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: TOPIC, numPartitions: 3, configEntries: [{ name: "retention.ms", value: "604800000" }] },
      { topic: DOOMED_TOPIC, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  await admin.fetchTopicMetadata({ topics: [TOPIC] });
  await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC }], includeSynonyms: true });
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC, configEntries: [{ name: "retention.ms", value: "86400000" }] }],
  });
  await admin.createPartitions({ topicPartitions: [{ topic: TOPIC, count: 4 }] });

  const plain = kafka.producer({ allowAutoTopicCreation: false });
  await plain.connect();
  await plain.send({ topic: TOPIC, acks: -1, messages: messages("none", 20) });
  await plain.send({ topic: TOPIC, acks: 1, compression: CompressionTypes.GZIP, messages: messages("gzip", 20) });
  await plain.send({ topic: TOPIC, acks: 0, messages: messages("acks0", 5) });
  await plain.disconnect();
  const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await idempotent.connect();
  await idempotent.send({ topic: TOPIC, acks: -1, messages: messages("idem", 10) });
  await idempotent.disconnect();

  await admin.fetchTopicOffsets(TOPIC);
  await admin.fetchTopicOffsetsByTimestamp(TOPIC, Date.now() - 60_000);

  const consumer = kafka.consumer({ groupId: GROUP, heartbeatInterval: 300, sessionTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let consumed = 0;
  await consumer.run({ autoCommitInterval: 200, eachMessage: async () => void consumed++ });
  const deadline = Date.now() + 20_000;
  while (consumed < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // Long enough for heartbeats and an interval commit.
  await new Promise((r) => setTimeout(r, 1_500));
  await consumer.disconnect();

  await admin.listGroups();
  await admin.describeGroups([GROUP]);
  await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
  await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: "1" }] });
  await admin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: "2" }] });
  await admin.deleteGroups([GROUP]);
  await admin.deleteTopics({ topics: [DOOMED_TOPIC] });
  await admin.describeCluster();
  await admin.disconnect();
}
