// `npm run bench [-- options]`: Apache Kafka 4.4.0 and Millrace, one at a time on loopback with
// fresh data directories, driven by the same clients (Kafka's ProducerPerformance,
// ConsumerPerformance, EndToEndLatency). See test/bench/README.md for what is measured and how.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, hostname, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createTopics, MILLRACE_UNBUNDLED_MAIN, REPO, startBenchBroker, startNullBrokerProcess, storedRecords, type BenchBroker, type BrokerKind, type Durability } from "./brokers.js";
import { formatCallers, formatSummary, hottest, summarizeProfile, type CpuProfile, type Window } from "./cpuprofile-top.js";
import { payloadFile } from "./payload.js";
import { startBenchCluster } from "./cluster.js";
import { KAFKA_CLUSTER_HEAP, TOPOLOGY_CLUSTER, TOPOLOGY_SINGLE } from "./cluster-config.js";
import { freePageReporting } from "./memory-backing.js";
import { hwmBytesOf, loadAverage, machineBusySeconds, measure, OtherLoad, rssBytesOf } from "./proc.js";
import { markdownFloorTable, markdownTable, METRICS, ratioOf, summarize, summarizeFloor, type FloorSample, type MetricId, type Sample } from "./report.js";
import { formatRatio } from "./stats.js";
import { consumerPerformance, endToEndLatency, PRODUCER_PROPS, producerPerformance, rdkafkaProduce, run } from "./tools.js";

const MiB = 1024 * 1024;
/**
 * Seconds of records at the fixed rate before the measured ones: the client JVM's own start (JIT,
 * first batches) can lag for 2–3 s and then catch up in a burst that would land in a 2 s window.
 */
const LATENCY_WARMUP_SEC = 5;

interface Options {
  quick: boolean;
  full: boolean;
  profile: boolean;
  /** Both brokers as 3-node clusters (RF 3, min ISR 2) instead of one node each. */
  cluster: boolean;
  runs: number;
  modes: Durability[];
  brokers: BrokerKind[];
  sizes: number[];
  partitions: number[];
  latencyPcts: number[];
  latencySec: number;
  produceMiB: number;
  backlogMiB: number;
  e2eRecords: number;
  rdkafka: boolean;
  /** Also run the fixed-rate latency workloads against the null broker (the client's floor). */
  floor: boolean;
  /** Records/s the fixed rates are a share of, instead of Kafka's max (Java client, librdkafka). */
  baseRate?: { java: number; rdkafka?: number };
  outDir: string;
  tmpDir: string;
  dropCaches: boolean;
  /** Seconds to wait at most, before each session, for other processes to go quiet (0 = don't). */
  waitQuiet: number;
}

const USAGE = `npm run bench -- [options]
  --quick               1 KiB × 16 partitions, page cache, one run, latency at 50 % only (~2 min);
                        ends with one line: produce_ratio= consume_ratio= p99_ratio= rss_ratio=
  --full                5 GiB backlog instead of 2 GiB
  --cluster             both brokers as 3-node clusters on loopback (combined broker+controller nodes,
                        RF 3, min.insync.replicas 2, racks a/b/c; Kafka ${KAFKA_CLUSTER_HEAP} heap per JVM);
                        memory and CPU summed over the nodes. Combines with the other options
  --profile             Millrace only, under node --cpu-prof, during the quick produce workload;
                        prints the top functions by self time (writes results/profile-*.md)
  --runs N              runs of everything (default 3; quick 1)
  --modes LIST          pagecache,fsync (default both; quick pagecache)
  --brokers LIST        kafka,millrace (default both, Kafka first in every round)
  --sizes LIST          record sizes in bytes (default 1024; e.g. 100,1024,65536)
  --partitions LIST     partition counts (default 16; e.g. 16,100)
  --matrix              sizes 100,1024,65536 × partitions 16,100
  --latency LIST        fixed rates as % of Kafka's max rate (default 10,50,80; quick 50); "" = none
  --latency-seconds S   steady-state seconds per fixed-rate run (default 15; quick 10)
  --produce-mib N       MiB per max-rate produce run (default 2048; quick 1024)
  --backlog-mib N       backlog to consume after dropping the page cache (default 2048, --full 5120, 0 = off)
  --e2e-records N       EndToEndLatency records (default 5000; quick 0 = off)
  --rdkafka             also produce with librdkafka (confluent-kafka, test/bench/rdkafka_produce.py):
                        max rate, and the --latency rates of Kafka's librdkafka max rate (µs latencies)
  --floor               also run the fixed-rate latency workloads against a broker that stores
                        nothing (test/bench/null-broker.ts): the client's own floor, in a table of its own
  --base-rate N[,M]     fixed rates as % of N records/s (librdkafka: M) instead of Kafka's max in the
                        first round: the same rates in every run, e.g. for an A/B of Millrace alone
  --no-drop-caches      do not drop the page cache before the backlog read
  --wait-quiet S        before each session wait up to S seconds until the machine is quiet
                        (< 20 % of all cores busy over 5 s while no broker or client of ours runs)
  --out DIR             results directory (default test/bench/results)
  --tmp DIR             where fresh data directories are made (default ${tmpdir()})`;

