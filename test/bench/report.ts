// Results of a benchmark: every sample (broker, durability, workload, metric, run) and the
// summary table built from them (median and min–max per broker, ratio of the medians).
import { formatNumber, formatRatio, formatSpread, ratio, spread, type Spread } from "./stats.js";
import type { BrokerKind, Durability } from "./brokers.js";

export type Better = "higher" | "lower" | "none";

export interface MetricDef {
  label: string;
  unit: string;
  better: Better;
}

/** Every figure the benchmark reports, in table order. */
export const METRICS = {
  produceMiBs: { label: "produce, max rate", unit: "MiB/s", better: "higher" },
  produceRecs: { label: "produce, max rate", unit: "records/s", better: "higher" },
  produceLost: { label: "produce, max rate: records the client timed out (not stored)", unit: "records", better: "lower" },
  consumeMiBs: { label: "consume, recent data", unit: "MiB/s", better: "higher" },
  consumeRecs: { label: "consume, recent data", unit: "records/s", better: "higher" },
  backlogMiBs: { label: "consume, backlog (page cache dropped)", unit: "MiB/s", better: "higher" },
  latencyRate: { label: "fixed-rate produce: achieved rate", unit: "records/s", better: "higher" },
  latencyP50: { label: "produce→ack p50", unit: "ms", better: "lower" },
  latencyP99: { label: "produce→ack p99", unit: "ms", better: "lower" },
  latencyP999: { label: "produce→ack p99.9", unit: "ms", better: "lower" },
  rdkProduceMiBs: { label: "librdkafka produce, max rate", unit: "MiB/s", better: "higher" },
  rdkProduceRecs: { label: "librdkafka produce, max rate", unit: "records/s", better: "higher" },
  rdkLatencyP50: { label: "librdkafka produce→ack p50 (µs resolution)", unit: "ms", better: "lower" },
  rdkLatencyP99: { label: "librdkafka produce→ack p99", unit: "ms", better: "lower" },
  rdkLatencyP999: { label: "librdkafka produce→ack p99.9", unit: "ms", better: "lower" },
  e2eAvg: { label: "end-to-end (EndToEndLatency) avg", unit: "ms", better: "lower" },
  e2eP50: { label: "end-to-end p50", unit: "ms", better: "lower" },
  e2eP99: { label: "end-to-end p99", unit: "ms", better: "lower" },
  e2eP999: { label: "end-to-end p99.9", unit: "ms", better: "lower" },
  cpuPerGBProduce: { label: "broker CPU per GB produced", unit: "CPU-s/GB", better: "lower" },
  cpuPerGBConsume: { label: "broker CPU per GB consumed", unit: "CPU-s/GB", better: "lower" },
  startupMs: { label: "start-up to first acknowledged write", unit: "ms", better: "lower" },
  rssIdle: { label: "resident memory, idle", unit: "MiB", better: "lower" },
  rssLoad: { label: "resident memory, under load (peak VmRSS sample)", unit: "MiB", better: "lower" },
  rssHwm: { label: "resident memory, VmHWM at the end", unit: "MiB", better: "lower" },
  loadAvg: { label: "load average (1 min) at session start (includes the previous session's tail)", unit: "", better: "none" },
  quietBusy: { label: "machine busy before the session (5 s, nothing of ours running)", unit: "%", better: "none" },
  otherCpu: { label: "CPU used by other processes during the session, share of all cores", unit: "%", better: "none" },
} satisfies Record<string, MetricDef>;

export type MetricId = keyof typeof METRICS;

export interface Sample {
  broker: BrokerKind;
  mode: Durability;
  /** e.g. "1KiB×16p", "1KiB×16p @50%" for a fixed-rate run, or "broker" for per-process figures. */
  workload: string;
  metric: MetricId;
  run: number;
  value: number;
}

export interface Row {
  mode: Durability;
  workload: string;
  metric: MetricId;
  label: string;
  unit: string;
  better: Better;
  kafka: Spread;
  millrace: Spread;
  /** millrace median / kafka median. */
  ratio: number;
}

