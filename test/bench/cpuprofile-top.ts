// Summarises a V8 .cpuprofile (node --cpu-prof): the top functions by self time, and self time
// grouped by file, so "where does the time go" is one screen.
//
//   node dist/test/bench/cpuprofile-top.js FILE.cpuprofile [--top N] [--callers NAME]... [--window FROM_US,TO_US]
//
// --callers NAME: where the self time of function NAME comes from (its call paths, 6 frames).
//
// Self time of a sample is the time delta that follows it (V8's timeDeltas), attributed to the
// node on top of the stack; inclusive time counts a function once per sample it is on the stack.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionTime {
  name: string;
  file: string;
  line: number;
  selfUs: number;
  totalUs: number;
}
export interface FileTime {
  file: string;
  selfUs: number;
}
export interface ProfileSummary {
  /** Profile duration, µs. */
  totalUs: number;
  /** (idle): the event loop waiting. */
  idleUs: number;
  /** Everything but idle. */
  busyUs: number;
  functions: FunctionTime[];
  files: FileTime[];
}

const SPECIAL = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

/** Shortens a file URL: repo-relative for our code, "node:…" and package names kept as is. */
export function shortFile(url: string, root?: string): string {
  if (url === "") return "";
  let path = url;
  if (url.startsWith("file://")) {
    try {
      path = fileURLToPath(url);
    } catch {
      return url;
    }
  }
  const nm = path.lastIndexOf("/node_modules/");
  if (nm >= 0) return path.slice(nm + 1);
  if (root && path.startsWith(root)) return relative(root, path);
  return path;
}

/**
 * A time window in the profile's clock (µs of CLOCK_MONOTONIC, which is also what
 * process.hrtime() reads in any process on the machine, so a harness can mark phases).
 */
export interface Window {
  fromUs: number;
  toUs: number;
}

/** Sample timestamps: startTime plus the running sum of timeDeltas. */
export function sampleTimes(profile: CpuProfile): number[] {
  const out: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas ?? []) out.push((t += d));
  return out;
}

/** The profile's nodes by id, and each node's parent id. */
function indexNodes(profile: CpuProfile): { byId: Map<number, ProfileNode>; parent: Map<number, number> } {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  return { byId, parent };
}

export function summarizeProfile(profile: CpuProfile, root?: string, window?: Window): ProfileSummary {
  const { byId, parent } = indexNodes(profile);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfByNode = new Map<number, number>();
  const totalByKey = new Map<string, number>();
  const keyOf = (f: CallFrame) => `${f.functionName || "(anonymous)"}\u0000${f.url}\u0000${f.lineNumber}`;
  const times = sampleTimes(profile);
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    if (window && !(times[i]! >= window.fromUs && times[i]! < window.toUs)) continue;
    // timeDeltas[i] is the gap before sample i; the time a sample stands for is the next gap.
    const dt = Math.max(0, deltas[i + 1] ?? 0);
    total += dt;
    const id = samples[i]!;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf(byId.get(at)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      totalByKey.set(k, (totalByKey.get(k) ?? 0) + dt);
    }
  }
  const fn = new Map<string, FunctionTime>();
  const files = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfByNode) {
    const f = byId.get(id)!.callFrame;
    const name = f.functionName || "(anonymous)";
    if (name === "(idle)") idle += us;
    const k = keyOf(f);
    const file = SPECIAL.has(name) ? name : shortFile(f.url, root) || "(native / V8 builtin)";
    let e = fn.get(k);
    if (!e) fn.set(k, (e = { name, file, line: f.lineNumber + 1, selfUs: 0, totalUs: totalByKey.get(k) ?? 0 }));
    e.selfUs += us;
    files.set(file, (files.get(file) ?? 0) + us);
  }
  // Functions that only call others (no self time) still have inclusive time.
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const k = keyOf(f);
    const name = f.functionName || "(anonymous)";
    if (fn.has(k) || !totalByKey.has(k) || SPECIAL.has(name)) continue;
    fn.set(k, { name, file: shortFile(f.url, root) || "(native / V8 builtin)", line: f.lineNumber + 1, selfUs: 0, totalUs: totalByKey.get(k)! });
  }
  return {
    totalUs: total,
    idleUs: idle,
    busyUs: total - idle,
    functions: [...fn.values()].sort((a, b) => b.selfUs - a.selfUs),
    files: [...files.entries()].map(([file, selfUs]) => ({ file, selfUs })).sort((a, b) => b.selfUs - a.selfUs),
  };
}