function parseOptions(argv: string[]): Options {
  const has = (f: string) => argv.includes(f);
  const quick = has("--quick");
  const full = has("--full");
  const o: Options = {
    quick,
    full,
    profile: has("--profile"),
    cluster: has("--cluster"),
    runs: quick ? 1 : 3,
    modes: quick ? ["pagecache"] : ["pagecache", "fsync"],
    brokers: ["kafka", "millrace"],
    sizes: [1024],
    partitions: [16],
    latencyPcts: quick ? [50] : [10, 50, 80],
    latencySec: quick ? 10 : 15,
    produceMiB: quick || has("--profile") ? 1024 : 2048,
    backlogMiB: quick ? 0 : full ? 5120 : 2048,
    e2eRecords: quick ? 0 : 5000,
    rdkafka: has("--rdkafka"),
    floor: has("--floor"),
    outDir: join(REPO, "test/bench/results"),
    tmpDir: tmpdir(),
    dropCaches: !has("--no-drop-caches"),
    waitQuiet: 0,
  };
  const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
  const nums = (s: string) => list(s).map((x) => {
    const n = Number(x);
    if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${x}`);
    return n;
  });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    switch (a) {
      case "--quick": case "--full": case "--profile": case "--no-drop-caches": case "--rdkafka": case "--cluster": case "--floor": break;
      case "--matrix": o.sizes = [100, 1024, 65536]; o.partitions = [16, 100]; break;
      case "--runs": o.runs = nums(v())[0]!; break;
      case "--modes": o.modes = list(v()).map((m) => { if (m !== "pagecache" && m !== "fsync") throw new Error(`mode ${m}`); return m; }); break;
      case "--brokers": o.brokers = list(v()).map((b) => { if (b !== "kafka" && b !== "millrace") throw new Error(`broker ${b}`); return b; }); break;
      case "--sizes": o.sizes = nums(v()); break;
      case "--partitions": o.partitions = nums(v()); break;
      case "--latency": o.latencyPcts = nums(v()); break;
      case "--latency-seconds": o.latencySec = nums(v())[0]!; break;
      case "--produce-mib": o.produceMiB = nums(v())[0]!; break;
      case "--backlog-mib": o.backlogMiB = nums(v())[0]!; break;
      case "--e2e-records": o.e2eRecords = nums(v())[0]!; break;
      case "--wait-quiet": o.waitQuiet = nums(v())[0]!; break;
      case "--base-rate": { const [java, rdkafka] = nums(v()); o.baseRate = { java: java!, rdkafka }; break; }
      case "--out": o.outDir = v(); break;
      case "--tmp": o.tmpDir = v(); break;
      case "-h": case "--help": process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  o.brokers.sort((a, b) => (a === "kafka" ? -1 : b === "kafka" ? 1 : 0));
  if (o.cluster && o.profile) throw new Error("--profile runs one Millrace process under the profiler; it does not combine with --cluster");
  return o;
}

export function sizeText(size: number): string {
  if (size >= 1024 && size % 1024 === 0) return `${size / 1024}KiB`;
  return `${size}B`;
}

interface Workload {
  name: string;
  topic: string;
  size: number;
  partitions: number;
}

function workloads(o: Options): Workload[] {
  const out: Workload[] = [];
  for (const size of o.sizes) for (const partitions of o.partitions) {
    out.push({ name: `${sizeText(size)}×${partitions}p`, topic: `bench-${size}-${partitions}`, size, partitions });
  }
  return out;
}

const t0 = Date.now();
function log(msg: string): void {
  process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** sync + drop the page cache, so a backlog read comes from disk; false when not permitted. */
function dropPageCache(): boolean {
  try {
    execFileSync("sync");
    writeFileSync("/proc/sys/vm/drop_caches", "1\n");
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits (up to maxSec) until the machine is mostly idle while nothing of ours runs: less than
 * 20 % of all cores busy over 5 s. Returns [busy % of the last 5 s, seconds waited].
 */
async function waitQuiet(maxSec: number): Promise<[number, number]> {
  const start = performance.now();
  for (;;) {
    const b0 = machineBusySeconds();
    await sleep(5000);
    const busy = (100 * (machineBusySeconds() - b0)) / (5 * cpus().length);
    const waited = (performance.now() - start) / 1000 - 5;
    if (busy < 20 || waited + 5 >= maxSec) return [busy, waited];
  }
}

interface Ctx {
  o: Options;
  samples: Sample[];
  floorSamples: FloorSample[];
  details: Record<string, unknown>[];
  /**
   * Kafka's steady max-rate records/s per (mode, workload) in the first round: the base of the
   * fixed rates, kept for every later round so each round runs the same workload.
   */
  kafkaRate: Map<string, number>;
  payloadDir: string;
  loadMax: number;
  dropCachesWorked: boolean | undefined;
}

function recordsFor(o: Options, size: number, mode: Durability): number {
  // fsync mode writes half as much: it is slower, and the point is the rate, not the volume.
  const bytes = o.produceMiB * MiB * (mode === "fsync" ? 0.5 : 1);
  return Math.max(10_000, Math.min(20_000_000, Math.floor(bytes / size)));
}

/** With --wait-quiet: waits for a quiet machine and returns how busy it was at the start (%). */
async function quietMachine(o: Options): Promise<number | undefined> {
  if (o.waitQuiet <= 0) return undefined;
  const [busy, waited] = await waitQuiet(o.waitQuiet);
  if (waited > 0 || busy >= 20) log(`waited ${waited.toFixed(0)} s for a quiet machine; ${busy.toFixed(0)} % busy at the start`);
  return busy;
}

async function session(ctx: Ctx, kind: BrokerKind, mode: Durability, round: number): Promise<void> {
  const { o } = ctx;
  const add = (workload: string, metric: MetricId, value: number) => ctx.samples.push({ broker: kind, mode, workload, metric, run: round, value });
  const busy = await quietMachine(o);
  if (busy !== undefined) add("broker", "quietBusy", busy);
  const load = loadAverage();
  ctx.loadMax = Math.max(ctx.loadMax, load[0]);
  log(`${kind} ${mode} run ${round}: starting (load average ${load.join(" ")})`);
  const other = new OtherLoad();
  other.start();
  const b: BenchBroker = o.cluster ? await startBenchCluster(kind, { mode, baseDir: o.tmpDir }) : await startBenchBroker(kind, { mode, baseDir: o.tmpDir });
  const detail: Record<string, unknown> = {
    broker: kind, mode, run: round, topology: b.topology, pids: b.pids, loadAvgBefore: load, startupMs: b.startupMs, formatMs: b.formatMs,
    overrides: b.overrides, phases: [] as unknown[],
  };
  const phases = detail.phases as unknown[];
  ctx.details.push(detail);
  let peak = Number.NaN;
  const track = (rss: number) => { if (Number.isFinite(rss) && !(rss <= peak)) peak = rss; };
  try {
    log(`${kind} ${mode} run ${round}: first acknowledged write ${b.startupMs.toFixed(0)} ms after start${b.formatMs !== undefined ? ` (format before it: ${b.formatMs.toFixed(0)} ms)` : ""}`);
    add("broker", "loadAvg", load[0]);
    add("broker", "startupMs", b.startupMs);
    const wls = workloads(o);
    const backlog = mode === "pagecache" && o.backlogMiB > 0;
    const topics = wls.map((w) => ({ topic: w.topic, partitions: w.partitions }));
    if (o.e2eRecords > 0) for (const size of o.sizes) topics.push({ topic: `bench-e2e-${size}`, partitions: 1 });
    if (backlog) topics.push({ topic: "bench-backlog", partitions: 16 });
    await createTopics(b.bootstrap, b.replicationFactor, topics);
    await sleep(2000);
    const idle = rssBytesOf(b.pids);
    add("broker", "rssIdle", idle / MiB);
    detail.rssIdleBytes = idle;

    const e2eDone = new Set<number>();
    for (const w of wls) {
      const file = payloadFile(ctx.payloadDir, w.size);
      const records = recordsFor(o, w.size, mode);
      const warmup = Math.floor(records / 10);
      log(`${kind} ${mode} run ${round} ${w.name}: produce ${records} records at max rate`);
      const p = await measure(b.pids, () => producerPerformance({
        bootstrap: b.bootstrap, topic: w.topic, records, warmupRecords: warmup, throughput: -1, payloadFile: file, timeoutMs: 20 * 60_000,
      }));
      track(p.peakRss);
      const ps = p.value.steady ?? p.value.total;
      add(w.name, "produceMiBs", ps.mibPerSec);
      add(w.name, "produceRecs", ps.recordsPerSec);
      add(w.name, "cpuPerGBProduce", p.cpuSec / ((records * w.size) / 1e9));
      phases.push({ phase: "produce", workload: w.name, records, cpuSec: p.cpuSec, wallSec: p.wallSec, peakRss: p.peakRss, result: p.value });
      log(`  ${ps.mibPerSec.toFixed(1)} MiB/s, ${ps.recordsPerSec.toFixed(0)} records/s, p99 ${ps.p99Ms} ms (at max rate), broker ${p.cpuSec.toFixed(1)} CPU-s${p.value.errorLines ? `, ${p.value.errorLines} error lines` : ""}`);
      if (kind === "kafka" && !ctx.kafkaRate.has(`${mode}/${w.name}`)) ctx.kafkaRate.set(`${mode}/${w.name}`, ps.recordsPerSec);

      // At max rate a client can time records out (delivery.timeout.ms) when a broker falls far
      // behind; the read covers what was stored, and the shortfall is reported.
      const stored = await storedRecords(b.bootstrap, w.topic);
      if (stored !== records) {
        log(`  ${records - stored} of ${records} records were not stored (client timeouts)`);
        add(w.name, "produceLost", records - stored);
      }
      log(`${kind} ${mode} run ${round} ${w.name}: consume ${stored} records`);
      const c = await measure(b.pids, () => consumerPerformance({ bootstrap: b.bootstrap, topic: w.topic, records: stored, timeoutMs: 20 * 60_000 }));
      track(c.peakRss);
      add(w.name, "consumeMiBs", c.value.fetchMibPerSec);
      add(w.name, "consumeRecs", c.value.fetchRecordsPerSec);
      add(w.name, "cpuPerGBConsume", c.cpuSec / ((c.value.records * w.size) / 1e9));
      phases.push({ phase: "consume", workload: w.name, cpuSec: c.cpuSec, wallSec: c.wallSec, peakRss: c.peakRss, result: c.value });
      log(`  ${c.value.fetchMibPerSec.toFixed(1)} MiB/s (join ${c.value.rebalanceMs} ms excluded), broker ${c.cpuSec.toFixed(1)} CPU-s`);

      for (const pctRate of o.latencyPcts) {
        const { rate, warm, n } = fixedRate(ctx, `${mode}/${w.name}`, pctRate, ps.recordsPerSec);
        log(`${kind} ${mode} run ${round} ${w.name}: fixed rate ${rate} records/s (${pctRate} % of Kafka's max), ${o.latencySec} s`);
        const l = await measure(b.pids, () => producerPerformance({
          bootstrap: b.bootstrap, topic: w.topic, records: n + warm, warmupRecords: warm, throughput: rate, payloadFile: file,
          timeoutMs: Math.max(120_000, o.latencySec * 20_000),
        }));
        track(l.peakRss);
        const ls = l.value.steady ?? l.value.total;
        const wl = `${w.name} @${pctRate}%`;
        add(wl, "latencyRate", ls.recordsPerSec);
        add(wl, "latencyP50", ls.p50Ms);
        add(wl, "latencyP99", ls.p99Ms);
        add(wl, "latencyP999", ls.p999Ms);
        phases.push({ phase: "latency", workload: wl, rate, cpuSec: l.cpuSec, wallSec: l.wallSec, peakRss: l.peakRss, result: l.value });
        log(`  achieved ${ls.recordsPerSec.toFixed(0)} records/s; p50 ${ls.p50Ms} p99 ${ls.p99Ms} p99.9 ${ls.p999Ms} ms`);
      }

      if (o.rdkafka) await rdkafkaPhases(ctx, b, kind, mode, round, w, add, track, phases);

      if (o.e2eRecords > 0 && !e2eDone.has(w.size)) {
        e2eDone.add(w.size);
        log(`${kind} ${mode} run ${round} ${sizeText(w.size)}: EndToEndLatency, ${o.e2eRecords} records, 1 partition`);
        const e = await measure(b.pids, () => endToEndLatency({ bootstrap: b.bootstrap, topic: `bench-e2e-${w.size}`, records: o.e2eRecords, size: w.size, timeoutMs: 20 * 60_000 }));
        track(e.peakRss);
        const wl = `${sizeText(w.size)} end-to-end (1 partition, one record at a time)`;
        add(wl, "e2eAvg", e.value.avgMs);
        add(wl, "e2eP50", e.value.p50Ms);
        add(wl, "e2eP99", e.value.p99Ms);
        add(wl, "e2eP999", e.value.p999Ms);
        phases.push({ phase: "e2e", workload: wl, result: e.value });
        log(`  avg ${e.value.avgMs} ms; p50 ${e.value.p50Ms} p99 ${e.value.p99Ms} p99.9 ${e.value.p999Ms} ms`);
      }
    }

    if (backlog) {
      const size = 1024;
      const records = Math.floor((o.backlogMiB * MiB) / size);
      log(`${kind} ${mode} run ${round}: backlog of ${o.backlogMiB} MiB (${records} × 1 KiB, 16 partitions)`);
      const p = await measure(b.pids, () => producerPerformance({
        bootstrap: b.bootstrap, topic: "bench-backlog", records, warmupRecords: 0, throughput: -1, payloadFile: payloadFile(ctx.payloadDir, size), timeoutMs: 60 * 60_000,
      }));
      track(p.peakRss);
      const dropped = o.dropCaches && dropPageCache();
      ctx.dropCachesWorked = (ctx.dropCachesWorked ?? true) && dropped;
      const c = await measure(b.pids, () => consumerPerformance({ bootstrap: b.bootstrap, topic: "bench-backlog", records, timeoutMs: 60 * 60_000 }));
      track(c.peakRss);
      const wl = `1KiB×16p backlog ${(o.backlogMiB / 1024).toFixed(o.backlogMiB % 1024 ? 1 : 0)} GiB`;
      add(wl, "backlogMiBs", c.value.fetchMibPerSec);
      add(wl, "cpuPerGBConsume", c.cpuSec / ((c.value.records * size) / 1e9));
      phases.push({ phase: "backlog", workload: wl, pageCacheDropped: dropped, produce: p.value, consume: c.value, cpuSec: c.cpuSec });
      log(`  ${c.value.fetchMibPerSec.toFixed(1)} MiB/s${dropped ? " (page cache dropped first)" : " (page cache NOT dropped)"}`);
    }

    const [otherSec, wallSec] = other.otherSeconds(b.ownPids);
    const otherPct = (100 * otherSec) / (wallSec * cpus().length);
    add("broker", "otherCpu", otherPct);
    detail.otherCpuSec = otherSec;
    detail.wallSec = wallSec;
    log(`${kind} ${mode} run ${round}: other processes used ${otherSec.toFixed(1)} CPU-s in ${wallSec.toFixed(0)} s (${otherPct.toFixed(1)} % of ${cpus().length} cores)`);
    add("broker", "rssLoad", peak / MiB);
    add("broker", "rssHwm", hwmBytesOf(b.pids) / MiB);
    detail.rssPeakBytes = peak;
  } finally {
    await b.stop();
  }
}

