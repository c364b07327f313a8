// Pure arithmetic for the benchmark report: medians, spread, percentiles and ratios.
// Kept free of I/O so test/bench/stats.test.ts can check it.

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median of the finite values (mean of the middle two for an even count); NaN when none. */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Median and min–max of the finite values; NaN fields (n = 0) when there are none. */
export function spread(values: readonly number[]): Spread {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/**
 * Percentile by the nearest-rank method (as HdrHistogram and Kafka's ProducerPerformance do):
 * the smallest value with at least p % of the samples at or below it. p in (0, 100].
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} not in (0, 100]`);
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * v.length);
  return v[Math.max(0, rank - 1)]!;
}

/**
 * Sum of a figure over the processes of one broker (a cluster's nodes): NaN when any is missing
 * or there are none, so a node that could not be read never shrinks the total unnoticed.
 */
export function sumOrNaN(values: readonly number[]): number {
  if (values.length === 0 || !values.every(Number.isFinite)) return Number.NaN;
  return values.reduce((a, b) => a + b, 0);
}

/** ours / theirs; NaN when either side is missing or theirs is 0 (no meaningful ratio). */
export function ratio(ours: number, theirs: number): number {
  if (!Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) return Number.NaN;
  return ours / theirs;
}

/** A ratio for the one-line summary: 3 significant digits, "nan" when undefined. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return "nan";
  return r >= 100 ? r.toFixed(0) : r.toPrecision(3);
}

/** A number for a table cell: fixed decimals chosen by magnitude, "–" when missing. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString("en-US");
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** "median (min–max)", or just the median for a single run. */
export function formatSpread(s: Spread): string {
  if (s.n === 0) return "–";
  if (s.n === 1 || s.min === s.max) return formatNumber(s.median);
  return `${formatNumber(s.median)} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
}
