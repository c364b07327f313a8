// Crash safety: acks=-1 producers write while the broker is SIGKILLed at random moments, over and
// over on one data directory. After every restart, every acknowledged record must be served at
// the offset it was acknowledged with and unchanged, every batch on disk must pass its CRC-32C,
// and offsets must run on without gaps across segments (which roll often, so recovery crosses
// segment boundaries and meets rolls cut short by the kill).
//
// Durability modes: log.flush.interval.messages=1 (an append is answered after its fsync), and
// Kafka's default page-cache mode with a time-based flush. SIGKILL keeps the page cache, so this
// proves the broker never answers before its write and recovers whatever a kill leaves; it
// cannot prove the fsync itself (that needs power loss).
//
// Reproduce a run with CRASH_SEED=<seed> (printed); CRASH_CYCLES sets the number of kills.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { startBroker, type BrokerProcess } from "./broker-process.js";
import { checkPartition } from "../crash/partition-check.js";
import { FetchConnection } from "../crash/partition-reader.js";
import { ProducerLoad, type LoadShape, type LoopOutcome } from "../crash/producer-load.js";
import { RecordLedger } from "../crash/record-ledger.js";
import { auditLogDir, type SegmentAudit } from "../crash/segment-audit.js";
import { SeededRandom, seedFromEnv } from "../crash/seeded-random.js";

const CYCLES = Number(process.env.CRASH_CYCLES ?? 24);
const KILL_DELAY_MS = { min: 50, max: 400 };
const SHAPE: LoadShape = {
  topic: "crash-test",
  partitions: 3,
  producers: 3,
  maxRecordsPerBatch: 20,
  minValueBytes: 40,
  maxValueBytes: 600,
};
/**
 * The smallest segment.bytes Kafka 4 allows, and a very short segment.ms: each partition rolls
 * several times per cycle, so kills land near rolls and recovery crosses many segments.
 */
const TOPIC_CONFIG = { "segment.bytes": String(1024 * 1024), "segment.ms": "25" };
/** At most this many problems are listed in a failure message. */
const SHOWN_PROBLEMS = 25;

interface DurabilityMode {
  name: string;
  overrides: string[];
}

const MODES: DurabilityMode[] = [
  // The requirement: an acknowledgement waits for the fsync (group commit).
  { name: "fsync before every acknowledgement", overrides: ["log.flush.interval.messages=1"] },
  // Kafka's default: answered after write(), fsynced by time. Up to 4 positional writes run at
  // once here, so a kill can leave a hole or a torn batch before the end of the file.
  { name: "page cache, time-based flush", overrides: ["log.flush.interval.ms=50"] },
];

interface Totals {
  settledChecks: number;
  /** Records sent but not acknowledged before the kill that were found in the log. */
  unacknowledgedKept: number;
  wireBatches: number;
  diskBatches: number;
  finalSegments: number;
  tornTailsCut: number;
  /** Warnings the restarted brokers logged, by message. */
  warnings: Map<string, number>;
}

describe("crash recovery under kill -9", () => {
  it.each(MODES)(`loses no acknowledged record over ${CYCLES} kills: $name`, { timeout: 240_000 }, async (mode) => {
    const started = Date.now();
    const seed = seedFromEnv();
    console.log(`crash-recovery (${mode.name}): seed ${seed} (reproduce with CRASH_SEED=${seed})`);
    const random = new SeededRandom(seed);
    const dataDir = mkdtempSync(join(tmpdir(), "millrace-crash-"));
    const overrides = ["auto.create.topics.enable=false", ...mode.overrides];
    const ledger = new RecordLedger();
    const totals: Totals = { settledChecks: 0, unacknowledgedKept: 0, wireBatches: 0, diskBatches: 0, finalSegments: 0, tornTailsCut: 0, warnings: new Map() };
    let broker: BrokerProcess | undefined;
    // Every cycle: produce, kill, restart on the same files, check what is served and what is on disk.
    try {
      broker = await startBroker({ dataDir, overrides });
      await createTopic(broker.bootstrap);
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        await produceAndKill(broker, cycle, ledger, random);
        broker = await startBroker({ dataDir, overrides });
        totals.tornTailsCut += tornTailsCut(broker);
        await verifyServedLog(broker, `after restart ${cycle}`, cycle, ledger, totals);
        verifyDisk(dataDir, `after restart ${cycle}`, totals);
        checkBrokerLog(broker, `after restart ${cycle}`, totals);
      }
      // Last, the clean path: stop, audit, and load the files trusting the clean-shutdown marker.
      expect(await broker.stop(), "exit code of the clean stop").toBe(0);
      totals.finalSegments = verifyDisk(dataDir, "after the clean stop", totals).segments;
      broker = await startBroker({ dataDir, overrides });
      await verifyServedLog(broker, "after the clean restart", CYCLES + 1, ledger, totals);
      checkBrokerLog(broker, "after the clean restart", totals);
      expect(await broker.stop(), "exit code of the final stop").toBe(0);
    } catch (err) {
      console.log(`crash-recovery (${mode.name}): failed with seed ${seed}; data dir kept at ${dataDir}`);
      throw err;
    } finally {
      await broker?.kill(); // a no-op once it has exited
    }
    rmSync(dataDir, { recursive: true, force: true });

    console.log(
      `crash-recovery (${mode.name}): ${CYCLES} kills, ${ledger.acknowledged} records acknowledged, ` +
        `${totals.unacknowledgedKept} unacknowledged kept, ${totals.settledChecks} record-at-offset checks, ` +
        `${totals.wireBatches} batches fetched and ${totals.diskBatches} batches on disk CRC-verified, ` +
        `${totals.finalSegments} segments, ${totals.tornTailsCut} torn tails cut, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed}); ` +
        `broker warnings: ${JSON.stringify(Object.fromEntries(totals.warnings))}`,
    );
    // A run whose kills all came before any acknowledgement would prove nothing.
    expect(ledger.acknowledged).toBeGreaterThan(CYCLES * 20);
  });
});