/** --base-rate: the base of every fixed rate, keyed as Kafka's measured max rates are. */
function givenRates(o: Options): Map<string, number> {
  const rates = new Map<string, number>();
  if (!o.baseRate) return rates;
  for (const mode of o.modes) for (const w of workloads(o)) {
    rates.set(`${mode}/${w.name}`, o.baseRate.java);
    if (o.baseRate.rdkafka !== undefined) rates.set(`${mode}/${w.name} librdkafka`, o.baseRate.rdkafka);
  }
  return rates;
}

/**
 * A fixed-rate run: `pct` % of Kafka's max rate for `key` ("mode/workload"; `fallback` when Kafka
 * did not run), with warmup and steady-state record counts.
 */
function fixedRate(ctx: Ctx, key: string, pct: number, fallback: number): { rate: number; warm: number; n: number } {
  const base = ctx.kafkaRate.get(key) ?? fallback;
  const rate = Math.max(1, Math.round((base * pct) / 100));
  return { rate, warm: rate * LATENCY_WARMUP_SEC, n: Math.max(1000, Math.round(rate * ctx.o.latencySec)) };
}

/**
 * The fixed-rate runs of a session against the null broker, at the same rates: what the clients
 * measure when the broker costs nothing. Needs Kafka's max rates (Kafka runs first in a round).
 */
