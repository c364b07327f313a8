// Consumer groups: three consumers split six partitions; one processes a
// fixed number of records, commits only part of them, and leaves; the other
// two take over. Nothing may be lost, and the only records read twice are
// the ones the leaver processed after its last commit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { expectProduced, ownedPartitions, readOutFile, until, type ConsumedRecord } from './checks.js';
import { compatContext, uniqueName } from './context.js';
import { CAPS, runDriver, startDriver, type Client, type Line, type RunningDriver } from './drivers.js';

const ctx = compatContext();
const PARTITIONS = 6;
const COUNT = 30_000;
const STOP_AFTER = 4_000;
const COMMIT_EVERY = 1_500;

interface Scenario {
  name: string;
  consumers: [Client, Client, Client];
  protocol: 'classic' | 'consumer';
}

/** Each consumer's group events and stderr tail, for a wait that timed out. */
function describeConsumers(cs: RunningDriver[]): string {
  return cs
    .map((c, i) => {
      const events = c.lines.filter((l) => l.type !== 'progress').slice(-12).map((l) => JSON.stringify(l));
      const hint = c.client === 'python' && !process.env.COMPAT_RDKAFKA_DEBUG ? ' (librdkafka is quiet: rerun with COMPAT_RDKAFKA_DEBUG=cgrp,protocol)' : '';
      return `--- consumer ${i} (${c.client})\n${events.join('\n')}\nstderr${hint}:\n${c.stderrTail()}`;
    })
    .join('\n');
}

const withDetail = (cs: RunningDriver[]) => (e: Error): never => {
  throw new Error(`${e.message}\n${describeConsumers(cs)}`);
};

/** Fails a wait at once when a consumer that should still run has exited. */
function stillRunning(cs: RunningDriver[]): void {
  const gone = cs.findIndex((c) => c.hasExited);
  if (gone >= 0) throw new Error(`consumer ${gone} (${cs[gone]!.client}) exited early`);
}

const scenarios: Scenario[] = [
  { name: 'java classic', consumers: ['java', 'java', 'java'], protocol: 'classic' },
  { name: 'java KIP-848 (group.protocol=consumer)', consumers: ['java', 'java', 'java'], protocol: 'consumer' },
  { name: 'librdkafka classic', consumers: ['python', 'python', 'python'], protocol: 'classic' },
  { name: 'librdkafka KIP-848', consumers: ['python', 'python', 'python'], protocol: 'consumer' },
  { name: 'kafkajs classic', consumers: ['kafkajs', 'kafkajs', 'kafkajs'], protocol: 'classic' },
  { name: 'franz-go classic', consumers: ['franz', 'franz', 'franz'], protocol: 'classic' },
  { name: 'franz-go KIP-848', consumers: ['franz', 'franz', 'franz'], protocol: 'consumer' },
  // Server-side assignment lets different clients share one group.
  { name: 'mixed java + librdkafka + franz-go, KIP-848', consumers: ['java', 'python', 'franz'], protocol: 'consumer' },
];

