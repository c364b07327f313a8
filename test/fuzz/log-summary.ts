// What the broker logged during a run, read from its log file once at the end: lines per level
// and per message, the volume, the longest line (a line carrying whole buffers would show here),
// and the error-level lines themselves, which under fuzzing point at bugs.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

export interface LogSummary {
  lines: number;
  bytes: number;
  longestLine: number;
  /** pino level name → lines. */
  byLevel: Record<string, number>;
  /** "level msg" → lines, most frequent first. */
  byMessage: [string, number][];
  /** Error and fatal lines (at most 20), and anything not JSON (a crash's stack trace). */
  problems: string[];
}

const LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };
const PROBLEMS_KEPT = 20;

export async function summarizeLog(file: string): Promise<LogSummary> {
  const summary: LogSummary = { lines: 0, bytes: 0, longestLine: 0, byLevel: {}, byMessage: [], problems: [] };
  const messages = new Map<string, number>();
  const problem = (line: string) => {
    if (summary.problems.length < PROBLEMS_KEPT) summary.problems.push(line.slice(0, 2_000));
  };
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.length === 0) continue;
    summary.lines++;
    summary.bytes += line.length + 1;
    summary.longestLine = Math.max(summary.longestLine, line.length);
    let entry: { level?: number; msg?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      summary.byLevel.unparsed = (summary.byLevel.unparsed ?? 0) + 1;
      problem(line);
      continue;
    }
    const level = LEVELS[entry.level ?? 0] ?? String(entry.level);
    summary.byLevel[level] = (summary.byLevel[level] ?? 0) + 1;
    const key = `${level} ${entry.msg ?? ""}`;
    messages.set(key, (messages.get(key) ?? 0) + 1);
    if ((entry.level ?? 0) >= 50) problem(line);
  }
  summary.byMessage = [...messages].sort((a, b) => b[1] - a[1]);
  return summary;
}