async function floorSession(ctx: Ctx, mode: Durability, round: number): Promise<void> {
  const { o } = ctx;
  const add = (workload: string, metric: MetricId, value: number) => ctx.floorSamples.push({ mode, workload, metric, run: round, value });
  await quietMachine(o);
  for (const w of workloads(o)) {
    const base = ctx.kafkaRate.get(`${mode}/${w.name}`);
    if (base === undefined) {
      log(`floor ${mode} run ${round} ${w.name}: skipped (no Kafka max rate to take the fixed rates from)`);
      continue;
    }
    const broker = await startNullBrokerProcess(w.partitions);
    try {
      for (const pctRate of o.latencyPcts) {
        const { rate, warm, n } = fixedRate(ctx, `${mode}/${w.name}`, pctRate, base);
        log(`floor ${mode} run ${round} ${w.name}: null broker at ${rate} records/s (${pctRate} % of Kafka's max)`);
        const l = await producerPerformance({
          bootstrap: broker.bootstrap, topic: w.topic, records: n + warm, warmupRecords: warm, throughput: rate, payloadFile: payloadFile(ctx.payloadDir, w.size),
          timeoutMs: Math.max(120_000, o.latencySec * 20_000),
        });
        const ls = l.steady ?? l.total;
        const wl = `${w.name} @${pctRate}%`;
        add(wl, "latencyP50", ls.p50Ms);
        add(wl, "latencyP99", ls.p99Ms);
        add(wl, "latencyP999", ls.p999Ms);
        log(`  achieved ${ls.recordsPerSec.toFixed(0)} records/s; p50 ${ls.p50Ms} p99 ${ls.p99Ms} p99.9 ${ls.p999Ms} ms`);
      }
      const rdkKey = `${mode}/${w.name} librdkafka`;
      const rdkBase = ctx.kafkaRate.get(rdkKey);
      if (o.rdkafka && rdkBase !== undefined) {
        for (const pctRate of o.latencyPcts) {
          const { rate, warm, n } = fixedRate(ctx, rdkKey, pctRate, rdkBase);
          log(`floor ${mode} run ${round} ${w.name}: librdkafka, null broker at ${rate} records/s (${pctRate} % of Kafka's librdkafka max)`);
          const l = await rdkafkaProduce({
            bootstrap: broker.bootstrap, topic: w.topic, records: n + warm, warmup: warm, size: w.size, rate, timeoutMs: Math.max(120_000, o.latencySec * 20_000),
          });
          const wl = `${w.name} librdkafka @${pctRate}%`;
          add(wl, "rdkLatencyP50", l.p50Ms);
          add(wl, "rdkLatencyP99", l.p99Ms);
          add(wl, "rdkLatencyP999", l.p999Ms);
          log(`  achieved ${l.recordsPerSec.toFixed(0)} records/s; p50 ${l.p50Ms} p99 ${l.p99Ms} p99.9 ${l.p999Ms} ms`);
        }
      }
    } finally {
      await broker.stop();
    }
  }
}