/** Groups samples into rows, in first-seen order of (mode, workload) and METRICS order within. */
export function summarize(samples: readonly Sample[]): Row[] {
  const groups = new Map<string, { mode: Durability; workload: string; metrics: Map<MetricId, { kafka: number[]; millrace: number[] }> }>();
  for (const s of samples) {
    const key = `${s.mode}\u0000${s.workload}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { mode: s.mode, workload: s.workload, metrics: new Map() }));
    let m = g.metrics.get(s.metric);
    if (!m) g.metrics.set(s.metric, (m = { kafka: [], millrace: [] }));
    m[s.broker].push(s.value);
  }
  const rows: Row[] = [];
  const order = Object.keys(METRICS) as MetricId[];
  for (const g of groups.values()) {
    for (const metric of order) {
      const m = g.metrics.get(metric);
      if (!m) continue;
      const kafka = spread(m.kafka);
      const millrace = spread(m.millrace);
      const def: MetricDef = METRICS[metric];
      rows.push({ mode: g.mode, workload: g.workload, metric, ...def, kafka, millrace, ratio: ratio(millrace.median, kafka.median) });
    }
  }
  return rows;
}

/** The median of one (broker, mode, workload, metric), NaN if absent. */
export function medianOf(rows: readonly Row[], mode: Durability, workload: string, metric: MetricId, broker: BrokerKind): number {
  const r = rows.find((x) => x.mode === mode && x.workload === workload && x.metric === metric);
  return r ? r[broker].median : Number.NaN;
}

export function ratioOf(rows: readonly Row[], mode: Durability, workload: string, metric: MetricId): number {
  return rows.find((x) => x.mode === mode && x.workload === workload && x.metric === metric)?.ratio ?? Number.NaN;
}

const MODE_TEXT: Record<Durability, string> = {
  pagecache: "page cache (Kafka's default: acknowledged once in the page cache, no fsync)",
  fsync: "fsync before ack (log.flush.interval.messages=1 on both brokers)",
};

/** The tables, one per (mode, workload), each headed with the topology (e.g. "1 node"). */
export function markdownTable(rows: readonly Row[], topology: string): string {
  const out: string[] = [];
  let section = "";
  for (const r of rows) {
    const s = `${r.mode}\u0000${r.workload}`;
    if (s !== section) {
      section = s;
      out.push("", `#### ${r.workload} — ${topology} — ${MODE_TEXT[r.mode]}`, "");
      out.push("| metric | unit | Kafka 4.4.0 | Millrace | Millrace / Kafka |", "|---|---|---|---|---|");
    }
    const rt = Number.isFinite(r.ratio) && r.better !== "none" ? `${formatRatio(r.ratio)} (${r.better} is better)` : "–";
    out.push(`| ${r.label} | ${r.unit} | ${formatSpread(r.kafka)} | ${formatSpread(r.millrace)} | ${rt} |`);
  }
  return out.join("\n");
}

/** A fixed-rate figure measured against the null broker (null-broker.ts): the client's floor. */
export interface FloorSample {
  mode: Durability;
  workload: string;
  metric: MetricId;
  run: number;
  value: number;
}

export interface FloorRow {
  mode: Durability;
  workload: string;
  metric: MetricId;
  label: string;
  unit: string;
  floor: Spread;
  kafka: number;
  millrace: number;
  /** floor median / Kafka median: the lowest Millrace / Kafka ratio any broker could show. */
  bestRatio: number;
}

/** The floor of each fixed-rate latency figure beside both brokers' medians from `rows`. */
export function summarizeFloor(samples: readonly FloorSample[], rows: readonly Row[]): FloorRow[] {
  const groups = new Map<string, FloorSample[]>();
  for (const s of samples) {
    const key = `${s.mode}\u0000${s.workload}\u0000${s.metric}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.values()].map((g) => {
    const { mode, workload, metric } = g[0]!;
    const floor = spread(g.map((s) => s.value));
    const kafka = medianOf(rows, mode, workload, metric, "kafka");
    return { mode, workload, metric, label: METRICS[metric].label, unit: METRICS[metric].unit, floor, kafka, millrace: medianOf(rows, mode, workload, metric, "millrace"), bestRatio: ratio(floor.median, kafka) };
  });
}

/** One table of the floors, after the brokers' tables. */
export function markdownFloorTable(rows: readonly FloorRow[]): string {
  if (rows.length === 0) return "";
  const out = [
    "",
    "#### Client floor: the same fixed-rate runs against a broker that stores nothing",
    "",
    "test/bench/null-broker.ts answers each produce at once and keeps no data, so these figures are the client's own share " +
      "(linger, batching, its threads, loopback) on this machine. No broker can go below them: floor / Kafka is the lowest Millrace / Kafka ratio reachable.",
    "",
    "| workload | mode | metric | unit | floor | Kafka 4.4.0 | Millrace | floor / Kafka |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    out.push(`| ${r.workload} | ${r.mode} | ${r.label} | ${r.unit} | ${formatSpread(r.floor)} | ${formatNumber(r.kafka)} | ${formatNumber(r.millrace)} | ${formatRatio(r.bestRatio)} |`);
  }
  return out.join("\n");
}

export { formatNumber };
