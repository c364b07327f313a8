// Parsers for the output of Kafka's perf tools and for /proc files. Pure functions (no I/O),
// checked by test/bench/parse.test.ts against lines captured from Kafka 4.4.0's tools.

/** One summary line of ProducerPerformance (the whole run, or its steady state after warmup). */
export interface ProducerSummary {
  records: number;
  recordsPerSec: number;
  /** ProducerPerformance's "MB" is MiB (1024 × 1024 bytes). */
  mibPerSec: number;
  avgMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export interface ProducerResult {
  total: ProducerSummary;
  /** Present when --warmup-records was given: the records after the warmup. */
  steady?: ProducerSummary;
}

const NUM = String.raw`([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)`;
const SUMMARY = new RegExp(
  String.raw`^(\d+) (steady state )?records sent, ${NUM} records/sec \(${NUM} MB/sec\), ${NUM} ms avg latency, ` +
    String.raw`${NUM} ms max latency, ${NUM} ms 50th, ${NUM} ms 95th, ${NUM} ms 99th, ${NUM} ms 99\.9th\.?\s*$`,
);

/**
 * The final summary (and steady-state summary) of ProducerPerformance. Progress lines (no
 * percentiles) are ignored. Throws when the run printed no summary.
 */
export function parseProducerPerformance(output: string): ProducerResult {
  let total: ProducerSummary | undefined;
  let steady: ProducerSummary | undefined;
  for (const line of output.split(/\r?\n/)) {
    const m = SUMMARY.exec(line.trim());
    if (!m) continue;
    const s: ProducerSummary = {
      records: Number(m[1]),
      recordsPerSec: Number(m[3]),
      mibPerSec: Number(m[4]),
      avgMs: Number(m[5]),
      maxMs: Number(m[6]),
      p50Ms: Number(m[7]),
      p95Ms: Number(m[8]),
      p99Ms: Number(m[9]),
      p999Ms: Number(m[10]),
    };
    if (m[2]) steady = s;
    else total = s;
  }
  if (!total) throw new Error(`no ProducerPerformance summary in output:\n${output.slice(-2000)}`);
  return steady ? { total, steady } : { total };
}

export interface ConsumerSummary {
  /** MiB consumed (ConsumerPerformance's "MB" is MiB). */
  mib: number;
  records: number;
  /** Over the whole run, including the group join. */
  mibPerSec: number;
  recordsPerSec: number;
  rebalanceMs: number;
  fetchMs: number;
  /** Over the fetch time only (join/rebalance excluded): the figure we report. */
  fetchMibPerSec: number;
  fetchRecordsPerSec: number;
}

/**
 * ConsumerPerformance's CSV: a header line starting "start.time" and one data line (two
 * date-time fields, then eight numbers). Throws when absent.
 */
export function parseConsumerPerformance(output: string): ConsumerSummary {
  const lines = output.split(/\r?\n/);
  const h = lines.findIndex((l) => l.trim().startsWith("start.time,"));
  if (h < 0) throw new Error(`no ConsumerPerformance header in output:\n${output.slice(-2000)}`);
  const header = lines[h]!.split(",").map((s) => s.trim());
  for (const line of lines.slice(h + 1)) {
    const cells = line.split(",").map((s) => s.trim());
    if (cells.length !== header.length) continue;
    const get = (name: string): number => {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`ConsumerPerformance output has no column ${name}`);
      const v = Number(cells[i]);
      if (!Number.isFinite(v)) throw new Error(`ConsumerPerformance ${name} is not a number: ${cells[i]}`);
      return v;
    };
    return {
      mib: get("data.consumed.in.MB"),
      records: get("data.consumed.in.nMsg"),
      mibPerSec: get("MB.sec"),
      recordsPerSec: get("nMsg.sec"),
      rebalanceMs: get("rebalance.time.ms"),
      fetchMs: get("fetch.time.ms"),
      fetchMibPerSec: get("fetch.MB.sec"),
      fetchRecordsPerSec: get("fetch.nMsg.sec"),
    };
  }
  throw new Error(`no ConsumerPerformance data line in output:\n${output.slice(-2000)}`);
}

export interface EndToEndSummary {
  avgMs: number;
  /** EndToEndLatency prints its percentiles as whole milliseconds (truncated). */
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** "Avg latency: 1.7899 ms" and "Percentiles: 50th = 1, 99th = 8, 99.9th = 16". */
export function parseEndToEndLatency(output: string): EndToEndSummary {
  const avg = new RegExp(String.raw`Avg latency:\s*${NUM}\s*ms`).exec(output);
  const pct = new RegExp(String.raw`Percentiles:\s*50th\s*=\s*${NUM},\s*99th\s*=\s*${NUM},\s*99\.9th\s*=\s*${NUM}`).exec(output);
  if (!avg || !pct) throw new Error(`no EndToEndLatency summary in output:\n${output.slice(-2000)}`);
  return { avgMs: Number(avg[1]), p50Ms: Number(pct[1]), p99Ms: Number(pct[2]), p999Ms: Number(pct[3]) };
}

/** utime + stime in clock ticks from the text of /proc/<pid>/stat (fields 14 and 15). */
export function parseProcStatTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces or ")": split after the last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot read utime/stime from: ${stat}`);
  return utime + stime;
}

/** utime + stime + cutime + cstime (fields 14–17): the process and its reaped children. */
export function parseProcStatTicksWithChildren(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).trim().split(/\s+/);
  const v = [14, 15, 16, 17].map((f) => Number(rest[f - 3]));
  if (!v.every(Number.isFinite)) throw new Error(`cannot read CPU times from: ${stat}`);
  return v.reduce((a, b) => a + b, 0);
}

/** Busy clock ticks of the whole machine from the "cpu" line of /proc/stat (all but idle and iowait). */
export function parseMachineBusyTicks(procStat: string): number {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) throw new Error("no cpu line in /proc/stat");
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
  return f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
}

/** A "kB" field of /proc/<pid>/status (VmRSS, VmHWM, ...) in bytes; NaN when absent. */
export function parseProcStatusKb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, "m").exec(status);
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** The 1-minute load average from /proc/loadavg ("0.05 0.19 0.35 1/234 5678"). */
export function parseLoadAvg(text: string): [number, number, number] {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  return [a!, b!, c!];
}