/** librdkafka producer: max rate, then fixed rates as % of Kafka's librdkafka max rate. */
async function rdkafkaPhases(
  ctx: Ctx, b: BenchBroker, kind: BrokerKind, mode: Durability, round: number, w: Workload,
  add: (workload: string, metric: MetricId, value: number) => void, track: (rss: number) => void, phases: unknown[],
): Promise<void> {
  const { o } = ctx;
  // Python calls produce() once per record: cap the volume so this phase stays short.
  const records = Math.min(recordsFor(o, w.size, mode), 1_000_000);
  log(`${kind} ${mode} run ${round} ${w.name}: librdkafka produce ${records} records at max rate`);
  const p = await measure(b.pids, () => rdkafkaProduce({
    bootstrap: b.bootstrap, topic: w.topic, records, warmup: Math.floor(records / 10), size: w.size, rate: 0, timeoutMs: 20 * 60_000,
  }));
  track(p.peakRss);
  const wl = `${w.name} librdkafka`;
  add(wl, "rdkProduceMiBs", p.value.mibPerSec);
  add(wl, "rdkProduceRecs", p.value.recordsPerSec);
  phases.push({ phase: "rdkafka-produce", workload: wl, records, cpuSec: p.cpuSec, result: p.value });
  log(`  ${p.value.mibPerSec.toFixed(1)} MiB/s, ${p.value.recordsPerSec.toFixed(0)} records/s`);
  if (kind === "kafka" && !ctx.kafkaRate.has(`${mode}/${wl}`)) ctx.kafkaRate.set(`${mode}/${wl}`, p.value.recordsPerSec);
  for (const pctRate of o.latencyPcts) {
    const { rate, warm, n } = fixedRate(ctx, `${mode}/${wl}`, pctRate, p.value.recordsPerSec);
    log(`${kind} ${mode} run ${round} ${w.name}: librdkafka at ${rate} records/s (${pctRate} % of Kafka's librdkafka max)`);
    const l = await measure(b.pids, () => rdkafkaProduce({
      bootstrap: b.bootstrap, topic: w.topic, records: n + warm, warmup: warm, size: w.size, rate, timeoutMs: Math.max(120_000, o.latencySec * 20_000),
    }));
    track(l.peakRss);
    const lw = `${wl} @${pctRate}%`;
    add(lw, "latencyRate", l.value.recordsPerSec);
    add(lw, "rdkLatencyP50", l.value.p50Ms);
    add(lw, "rdkLatencyP99", l.value.p99Ms);
    add(lw, "rdkLatencyP999", l.value.p999Ms);
    phases.push({ phase: "rdkafka-latency", workload: lw, rate, cpuSec: l.cpuSec, result: l.value });
    log(`  achieved ${l.value.recordsPerSec.toFixed(0)} records/s; p50 ${l.value.p50Ms} p99 ${l.value.p99Ms} p99.9 ${l.value.p999Ms} ms`);
  }
}

