// Assertions shared by the compat tests, over driver results (README "Contract").
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Line } from './drivers.js';

/** Polls a condition until it holds; fails with `what` at the deadline. */
export async function until(what: string, pred: () => boolean, timeoutMs: number, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function expectProduced(result: Line | undefined, count: number): void {
  expect(result, 'produce printed no result').toBeDefined();
  expect(result!.firstError ?? null, 'first produce error').toBeNull();
  expect(result!.errors).toBe(0);
  expect(result!.acked).toBe(count);
}

/**
 * What was consumed is exactly what was acknowledged: content verified
 * byte for byte by the driver, and per partition the same offsets carrying the
 * same record indices in the same order (equal digests).
 */
export function expectConsumedAsProduced(consumed: Line | undefined, produced: Line, count: number): void {
  expect(consumed, 'consume printed no result').toBeDefined();
  expect(consumed!.firstMismatch ?? null, 'first content mismatch').toBeNull();
  expect(consumed!.mismatches).toBe(0);
  expect(consumed!.total).toBe(count);
  expect(consumed!.unique).toBe(count);
  expect(consumed!.duplicates).toBe(0);
  expect(consumed!.rewinds).toBe(0);
  expect(consumed!.partitions).toEqual(produced.partitions);
}

/** The partitions a consumer owns after the events it printed so far. */
export function ownedPartitions(lines: Line[]): Set<number> {
  let owned = new Set<number>();
  for (const l of lines) {
    if (l.type === 'assignment' && Array.isArray(l.partitions)) owned = new Set(l.partitions as number[]);
    else if (l.type === 'revoked') for (const p of (l.partitions as number[] | null) ?? []) owned.delete(p);
  }
  return owned;
}

export interface ConsumedRecord {
  partition: number;
  offset: number;
  index: number;
}

/** Reads a consume --out file: "partition offset index" per line, in consumption order. */
export function readOutFile(path: string): ConsumedRecord[] {
  const text = readFileSync(path, 'utf8');
  const out: ConsumedRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [p, o, i] = line.split(' ').map(Number);
    out.push({ partition: p!, offset: o!, index: i! });
  }
  return out;
}