const ms = (us: number) => (us / 1000).toFixed(0);
const pct = (us: number, of: number) => (of > 0 ? ((100 * us) / of).toFixed(1) : "0.0");

/** The hottest functions worth a --callers look: by self time, V8's pseudo-entries left out. */
export function hottest(s: ProfileSummary, n: number): string[] {
  return s.functions.filter((f) => !SPECIAL.has(f.name)).slice(0, n).map((f) => f.name);
}

/** Markdown: top N functions by self time, then self time by file (% of busy = non-idle time). */
export function formatSummary(s: ProfileSummary, top = 25): string {
  const out: string[] = [];
  out.push(`Profile: ${(s.totalUs / 1e6).toFixed(1)} s, busy (not idle) ${(s.busyUs / 1e6).toFixed(1)} s (${pct(s.busyUs, s.totalUs)} %).`);
  out.push("", `Top ${top} functions by self time (% of busy time):`, "");
  out.push("| self ms | self % | total % | function | file:line |", "|---:|---:|---:|---|---|");
  for (const f of s.functions.filter((x) => x.name !== "(idle)").slice(0, top)) {
    const where = SPECIAL.has(f.name) ? "" : `${f.file}:${f.line}`;
    out.push(`| ${ms(f.selfUs)} | ${pct(f.selfUs, s.busyUs)} | ${pct(f.totalUs, s.busyUs)} | \`${f.name}\` | ${where} |`);
  }
  out.push("", "Self time by file (% of busy time):", "");
  out.push("| self ms | self % | file |", "|---:|---:|---|");
  for (const f of s.files.filter((x) => x.file !== "(idle)").slice(0, top)) out.push(`| ${ms(f.selfUs)} | ${pct(f.selfUs, s.busyUs)} | ${f.file} |`);
  return out.join("\n");
}

/**
 * Self time of the samples whose top frame is `name`, split by call path (the `depth` frames
 * below it, innermost first): which callers make a hot leaf hot.
 */
export function callersOf(profile: CpuProfile, name: string, depth = 6, window?: Window): { path: string[]; selfUs: number }[] {
  const { byId, parent } = indexNodes(profile);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const paths = new Map<string, { path: string[]; selfUs: number }>();
  const times = sampleTimes(profile);
  for (let i = 0; i < samples.length; i++) {
    if (window && !(times[i]! >= window.fromUs && times[i]! < window.toUs)) continue;
    const top = byId.get(samples[i]!)!;
    if ((top.callFrame.functionName || "(anonymous)") !== name) continue;
    const path: string[] = [];
    for (let at = parent.get(top.id); at !== undefined && path.length < depth; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (f.functionName === "(root)") break;
      const file = shortFile(f.url).split("/").pop() ?? "";
      path.push(`${f.functionName || "(anonymous)"}${file ? ` (${file})` : ""}`);
    }
    const k = path.join(" < ");
    let e = paths.get(k);
    if (!e) paths.set(k, (e = { path, selfUs: 0 }));
    e.selfUs += Math.max(0, deltas[i + 1] ?? 0);
  }
  return [...paths.values()].sort((a, b) => b.selfUs - a.selfUs);
}

export function formatCallers(profile: CpuProfile, name: string, busyUs: number, top = 8, window?: Window): string {
  const out = [`Callers of \`${name}\` (self time by call path, innermost caller first):`, ""];
  for (const c of callersOf(profile, name, 6, window).slice(0, top)) out.push(`- ${ms(c.selfUs)} ms (${pct(c.selfUs, busyUs)} %): ${c.path.join(" < ") || "(no JS caller)"}`);
  return out.join("\n");
}

function main(argv: string[]): void {
  let file: string | undefined;
  let top = 25;
  let root = process.cwd();
  const callers: string[] = [];
  let window: Window | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--top") top = Number(argv[++i]);
    else if (argv[i] === "--root") root = argv[++i]!;
    else if (argv[i] === "--callers") callers.push(argv[++i]!);
    else if (argv[i] === "--window") {
      const [fromUs, toUs] = argv[++i]!.split(",").map(Number);
      window = { fromUs: fromUs!, toUs: toUs! };
    }
    else file = argv[i];
  }
  if (!file || !(top > 0)) {
    process.stderr.write("usage: node dist/test/bench/cpuprofile-top.js FILE.cpuprofile [--top N] [--root DIR] [--callers NAME]... [--window FROM_US,TO_US]\n");
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const summary = summarizeProfile(profile, root, window);
  process.stdout.write(`${formatSummary(summary, top)}\n`);
  for (const name of callers) process.stdout.write(`\n${formatCallers(profile, name, summary.busyUs, 8, window)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