/** What --cluster runs, for the head of the report. */
function clusterText(): string {
  return `Topology: ${TOPOLOGY_CLUSTER}, on loopback, fresh data directories. ` +
    `Apache Kafka: three combined KRaft nodes (process.roles=broker,controller, controller.quorum.voters over the three controller ports, storage formatted with one cluster id), ` +
    `each JVM -Xms${KAFKA_CLUSTER_HEAP} -Xmx${KAFKA_CLUSTER_HEAP} (half the single node's 1 GiB, so three fit; the same in every mode). ` +
    "Millrace: `millrace cluster up --brokers 3 --controllers 3 --racks a,b,c` (three combined nodes). " +
    "Both: default.replication.factor=3, min.insync.replicas=2, offsets.topic.replication.factor=3, broker.rack a/b/c, group.initial.rebalance.delay.ms=0; " +
    "topics created with replication factor 3; producers acks=all; clients bootstrap from node 1. " +
    "Resident memory and CPU are summed over the three node processes (VmRSS summed per 100 ms sample; VmHWM is the sum of each node's own peak; " +
    "Millrace's `cluster up` supervisor is not counted, nor is it \"other\" load). " +
    "Start-up: from the first node process (Kafka: the first exec of a broker JVM, after the three `kafka-storage format` runs; Millrace: the spawn of `cluster up`, after an untimed `millrace --help`) " +
    "to the first acknowledged acks=all write to a new RF 3 topic; both thus start with their program files in the page cache.";
}

function environment(): Record<string, unknown> {
  let javaV = "";
  try {
    // java -version writes to stderr.
    javaV = execFileSync("bash", ["-c", "java -version 2>&1 | head -1"], { encoding: "utf8" }).trim();
  } catch {
    javaV = "java (version unknown)";
  }
  return {
    host: hostname(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    kernel: release(),
    freePageReporting: freePageReporting(),
    node: process.version,
    java: javaV,
    kafka: process.env.KAFKA_VERSION ?? "4.4.0",
  };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[:]/g, "").replace(/\..*/, "Z");
}

async function install(): Promise<void> {
  // The Java clients with kafka-tools, and Kafka's server jars (cached under ~/.cache/millrace).
  const r = await run("bash", [join(REPO, "test/tools/install.sh"), "java-clients", "kafka-server"], { timeoutMs: 30 * 60_000 });
  if (r.code !== 0) throw new Error(`test/tools/install.sh failed:\n${r.stderr}`);
}

const monoUs = () => Number(process.hrtime.bigint() / 1000n);

