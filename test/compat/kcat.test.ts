// Small checks with kcat (librdkafka's CLI, Debian's build): metadata
// listing, keyed produce/consume with headers, reading what another client
// wrote, and offsets by timestamp.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { expectProduced } from './checks.js';
import { compatContext, uniqueName } from './context.js';
import { runDriver } from './drivers.js';

const ctx = compatContext();

interface KcatRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kcat(bin: string, args: string[], input?: string, timeoutMs = 60_000): Promise<KcatRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-16_384)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} still running after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

async function kcatOk(bin: string, args: string[], input?: string): Promise<string> {
  const r = await kcat(bin, args, input);
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!ctx)('kcat', () => {
  const { bootstrap, tools } = ctx!;
  const bin = tools.KCAT!;

  test('metadata listing shows the broker and a new topic with leaders and ISRs', async () => {
    const topic = uniqueName('kcat-md');
    await runDriver('franz', 'create-topic', { bootstrap, topic, partitions: 4 }, tools);
    const md = JSON.parse(await kcatOk(bin, ['-b', bootstrap, '-L', '-J', '-t', topic]));
    expect(md.brokers.map((b: { name: string }) => b.name)).toContain(bootstrap);
    const t = md.topics.find((x: { topic: string }) => x.topic === topic);
    expect(t, JSON.stringify(md)).toBeDefined();
    expect(t.partitions).toHaveLength(4);
    for (const p of t.partitions) {
      expect(p.leader).toBeGreaterThanOrEqual(0);
      expect(p.isrs.length).toBeGreaterThan(0);
    }
  });

  test('produce and consume keyed records with headers', async () => {
    const topic = uniqueName('kcat-hdr');
    await runDriver('franz', 'create-topic', { bootstrap, topic, partitions: 1 }, tools);
    const n = 500;
    const input = Array.from({ length: n }, (_, i) => `key-${i}\tvalue-${i}-${'x'.repeat(i % 50)}`).join('\n') + '\n';
    await kcatOk(bin, ['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-K', '\t', '-z', 'lz4', '-H', 'app=millrace', '-H', `run=${topic}`], input);
    const out = await kcatOk(bin, ['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o|%k|%s|%h\n']);
    const lines = out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(n);
    lines.forEach((l, i) => {
      expect(l).toBe(`${i}|key-${i}|value-${i}-${'x'.repeat(i % 50)}|app=millrace,run=${topic}`);
    });
  });

  test('reads back exactly what franz-go wrote (offsets and keys per partition)', async () => {
    const topic = uniqueName('kcat-read');
    const count = 3_000;
    await runDriver('franz', 'create-topic', { bootstrap, topic, partitions: 3 }, tools);
    const p = await runDriver('franz', 'produce', { bootstrap, topic, count, codec: 'zstd', seed: topic }, tools);
    expectProduced(p.result, count);
    const out = await kcatOk(bin, ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %k\n']);
    const digests = new Map<string, { hash: ReturnType<typeof createHash>; count: number }>();
    for (const line of out.split('\n').filter(Boolean)) {
      const [part, offset, key] = line.split(' ') as [string, string, string];
      const idx = key.slice(key.lastIndexOf(':') + 1);
      const d = digests.get(part) ?? { hash: createHash('sha256'), count: 0 };
      digests.set(part, d);
      d.hash.update(`${offset} ${idx}\n`);
      d.count++;
    }
    for (const [part, want] of Object.entries(p.result!.partitions as Record<string, { count: number; digest: string }>)) {
      const got = digests.get(part);
      expect(got?.count, `partition ${part}`).toBe(want.count);
      expect(got!.hash.digest('hex'), `partition ${part}`).toBe(want.digest);
    }
  });

  test('offset lookup by timestamp', async () => {
    const topic = uniqueName('kcat-ts');
    const base = Date.now() - 600_000;
    await runDriver('franz', 'create-topic', { bootstrap, topic, partitions: 1 }, tools);
    const p = await runDriver('franz', 'produce', { bootstrap, topic, count: 100, seed: topic, partition: 0, 'timestamp-base': base }, tools);
    expectProduced(p.result, 100);
    const out = await kcatOk(bin, ['-b', bootstrap, '-Q', '-t', `${topic}:0:${base + 40}`]);
    expect(out).toMatch(new RegExp(`${topic} \\[0\\] offset 40\\b`));
  });
});