async function createTopic(bootstrap: string): Promise<void> {
  const admin = new Kafka({ clientId: "crash-test-admin", brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: [
        {
          topic: SHAPE.topic,
          numPartitions: SHAPE.partitions,
          configEntries: Object.entries(TOPIC_CONFIG).map(([name, value]) => ({ name, value })),
        },
      ],
      waitForLeaders: true,
    });
    expect(created, "topic created").toBe(true);
  } finally {
    await admin.disconnect();
  }
}

/** Starts the producers, SIGKILLs the broker after a random delay and waits for every send to end. */
async function produceAndKill(broker: BrokerProcess, cycle: number, ledger: RecordLedger, random: SeededRandom): Promise<void> {
  const delayMs = random.int(KILL_DELAY_MS.min, KILL_DELAY_MS.max);
  const load = await ProducerLoad.start({ ...SHAPE, bootstrap: broker.bootstrap, cycle, ledger, random: random.fork() });
  // The random moment of the kill is what this test is about: a timer, not a wait for a condition.
  await sleep(delayMs);
  const killedAtMs = Date.now();
  await broker.kill();
  const outcomes = await load.finished(15_000);
  const early = outcomes.filter((o) => o.endedAtMs < killedAtMs);
  if (early.length > 0) {
    throw new Error(`cycle ${cycle}: producers failed before the kill:\n${early.map(describeOutcome).join("\n")}`);
  }
  if (ledger.conflicts.length > 0) failWith(`cycle ${cycle}: the broker acknowledged two records at one offset`, ledger.conflicts);
}

function describeOutcome(o: LoopOutcome): string {
  const error = o.error instanceof Error ? `${o.error.name}: ${o.error.message}` : String(o.error);
  return `  producer ${o.producer} after ${o.acknowledged} acknowledged records: ${error}`;
}

/** Reads every partition back through the restarted broker and checks it against the ledger. */
async function verifyServedLog(broker: BrokerProcess, when: string, cycle: number, ledger: RecordLedger, totals: Totals): Promise<void> {
  const connection = await FetchConnection.open("127.0.0.1", broker.port);
  try {
    const seenIds = new Set<string>();
    const problems: string[] = [];
    const checks = [];
    for (let partition = 0; partition < SHAPE.partitions; partition++) {
      const check = checkPartition(partition, await connection.readPartition(SHAPE.topic, partition), ledger, seenIds);
      problems.push(...check.problems);
      checks.push({ partition, check });
    }
    if (problems.length > 0) failWith(`${when}, the broker serves a log that breaks its promises`, problems, broker);
    for (const { partition, check } of checks) {
      const settled = ledger.settledIn(partition);
      for (const r of check.records) {
        if (!settled.has(r.offset)) totals.unacknowledgedKept++;
        ledger.recordReadBack(partition, r.offset, r.id, cycle);
      }
      totals.settledChecks += check.settledVerified;
      totals.wireBatches += check.batches;
    }
  } finally {
    connection.close();
  }
}

function verifyDisk(dataDir: string, when: string, totals: Totals): SegmentAudit {
  const audit = auditLogDir(dataDir);
  if (audit.partitions < SHAPE.partitions) failWith(`${when}: segment files`, [`only ${audit.partitions} partition dirs with segments`]);
  if (audit.problems.length > 0) failWith(`${when}: segment files on disk are damaged`, audit.problems);
  totals.diskBatches += audit.batches;
  return audit;
}

const PINO_WARN = 40;
const PINO_ERROR = 50;

/** A restarted broker may warn (a torn tail cut), but an error means recovery went wrong. */
function checkBrokerLog(broker: BrokerProcess, when: string, totals: Totals): void {
  const errors = broker.logs.filter((l) => Number(l.level) >= PINO_ERROR);
  if (errors.length > 0) failWith(`${when}: the broker logged errors`, errors.map((l) => JSON.stringify(l)));
  for (const l of broker.logs) {
    if (Number(l.level) >= PINO_WARN) totals.warnings.set(String(l.msg), (totals.warnings.get(String(l.msg)) ?? 0) + 1);
  }
}

/** How many logs the broker found with a torn tail to cut ("log loaded" with truncatedBytes > 0). */
function tornTailsCut(broker: BrokerProcess): number {
  return broker.logs.filter((l) => l.msg === "log loaded" && Number(l.truncatedBytes) > 0).length;
}

function failWith(what: string, problems: readonly string[], broker?: BrokerProcess): never {
  const shown = problems.slice(0, SHOWN_PROBLEMS).map((p) => `  ${p}`);
  if (problems.length > SHOWN_PROBLEMS) shown.push(`  … and ${problems.length - SHOWN_PROBLEMS} more`);
  const warnings = (broker?.logs ?? []).filter((l) => Number(l.level) >= PINO_WARN).map((l) => `  broker: ${JSON.stringify(l)}`);
  throw new Error([`${what}:`, ...shown, ...(warnings.length > 0 ? ["broker warnings since restart:", ...warnings] : [])].join("\n"));
}