async function profile(o: Options): Promise<void> {
  const ts = stamp(new Date());
  const profDir = join(o.outDir, "profiles", ts);
  mkdirSync(profDir, { recursive: true });
  const size = 1024;
  const records = recordsFor(o, size, "pagecache");
  const payloadDir = join(o.tmpDir, "millrace-bench-payloads");
  log(`profile: Millrace under node --cpu-prof, ${records} × 1 KiB records to 16 partitions at max rate, then consumed`);
  const b = await startBenchBroker("millrace", {
    mode: "pagecache", baseDir: o.tmpDir, main: MILLRACE_UNBUNDLED_MAIN, nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "--cpu-prof-name=millrace.cpuprofile"],
  });
  const phases: { name: string; line: string; window: Window }[] = [];
  try {
    await createTopics(b.bootstrap, b.replicationFactor, [{ topic: "bench-1024-16", partitions: 16 }]);
    let from = monoUs();
    const p = await measure(b.pids, () => producerPerformance({
      bootstrap: b.bootstrap, topic: "bench-1024-16", records, warmupRecords: Math.floor(records / 10), throughput: -1, payloadFile: payloadFile(payloadDir, size), timeoutMs: 20 * 60_000,
    }));
    const s = p.value.steady ?? p.value.total;
    phases.push({
      name: "produce",
      line: `Produce (ProducerPerformance, max rate) under the profiler: ${s.mibPerSec.toFixed(1)} MiB/s, ${s.recordsPerSec.toFixed(0)} records/s; broker ${p.cpuSec.toFixed(1)} CPU-s over ${p.wallSec.toFixed(1)} s wall (${((100 * p.cpuSec) / p.wallSec).toFixed(0)} % of one core, tool start-up included).`,
      window: { fromUs: from, toUs: monoUs() },
    });
    log(phases.at(-1)!.line);
    from = monoUs();
    const c = await measure(b.pids, () => consumerPerformance({ bootstrap: b.bootstrap, topic: "bench-1024-16", records, timeoutMs: 20 * 60_000 }));
    phases.push({
      name: "consume",
      line: `Consume (ConsumerPerformance) under the profiler: ${c.value.fetchMibPerSec.toFixed(1)} MiB/s; broker ${c.cpuSec.toFixed(1)} CPU-s over ${c.wallSec.toFixed(1)} s wall (${((100 * c.cpuSec) / c.wallSec).toFixed(0)} % of one core, tool start-up included).`,
      window: { fromUs: from, toUs: monoUs() },
    });
    log(phases.at(-1)!.line);
  } finally {
    await b.stop(); // the profile is written when the broker exits
  }
  const file = join(profDir, readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"))!);
  const prof = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const rel = file.replace(`${REPO}/`, "");
  const text = [
    `# Millrace CPU profile, ${ts}`, "",
    `1 KiB records, 16 partitions, acks=all, linger 5 ms, batch 1 MiB, page cache (the --quick workload). Profile: \`${rel}\` ` +
      "(Chrome DevTools → Performance, or speedscope). Each phase below counts only the samples taken while its client ran " +
      "(start-up, topic creation and shutdown are left out); % are of the broker's busy (non-idle) time in that window.",
  ];
  for (const ph of phases) {
    const summary = summarizeProfile(prof, REPO, ph.window);
    text.push("", `## ${ph.name}`, "", ph.line, "", formatSummary(summary, 25), "");
    for (const name of hottest(summary, 6)) text.push(formatCallers(prof, name, summary.busyUs, 4, ph.window), "");
    text.push(`Re-run: \`npm exec -- node dist/test/bench/cpuprofile-top.js ${rel} --window ${ph.window.fromUs},${ph.window.toUs} --callers NAME\``);
  }
  const out = `${text.join("\n")}\n`;
  writeFileSync(join(o.outDir, `profile-${ts}.md`), out);
  writeFileSync(join(o.outDir, "profile-latest.md"), out);
  process.stdout.write(out);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  mkdirSync(o.outDir, { recursive: true });
  log("installing / checking cached tools (test/tools/install.sh java-clients kafka-server)");
  await install();
  if (o.profile) return profile(o);

  const started = new Date();
  const loadBefore = loadAverage();
  const ctx: Ctx = {
    o, samples: [], floorSamples: [], details: [], kafkaRate: givenRates(o), payloadDir: join(o.tmpDir, "millrace-bench-payloads"), loadMax: loadBefore[0], dropCachesWorked: undefined,
  };
  for (let round = 1; round <= o.runs; round++) {
    for (const mode of o.modes) {
      for (const kind of o.brokers) await session(ctx, kind, mode, round);
      if (o.floor) await floorSession(ctx, mode, round);
    }
  }
  const loadAfter = loadAverage();
  const rows = summarize(ctx.samples);
  const floorRows = summarizeFloor(ctx.floorSamples, rows);
  const env = environment();
  const ts = stamp(started);
  const tag = [o.quick ? "quick" : "", o.cluster ? "cluster" : ""].filter(Boolean).join("-");
  const topology = o.cluster ? TOPOLOGY_CLUSTER : TOPOLOGY_SINGLE;
  const quickLine = [
    `produce_ratio=${formatRatio(ratioOf(rows, "pagecache", "1KiB×16p", "produceMiBs"))}`,
    `consume_ratio=${formatRatio(ratioOf(rows, "pagecache", "1KiB×16p", "consumeMiBs"))}`,
    `p99_ratio=${formatRatio(ratioOf(rows, "pagecache", `1KiB×16p @${o.latencyPcts.includes(50) ? 50 : o.latencyPcts[0]}%`, "latencyP99"))}`,
    `rss_ratio=${formatRatio(ratioOf(rows, "pagecache", "broker", "rssLoad"))}`,
  ].join(" ");
  const json = {
    started: started.toISOString(),
    finished: new Date().toISOString(),
    argv: process.argv.slice(2),
    options: o,
    topology,
    ...(o.cluster ? { kafkaHeapPerJvm: KAFKA_CLUSTER_HEAP } : {}),
    environment: env,
    loadAverage: { before: loadBefore, after: loadAfter, max1minAtSessionStart: ctx.loadMax },
    pageCacheDroppedForBacklog: ctx.dropCachesWorked,
    producerProps: PRODUCER_PROPS,
    metrics: METRICS,
    summaryLine: quickLine,
    rows,
    floorRows,
    samples: ctx.samples,
    floorSamples: ctx.floorSamples,
    sessions: ctx.details,
  };
  const md = [
    `# Millrace vs Apache Kafka 4.4.0${o.quick ? " (quick)" : ""}, ${topology} — ${started.toISOString()}`,
    "",
    o.cluster ? clusterText() : `Topology: one node of each broker (Kafka: one combined KRaft node, 1 GiB heap).`,
    "",
    `Command: \`${process.env.BENCH_MILLRACE_NODE_FLAGS ? `BENCH_MILLRACE_NODE_FLAGS="${process.env.BENCH_MILLRACE_NODE_FLAGS}" ` : ""}npm run bench -- ${process.argv.slice(2).join(" ")}\` · ${o.runs} run(s) each; cells are median (min–max); ratio = Millrace median / Kafka median.`,
    "",
    `Machine: ${env.cpus} × ${env.cpuModel}, ${env.memGiB} GiB, Linux ${env.kernel}; Node ${env.node}; ${env.java}.` +
      (env.freePageReporting === "on"
        ? " A VM whose virtio-balloon reports free pages: freed memory goes back to the host, and page-cache writes into it are several times slower for either broker (test/bench/README.md)."
        : ""),
    `Load average (1/5/15 min) before: ${loadBefore.join(" ")}, after: ${loadAfter.join(" ")}, highest 1-min value at a session start: ${ctx.loadMax.toFixed(2)}` +
      ` (our own client and broker make most of it). The \`broker\` tables give the CPU share used by other processes during each session (machine busy time from /proc/stat minus this harness, its client tools and the broker): ${env.cpus} cores are shared by broker, client and anything else.`,
    "",
    "Clients: Kafka 4.4.0's ProducerPerformance / ConsumerPerformance / EndToEndLatency (Java 17), the same for both brokers, " +
      `producer ${Object.entries(PRODUCER_PROPS).map(([k, v]) => `${k}=${v}`).join(" ")}; half-random payloads (--payload-file). ` +
      `Max-rate and fixed-rate figures are ProducerPerformance's steady state (after 10 % / ${LATENCY_WARMUP_SEC} s of warmup records); ${o.baseRate ? `fixed rates are % of ${o.baseRate.java} records/s (--base-rate${o.baseRate.rdkafka !== undefined ? `; librdkafka ${o.baseRate.rdkafka}` : ""})` : "fixed rates are % of Kafka's max rate in the first round"}, the same for all rounds. ` +
      "MiB = 2^20 bytes (the tools' \"MB\"). Latency percentiles are whole milliseconds (the tools' resolution). " +
      "Consume rate excludes the consumer group join. " +
      (o.cluster
        ? "CPU is the three node processes summed (utime+stime from /proc), per 10^9 payload bytes (each byte is stored three times). "
        : "CPU is the broker process only (utime+stime from /proc), per 10^9 payload bytes. " +
          "Kafka's start-up is from the exec of its JVM (after `kafka-storage format`, which kafka.sh runs first) to the first acknowledged write; Millrace's from its spawn, after an untimed `millrace --help`: both start with their program files in the page cache.") +
      (o.backlogMiB > 0 ? ` Backlog: ${o.backlogMiB} MiB produced, then ${ctx.dropCachesWorked ? "the page cache dropped (sync; echo 1 > /proc/sys/vm/drop_caches)" : "(page cache could NOT be dropped)"}, then read from the start.` : ""),
    markdownTable(rows, topology),
    markdownFloorTable(floorRows),
    "",
    "```",
    quickLine,
    "```",
    "",
  ].join("\n");
  const base = tag ? `${ts}-${tag}` : ts;
  writeFileSync(join(o.outDir, `${base}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(o.outDir, `${base}.md`), md);
  writeFileSync(join(o.outDir, tag ? `latest-${tag}.json` : "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(o.outDir, tag ? `latest-${tag}.md` : "latest.md"), md);
  process.stderr.write(`${md}\n`);
  log(`results: ${join(o.outDir, base)}.{md,json}`);
  process.stdout.write(`${quickLine}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
