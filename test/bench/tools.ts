// Kafka's own perf tools (kafka-tools 4.4.0 from the cached Maven jars, via test/kafka/run-class.sh)
// and the librdkafka driver, as child processes whose output is parsed by parse.ts. The same client
// and the same arguments are used against both brokers.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./brokers.js";
import {
  parseConsumerPerformance, parseEndToEndLatency, parseProducerPerformance,
  type ConsumerSummary, type EndToEndSummary, type ProducerResult,
} from "./parse.js";

const RUN_CLASS = join(REPO, "test/kafka/run-class.sh");
/** As Kafka's bin/kafka-*-perf-test.sh (-Xmx512M), with room for the 64 KiB payload sets. */
const CLIENT_JVM_OPTS = "-Xms512m -Xmx1g";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

export function run(cmd: string, args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    // Keep only the end of stderr: a failing producer prints a stack trace per record.
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-200_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr, wallMs: performance.now() - t0 });
    });
  });
}

function runClass(cls: string, args: string[], timeoutMs: number): Promise<Run> {
  return run("bash", [RUN_CLASS, cls, ...args], { timeoutMs, env: { KAFKA_OPTS: CLIENT_JVM_OPTS } });
}

function check(what: string, r: Run): void {
  if (r.code !== 0) {
    throw new Error(`${what} exited with ${r.code} after ${Math.round(r.wallMs)} ms\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`);
  }
}

/** Producer settings of every workload (OpenMessaging Benchmark's Kafka driver defaults). */
export const PRODUCER_PROPS = {
  acks: "all",
  "linger.ms": "5",
  "batch.size": String(1 << 20),
  "compression.type": "none",
  // Room for one open 1 MiB batch on each of 100 partitions (the 32 MiB default holds 32).
  "buffer.memory": String(256 << 20),
};

export interface ProduceArgs {
  bootstrap: string;
  topic: string;
  records: number;
  warmupRecords: number;
  /** Records per second, or -1 for as fast as possible. */
  throughput: number;
  payloadFile: string;
  timeoutMs: number;
}

export interface ProduceOutcome extends ProducerResult {
  /** Lines of stderr that look like send failures (ProducerPerformance prints one per failed record). */
  errorLines: number;
  wallMs: number;
}

export async function producerPerformance(a: ProduceArgs): Promise<ProduceOutcome> {
  const args = [
    "--topic", a.topic,
    "--num-records", String(a.records),
    "--throughput", String(a.throughput),
    "--payload-file", a.payloadFile,
    "--reporting-interval", "3600000",
    ...(a.warmupRecords > 0 ? ["--warmup-records", String(a.warmupRecords)] : []),
    "--command-property", `bootstrap.servers=${a.bootstrap}`,
    ...Object.entries(PRODUCER_PROPS).map(([k, v]) => `${k}=${v}`),
  ];
  const r = await runClass("org.apache.kafka.tools.ProducerPerformance", args, a.timeoutMs);
  check("ProducerPerformance", r);
  const errorLines = r.stderr.split("\n").filter((l) => /Exception|ERROR/.test(l)).length;
  return { ...parseProducerPerformance(r.stdout), errorLines, wallMs: r.wallMs };
}

export async function consumerPerformance(a: { bootstrap: string; topic: string; records: number; timeoutMs: number }): Promise<ConsumerSummary & { wallMs: number }> {
  const args = [
    "--bootstrap-server", a.bootstrap,
    "--topic", a.topic,
    "--num-records", String(a.records),
    "--timeout", "30000",
    // A new group each time, so it starts at the earliest offset (the tool's default).
    "--group", `bench-${a.topic}-${Date.now()}`,
  ];
  const r = await runClass("org.apache.kafka.tools.ConsumerPerformance", args, a.timeoutMs);
  check("ConsumerPerformance", r);
  const s = parseConsumerPerformance(r.stdout);
  if (s.records < a.records) throw new Error(`ConsumerPerformance read ${s.records} of ${a.records} records\n${r.stderr.slice(-3000)}`);
  return { ...s, wallMs: r.wallMs };
}

export async function endToEndLatency(a: { bootstrap: string; topic: string; records: number; size: number; timeoutMs: number }): Promise<EndToEndSummary> {
  const args = [
    "--bootstrap-server", a.bootstrap,
    "--topic", a.topic,
    "--num-records", String(a.records),
    "--producer-acks", "all",
    "--record-size", String(a.size),
  ];
  const r = await runClass("org.apache.kafka.tools.EndToEndLatency", args, a.timeoutMs);
  check("EndToEndLatency", r);
  return parseEndToEndLatency(r.stdout);
}

/** What rdkafka_produce.py prints: its steady-state rate and librdkafka's own per-record latency. */
export interface RdkafkaResult {
  records: number;
  seconds: number;
  recordsPerSec: number;
  mibPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number | null;
  acked: number;
  errors: number;
  firstError: string | null;
}

let rdkafkaPython: string | undefined;

async function confluentKafkaPython(): Promise<string> {
  if (rdkafkaPython) return rdkafkaPython;
  const r = await run("bash", [join(REPO, "test/tools/install.sh"), "confluent-kafka"], { timeoutMs: 10 * 60_000 });
  const m = /^CONFLUENT_KAFKA_PYTHON=(.+)$/m.exec(r.stdout);
  if (r.code !== 0 || !m) throw new Error(`test/tools/install.sh confluent-kafka failed:\n${r.stderr}`);
  return (rdkafkaPython = m[1]!.trim());
}

/** librdkafka (confluent-kafka) producer: max rate with rate 0, else paced at `rate` records/s. */
export async function rdkafkaProduce(a: { bootstrap: string; topic: string; records: number; warmup: number; size: number; rate: number; timeoutMs: number }): Promise<RdkafkaResult> {
  const python = await confluentKafkaPython();
  const args = [
    join(REPO, "test/bench/rdkafka_produce.py"),
    "--bootstrap", a.bootstrap, "--topic", a.topic, "--records", String(a.records), "--warmup", String(a.warmup),
    "--size", String(a.size), "--rate", String(a.rate),
  ];
  const r = await run(python, args, { timeoutMs: a.timeoutMs });
  check("rdkafka_produce.py", r);
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  const out = JSON.parse(line) as RdkafkaResult;
  if (out.errors > 0) throw new Error(`rdkafka_produce.py: ${out.errors} records failed, first: ${out.firstError}`);
  return out;
}
