// The e2e smoke test's Kafka client, run in a Pod (image built by ../client-image.sh: our broker
// image + KafkaJS from the repository's node_modules). Plain JavaScript, so the image needs no
// build step. Configured by environment:
//   BOOTSTRAP  host:port of the broker (the Service's DNS name)
//   TOPIC      topic name;  PARTITIONS (3);  COUNT (10000)
//   MODE       "produce": create the topic, produce COUNT records (acks=all), then read them back
//              "verify":  only read them back (after the broker Pod was recreated)
//   GROUP      consumer group id for the read-back (a fresh one each time: reads from the start)
//   CREATE_TOPIC "0": the topic exists already (a KafkaTopic made it; the user may not create topics)
//   READ_TIMEOUT_MS  bound of the read-back (120000)
//   CA_FILE    PEM file of the CA that signed the brokers' certificates: connect with TLS
//   SASL_MECHANISM, SASL_USERNAME, SASL_PASSWORD   log in with SASL (scram-sha-512, plain)
//   MODE "describe": print the topic's partitions (replicas, leader) and the brokers (id, host)
// Prints progress lines and, last, one line `RESULT {json}`; exits 0 only if every record
// 0..COUNT-1 came back exactly once, with the value it was produced with, each partition's
// offsets contiguous from 0 and its records in production order.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Kafka, logLevel } from "kafkajs";

const bootstrap = need("BOOTSTRAP");
const topic = need("TOPIC");
const mode = need("MODE");
const group = need("GROUP");
const partitions = Number(process.env.PARTITIONS ?? 3);
const count = Number(process.env.COUNT ?? 10_000);
const createTopic = process.env.CREATE_TOPIC !== "0";
const BATCH = 500;
const READ_TIMEOUT_MS = Number(process.env.READ_TIMEOUT_MS ?? 120_000);

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}
const log = (msg) => console.log(`${new Date().toISOString()} ${msg}`);

// Deterministic record i: key "k<i>", ~100-byte value with the index and a digest of it.
const keyOf = (i) => `k${i}`;
const valueOf = (i) => `record ${i} ${createHash("sha256").update(String(i)).digest("hex")} ${"x".repeat(20)}`;

const ssl = process.env.CA_FILE ? { ca: [readFileSync(process.env.CA_FILE, "utf8")] } : undefined;
const sasl = process.env.SASL_MECHANISM
  ? { mechanism: process.env.SASL_MECHANISM, username: need("SASL_USERNAME"), password: need("SASL_PASSWORD") }
  : undefined;

const kafka = new Kafka({
  clientId: `e2e-${mode}`,
  brokers: [bootstrap],
  ...(ssl ? { ssl } : {}),
  ...(sasl ? { sasl } : {}),
  logLevel: logLevel.WARN,
  // The broker may still be starting or the Service's endpoint not yet programmed on this node.
  retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
  connectionTimeout: 5_000,
});

async function produce() {
  const admin = kafka.admin();
  await admin.connect();
  const created = createTopic
    ? await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true })
    : false;
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  log(`topic ${topic}: created=${created}, partitions=${meta.topics[0].partitions.length}`);
  await admin.disconnect();
  if (meta.topics[0].partitions.length !== partitions) throw new Error(`topic ${topic} has ${meta.topics[0].partitions.length} partitions, not ${partitions}`);

  // Idempotent (InitProducerId, sequence numbers). KafkaJS wants unlimited retries for that; the
  // Pod's activeDeadlineSeconds bounds the run instead.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  await producer.connect();
  const t0 = Date.now();
  for (let start = 0; start < count; start += BATCH) {
    const messages = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      messages.push({ key: keyOf(i), value: valueOf(i), partition: i % partitions });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  log(`produced ${count} records in ${Date.now() - t0} ms`);
}

async function readBack() {
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  const seen = new Map(); // index -> value
  const nextOffset = new Map(); // partition -> expected next offset
  const lastIndex = new Map(); // partition -> last index seen (production order)
  const problems = [];
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const t0 = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const offset = Number(message.offset);
      const expected = nextOffset.get(partition) ?? 0;
      if (offset !== expected && problems.length < 20) problems.push(`p${partition}: offset ${offset}, expected ${expected}`);
      nextOffset.set(partition, offset + 1);
      const key = message.key?.toString() ?? "";
      const i = Number(key.slice(1));
      const value = message.value?.toString() ?? "";
      if (!key.startsWith("k") || !Number.isInteger(i) || i < 0 || i >= count) {
        if (problems.length < 20) problems.push(`p${partition}@${offset}: unexpected key ${key}`);
      } else {
        if (seen.has(i) && problems.length < 20) problems.push(`record ${i} seen twice`);
        if (value !== valueOf(i) && problems.length < 20) problems.push(`record ${i}: wrong value`);
        if (i % partitions !== partition && problems.length < 20) problems.push(`record ${i} in partition ${partition}`);
        if ((lastIndex.get(partition) ?? -1) >= i && problems.length < 20) problems.push(`record ${i} out of order in p${partition}`);
        lastIndex.set(partition, i);
        seen.set(i, value);
      }
      if (seen.size === count) resolveDone();
    },
  });
  let timer;
  const timeout = new Promise((r) => (timer = setTimeout(r, READ_TIMEOUT_MS)));
  await Promise.race([done, timeout]);
  clearTimeout(timer);
  await consumer.disconnect();
  const digest = createHash("sha256");
  for (let i = 0; i < count; i++) digest.update(`${seen.get(i) ?? ""}\n`);
  const result = {
    mode,
    expected: count,
    received: seen.size,
    partitions: Object.fromEntries([...nextOffset].sort((a, b) => a[0] - b[0])),
    sha256: digest.digest("hex"),
    ms: Date.now() - t0,
    problems,
  };
  log(`read back ${seen.size}/${count} records in ${result.ms} ms`);
  return result;
}

/** The topic's replica assignment and the brokers, as the brokers tell them. */
async function describe() {
  const admin = kafka.admin();
  await admin.connect();
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const cluster = await admin.describeCluster();
  await admin.disconnect();
  const result = {
    ok: true,
    mode,
    brokers: cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
    partitions: meta.topics[0].partitions
      .map(({ partitionId, leader, replicas, isr }) => ({ partition: partitionId, leader, replicas, isr }))
      .sort((a, b) => a.partition - b.partition),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
}

async function main() {
  log(`mode=${mode} bootstrap=${bootstrap} topic=${topic} count=${count} tls=${Boolean(ssl)} sasl=${sasl?.mechanism ?? "none"}`);
  if (mode === "describe") return describe();
  if (mode === "produce") await produce();
  else if (mode !== "verify") throw new Error(`MODE must be produce, verify or describe, not ${mode}`);
  const result = await readBack();
  const ok = result.received === count && result.problems.length === 0;
  console.log(`RESULT ${JSON.stringify({ ok, ...result })}`);
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  console.log(`RESULT ${JSON.stringify({ ok: false, mode, error: String(err?.stack ?? err) })}`);
  process.exit(1);
});
