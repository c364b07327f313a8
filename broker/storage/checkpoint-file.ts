// Kafka's checkpoint text format: a version line, a count line, then one entry per line.
// Used for leader-epoch-checkpoint ("epoch offset") and the log-dir offset checkpoints
// ("topic partition offset").
import fs from "node:fs";
import { writeFileAtomic } from "./file-io.js";

const VERSION = 0;

export function writeCheckpoint(path: string, lines: readonly string[]): void {
  writeFileAtomic(path, checkpointText(lines));
}

export function checkpointText(lines: readonly string[]): string {
  return `${VERSION}\n${lines.length}\n${lines.map((l) => `${l}\n`).join("")}`;
}

/**
 * Reads a checkpoint's entry lines, each split on whitespace. A missing file is empty; a malformed
 * one is reported by throwing, so callers can fall back (rebuild) rather than trust it.
 */
export function readCheckpoint(path: string, fieldsPerLine: number): string[][] {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const lines = text.split("\n").filter((l) => l.trim().length > 0);
  if (lines.length < 2) throw new Error(`malformed checkpoint ${path}: missing header`);
  const version = Number(lines[0]);
  if (version !== VERSION) throw new Error(`unsupported checkpoint version ${lines[0]} in ${path}`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count !== lines.length - 2) {
    throw new Error(`malformed checkpoint ${path}: count ${lines[1]} but ${lines.length - 2} entries`);
  }
  return lines.slice(2).map((l) => {
    const fields = l.trim().split(/\s+/);
    if (fields.length !== fieldsPerLine) throw new Error(`malformed checkpoint line "${l}" in ${path}`);
    return fields;
  });
}

/** The log-dir level checkpoints: "topic partition offset" per line. */
export function writeOffsetCheckpoint(path: string, offsets: ReadonlyMap<string, number>): void {
  writeCheckpoint(path, offsetCheckpointLines(offsets));
}

export function offsetCheckpointLines(offsets: ReadonlyMap<string, number>): string[] {
  const lines: string[] = [];
  for (const [dirName, offset] of offsets) {
    const tp = splitTopicPartition(dirName);
    if (tp) lines.push(`${tp.topic} ${tp.partition} ${offset}`);
  }
  return lines;
}

/** Keys are partition directory names ("topic-partition"). */
export function readOffsetCheckpoint(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [topic, partition, offset] of readCheckpoint(path, 3)) {
    const p = Number(partition);
    const o = Number(offset);
    if (!Number.isInteger(p) || !Number.isSafeInteger(o)) throw new Error(`malformed checkpoint entry in ${path}`);
    out.set(`${topic}-${p}`, o);
  }
  return out;
}

export function splitTopicPartition(dirName: string): { topic: string; partition: number } | undefined {
  const i = dirName.lastIndexOf("-");
  if (i <= 0) return undefined;
  const partition = Number(dirName.slice(i + 1));
  if (!Number.isInteger(partition) || partition < 0 || dirName.slice(i + 1) !== String(partition)) return undefined;
  return { topic: dirName.slice(0, i), partition };
}