describe.skipIf(!ctx)('consumer groups: split, leave, take over', () => {
  const { bootstrap, tools } = ctx!;
  const work = mkdtempSync(join(tmpdir(), 'millrace-groups-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const s of scenarios) {
    test(s.name, async () => {
      const topic = uniqueName('group');
      const group = uniqueName('g');
      const producer = s.consumers[0];
      await runDriver(producer, 'create-topic', { bootstrap, topic, partitions: PARTITIONS }, tools);

      const outs = s.consumers.map((_, i) => join(work, `${group}-${i}.txt`));
      const consumers: RunningDriver[] = s.consumers.map((client, i) =>
        startDriver(client, 'consume', {
          bootstrap, topic, group, seed: topic,
          'group-protocol': s.protocol,
          'commit-every': COMMIT_EVERY,
          // Consumer 0 is the one that leaves.
          'stop-after': i === 0 ? STOP_AFTER : undefined,
          progress: true,
          out: outs[i],
          'timeout-ms': 150_000,
        }, tools, 170_000),
      );
      const [leaver, ...survivors] = consumers as [RunningDriver, RunningDriver, RunningDriver];
      try {
        // 1. Three members, two partitions each, before any record exists.
        const split = () => {
          stillRunning(consumers);
          const sets = consumers.map((c) => ownedPartitions(c.lines));
          return sets.every((x) => x.size === PARTITIONS / 3) && new Set(sets.flatMap((x) => [...x])).size === PARTITIONS;
        };
        await until('three consumers with two partitions each', split, 90_000).catch(withDetail(consumers));

        // 2. Records arrive; the leaver stops after STOP_AFTER and leaves the group.
        const p = await runDriver(producer, 'produce', { bootstrap, topic, count: COUNT, codec: 'lz4', seed: topic }, tools);
        expectProduced(p.result, COUNT);
        const lastOffset = new Map<number, number>(
          Object.entries(p.result!.partitions as Record<string, { last: number }>).map(([k, v]) => [Number(k), v.last]),
        );
        const left = await leaver.done;
        expect(left.code, `leaver failed: ${left.error}\n${left.stderr.slice(-3000)}`).toBe(0);
        expect(left.result?.stopped).toBe('leave');
        expect(left.result?.total).toBe(STOP_AFTER);

        // 3. The two that stay own all six partitions and read every one to its end.
        const reached = () => {
          stillRunning(survivors);
          const max = new Map<number, number>();
          for (const c of consumers) {
            for (const l of c.lines) if (l.type === 'progress') max.set(l.partition, Math.max(max.get(l.partition) ?? -1, l.lastOffset));
          }
          return [...lastOffset].every(([part, last]) => (max.get(part) ?? -1) >= last);
        };
        await until('the remaining consumers to reach the end of every partition', reached, 120_000).catch(withDetail(consumers));
        // Under KIP-848 the hand-over reaches each member with its next heartbeat,
        // possibly after the records themselves were already read by someone else.
        const taken = () => {
          stillRunning(survivors);
          return new Set(survivors.flatMap((c) => [...ownedPartitions(c.lines)])).size === PARTITIONS;
        };
        await until('the two remaining consumers to own all partitions', taken, 30_000).catch(withDetail(survivors));
        for (const c of survivors) c.signal('SIGTERM');
        const results = await Promise.all(survivors.map((c) => c.done));
        for (const r of results) {
          expect(r.code, `${r.client} consumer failed: ${r.error}\n${r.stderr.slice(-3000)}`).toBe(0);
          expect(r.result?.mismatches).toBe(0);
        }

        // 4. No loss; re-reads only of what was never committed.
        const records: ConsumedRecord[][] = outs.map(readOutFile);
        const seen = new Map<number, Map<number, number>>(); // partition -> offset -> times
        for (const recs of records) {
          for (const r of recs) {
            const m = seen.get(r.partition) ?? new Map<number, number>();
            seen.set(r.partition, m);
            m.set(r.offset, (m.get(r.offset) ?? 0) + 1);
          }
        }
        for (const [part, last] of lastOffset) {
          const m = seen.get(part) ?? new Map();
          const missing: number[] = [];
          for (let o = 0; o <= last && missing.length < 5; o++) if (!m.has(o)) missing.push(o);
          expect(missing, `partition ${part}: offsets never consumed`).toEqual([]);
        }
        // Every run of consecutive offsets a consumer read must start where the group had committed (or at 0).
        const committedAt = new Map<number, Set<number>>();
        for (const c of consumers) {
          for (const l of c.lines as Line[]) {
            if (l.type !== 'commit') continue;
            for (const [k, v] of Object.entries(l.offsets as Record<string, number>)) {
              const set = committedAt.get(Number(k)) ?? new Set<number>([0]);
              committedAt.set(Number(k), set.add(v));
            }
          }
        }
        records.forEach((recs, i) => {
          const prev = new Map<number, number>();
          for (const r of recs) {
            const before = prev.get(r.partition);
            if (before === undefined || r.offset !== before + 1) {
              const allowed = committedAt.get(r.partition) ?? new Set([0]);
              expect(allowed.has(r.offset), `${s.consumers[i]} #${i} started reading partition ${r.partition} at ${r.offset}, not at a committed offset`).toBe(true);
            }
            prev.set(r.partition, r.offset);
          }
        });
        // What the leaver processed but did not commit is exactly what gets read twice
        // (more, for a client that cannot commit on revoke).
        const leaverCommitted = left.result!.committed as Record<string, number>;
        const leaverNext = new Map<number, number>();
        for (const r of records[0]!) leaverNext.set(r.partition, r.offset + 1);
        let uncommitted = 0;
        for (const [part, next] of leaverNext) uncommitted += next - (leaverCommitted[String(part)] ?? 0);
        const total = records.reduce((n, r) => n + r.length, 0);
        const duplicates = total - COUNT;
        if (s.consumers.every((c) => CAPS[c].commitsOnRevoke)) expect(duplicates).toBe(uncommitted);
        else expect(duplicates).toBeGreaterThanOrEqual(uncommitted);
        expect(uncommitted, 'the leaver should have left uncommitted work behind').toBeGreaterThan(0);
      } finally {
        for (const c of consumers) c.signal('SIGKILL');
      }
    });
  }
});
