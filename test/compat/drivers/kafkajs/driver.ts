// Compat scenario driver on KafkaJS. Speaks the contract in
// test/compat/README.md: one command per run, JSON lines on stdout, the last
// one of type "result"; non-zero exit on failure.
//
// Run directly by Node 24 (type stripping), so: no relative imports, no
// enums/namespaces/parameter properties.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import kafkajs from 'kafkajs';
import type { Admin, Consumer, ICustomPartitioner, IHeaders, Message, Producer } from 'kafkajs';
import snappy from 'snappy';
import lz4 from 'lz4-napi';

const { Kafka, CompressionTypes, CompressionCodecs, ConfigResourceTypes, Partitioners, logLevel } = kafkajs;
const CLIENT_ID = 'millrace-compat-kafkajs';

class UsageError extends Error {}

function emit(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// ------------------------------------------------------------------ codecs
// KafkaJS ships gzip only; the others are plugins users bring. These use the
// repo's own native snappy/lz4 packages and Node's built-in zstd.

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function snappyDecompress(buf: Buffer): Buffer {
  // The Java client writes snappy-java's framed ("xerial") stream:
  // magic(8) version(4) compat(4), then [int32 length][raw snappy block]...
  if (buf.length >= 16 && buf.subarray(0, 8).equals(XERIAL_MAGIC)) {
    const parts: Buffer[] = [];
    let pos = 16;
    while (pos < buf.length) {
      const len = buf.readInt32BE(pos);
      pos += 4;
      parts.push(snappy.uncompressSync(buf.subarray(pos, pos + len)) as Buffer);
      pos += len;
    }
    return Buffer.concat(parts);
  }
  return snappy.uncompressSync(buf) as Buffer;
}

type Encoder = { buffer: Buffer };
CompressionCodecs[CompressionTypes.Snappy] = () => ({
  compress: async (e: Encoder) => snappy.compressSync(e.buffer),
  decompress: async (b: Buffer) => snappyDecompress(b),
});
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (e: Encoder) => lz4.compressFrameSync(e.buffer),
  decompress: async (b: Buffer) => lz4.decompressFrameSync(b),
});
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  compress: async (e: Encoder) => zstdCompressSync(e.buffer),
  decompress: async (b: Buffer) => zstdDecompressSync(b),
});

const CODECS: Record<string, number> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

// ----------------------------------------------------------------- content

type Hdr = [string, Buffer];

/** The deterministic record content shared by every driver (README "Record content"). */
function content(seed: string, i: number): { key: Buffer; value: Buffer; headers: Hdr[] } {
  const id = `${seed}:${i}`;
  const h = createHash('sha256').update(id).digest();
  const len = 16 + h[0]!;
  const hx = h.toString('hex');
  let s = id + '|';
  if (s.length < len) s += hx.repeat(Math.floor((len - s.length) / 64) + 1);
  const value = Buffer.from(s).subarray(0, len);
  const headers: Hdr[] = [
    ['i', Buffer.from(String(i))],
    ['h', h.subarray(0, 8)],
  ];
  if (i % 7 === 0) headers.push(['dup', Buffer.from('a')], ['dup', Buffer.from('b')]);
  return { key: Buffer.from(id), value, headers };
}

function toKafkaHeaders(hs: Hdr[]): IHeaders {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const [k, v] of hs) {
    const cur = out[k];
    if (cur === undefined) out[k] = v;
    else if (Array.isArray(cur)) cur.push(v);
    else out[k] = [cur, v];
  }
  return out;
}

function fromKafkaHeaders(h: IHeaders | undefined): Hdr[] {
  const out: Hdr[] = [];
  for (const [k, v] of Object.entries(h ?? {})) {
    for (const x of Array.isArray(v) ? v : [v]) out.push([k, Buffer.from(x as Buffer)]);
  }
  return out;
}

class PartitionDigest {
  md = createHash('sha256');
  count = 0;
  first = -1;
  last = -1;
  add(offset: number, idx: number): void {
    if (this.count === 0) this.first = offset;
    this.last = offset;
    this.count++;
    this.md.update(`${offset} ${idx}\n`);
  }
  json() {
    return { count: this.count, first: this.first, last: this.last, digest: this.md.digest('hex') };
  }
}

function byNumber<T>(m: Map<number, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of [...m.keys()].sort((a, b) => a - b)) out[String(k)] = m.get(k)!;
  return out;
}

// -------------------------------------------------------------------- args

class Args {
  command: string;
  m = new Map<string, string[]>();
  constructor(argv: string[]) {
    if (argv.length === 0) throw new UsageError('driver <command> --bootstrap host:port [options]');
    this.command = argv[0]!;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i]!;
      if (!a.startsWith('--')) throw new UsageError(`unexpected ${a}`);
      const next = argv[i + 1];
      const val = next !== undefined && !next.startsWith('--') ? (i++, next) : 'true';
      const name = a.slice(2);
      this.m.set(name, [...(this.m.get(name) ?? []), val]);
    }
  }
  has(n: string): boolean {
    return this.m.has(n);
  }
  all(n: string): string[] {
    return this.m.get(n) ?? [];
  }
  get(n: string, d?: string): string | undefined {
    const v = this.m.get(n);
    return v ? v[v.length - 1] : d;
  }
  req(n: string): string {
    const v = this.get(n);
    if (v === undefined) throw new UsageError(`--${n} is required for ${this.command}`);
    return v;
  }
  int(n: string, d: number): number {
    return Number(this.get(n, String(d)));
  }
}

function kafka(a: Args) {
  return new Kafka({
    clientId: a.get('client-id', CLIENT_ID)!,
    brokers: [a.req('bootstrap')],
    logLevel: logLevel.WARN,
    // KafkaJS logs INFO to stdout by default; stdout is reserved for JSON lines.
    logCreator: () => (e) => process.stderr.write(`[kafkajs] ${e.label} ${JSON.stringify(e.log)}\n`),
    retry: { initialRetryTime: 50, retries: 8 },
  });
}

async function withAdmin<T>(a: Args, f: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka(a).admin();
  await admin.connect();
  try {
    return await f(admin);
  } finally {
    await admin.disconnect();
  }
}

// ------------------------------------------------------------------- admin

async function createTopic(a: Args): Promise<number> {
  const topic = a.req('topic');
  const configEntries = a.all('config').map((kv) => {
    const i = kv.indexOf('=');
    return { name: kv.slice(0, i), value: kv.slice(i + 1) };
  });
  const created = await withAdmin(a, (admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: a.int('partitions', 1), replicationFactor: a.int('replication-factor', -1), configEntries }],
    }),
  );
  if (!created) throw new Error(`topic ${topic} already exists`);
  emit({ type: 'result', command: 'create-topic', topic });
  return 0;
}

async function listOffsets(a: Args): Promise<number> {
  const topic = a.req('topic');
  const ts = a.req('timestamp');
  const parts = new Map<number, { offset: number; timestamp: number }>();
  await withAdmin(a, async (admin) => {
    if (ts === 'earliest' || ts === 'latest') {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        parts.set(p.partition, { offset: Number(ts === 'earliest' ? p.low : p.high), timestamp: -1 });
      }
    } else if (ts === 'max-timestamp') {
      throw new UsageError('KafkaJS has no max-timestamp lookup');
    } else {
      for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, Number(ts))) {
        parts.set(p.partition, { offset: Number(p.offset), timestamp: -1 });
      }
    }
  });
  if (a.has('partition')) for (const k of [...parts.keys()]) if (k !== a.int('partition', 0)) parts.delete(k);
  emit({ type: 'result', command: 'list-offsets', partitions: byNumber(parts) });
  return 0;
}

async function deleteRecords(a: Args): Promise<number> {
  const topic = a.req('topic');
  const partition = a.int('partition', 0);
  const low = await withAdmin(a, async (admin) => {
    // deleteTopicRecords looks up leaders in metadata it never loads itself.
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition, offset: a.req('offset') }] });
    // KafkaJS does not return the new low watermark; ask for it.
    const offs = await admin.fetchTopicOffsets(topic);
    return Number(offs.find((p) => p.partition === partition)!.low);
  });
  emit({ type: 'result', command: 'delete-records', partition, lowWatermark: low });
  return 0;
}

async function describeConfigs(a: Args): Promise<number> {
  const topic = a.req('topic');
  const res = await withAdmin(a, (admin) =>
    admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }),
  );
  const configs: Record<string, string | null> = {};
  const dynamic: string[] = [];
  const entries = [...res.resources[0]!.configEntries].sort((x, y) => x.configName.localeCompare(y.configName));
  for (const e of entries) {
    configs[e.configName] = e.configValue;
    if ((e as { configSource?: number }).configSource === 1) dynamic.push(e.configName); // DYNAMIC_TOPIC_CONFIG
  }
  emit({ type: 'result', command: 'describe-configs', configs, dynamic });
  return 0;
}

async function alterConfigs(a: Args): Promise<number> {
  // KafkaJS only has the legacy AlterConfigs (replaces the whole set of
  // dynamic configs of the resource); there is no incremental form.
  if (a.has('delete')) throw new UsageError('KafkaJS AlterConfigs cannot delete single keys');
  const topic = a.req('topic');
  const configEntries = a.all('set').map((kv) => {
    const i = kv.indexOf('=');
    return { name: kv.slice(0, i), value: kv.slice(i + 1) };
  });
  await withAdmin(a, (admin) =>
    admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries }] }),
  );
  emit({ type: 'result', command: 'alter-configs', topic });
  return 0;
}

async function metadata(a: Args): Promise<number> {
  const out = await withAdmin(a, async (admin) => {
    const cluster = await admin.describeCluster();
    const names = a.has('topic') ? [a.req('topic')] : await admin.listTopics();
    const md = await admin.fetchTopicMetadata({ topics: names });
    const topics: Record<string, { partitions: number }> = {};
    for (const t of [...md.topics].sort((x, y) => x.name.localeCompare(y.name))) topics[t.name] = { partitions: t.partitions.length };
    const brokers = [...cluster.brokers].sort((x, y) => x.nodeId - y.nodeId).map((b) => ({ id: b.nodeId, host: b.host, port: b.port }));
    return { brokers, topics };
  });
  emit({ type: 'result', command: 'metadata', ...out });
  return 0;
}

// ----------------------------------------------------------------- produce

async function produce(a: Args): Promise<number> {
  const topic = a.req('topic');
  const seed = a.req('seed');
  const count = Number(a.req('count'));
  const tsBase = a.has('timestamp-base') ? Number(a.req('timestamp-base')) : undefined;
  const fixedPartition = a.has('partition') ? a.int('partition', 0) : undefined;
  const codec = CODECS[a.get('codec', 'none')!];
  if (codec === undefined) throw new UsageError(`unknown codec ${a.get('codec')}`);
  const idempotent = a.has('idempotent');
  const acks = { all: -1, '-1': -1, '1': 1, '0': 0 }[a.get('acks', 'all')!] ?? -1;
  // KafkaJS's own default (murmur2) partitioner, watched so each ack can be
  // matched to its message.
  const chosen = new WeakMap<object, number>();
  const createPartitioner: ICustomPartitioner = () => {
    const inner = Partitioners.DefaultPartitioner();
    return (args) => {
      const p = inner(args);
      chosen.set(args.message, p);
      return p;
    };
  };
  const producer: Producer = kafka(a).producer({
    createPartitioner,
    idempotent,
    allowAutoTopicCreation: false,
    // KafkaJS's idempotent producer only keeps order with one request in flight.
    maxInFlightRequests: a.has('max-in-flight') ? a.int('max-in-flight', 1) : idempotent ? 1 : undefined,
    ...(a.has('request-timeout-ms') ? { requestTimeout: a.int('request-timeout-ms', 30000) } : {}),
    ...(idempotent ? {} : { retry: { initialRetryTime: 50, retries: 8 } }),
  });
  await producer.connect();
  const acked = new Map<number, Array<[number, number]>>();
  let ackedCount = 0;
  const start = Date.now();
  const perSend = a.int('batch-records', 1000);
  try {
    for (let base = 0; base < count; base += perSend) {
      const messages: Message[] = [];
      const idx: number[] = [];
      for (let i = base; i < Math.min(count, base + perSend); i++) {
        const c = content(seed, i);
        const m: Message = { key: c.key, value: c.value, headers: toKafkaHeaders(c.headers) };
        if (tsBase !== undefined) m.timestamp = String(tsBase + i);
        if (fixedPartition !== undefined) m.partition = fixedPartition;
        messages.push(m);
        idx.push(i);
      }
      const md = await producer.send({ topic, acks, compression: codec, messages });
      // KafkaJS reports one base offset per partition per send; records of a
      // partition are laid out in the order they were given.
      const next = new Map<number, number>();
      for (const r of md) next.set(r.partition, Number(r.baseOffset));
      for (let j = 0; j < messages.length; j++) {
        const p = chosen.get(messages[j]!);
        if (p === undefined) throw new Error('partitioner did not see a message');
        const off = next.get(p)!;
        next.set(p, off + 1);
        let list = acked.get(p);
        if (!list) acked.set(p, (list = []));
        list.push([off, idx[j]!]);
        ackedCount++;
      }
    }
  } finally {
    await producer.disconnect();
  }
  const parts = new Map<number, ReturnType<PartitionDigest['json']>>();
  for (const [p, list] of acked) {
    list.sort((x, y) => x[0] - y[0]);
    const d = new PartitionDigest();
    for (const [o, i] of list) d.add(o, i);
    parts.set(p, d.json());
  }
  emit({ type: 'result', command: 'produce', acked: ackedCount, errors: 0, firstError: null, partitions: byNumber(parts), elapsedMs: Date.now() - start });
  return 0;
}

// ----------------------------------------------------------------- consume

class Verifier {
  parts = new Map<number, PartitionDigest>();
  seen = new Set<number>();
  total = 0;
  duplicates = 0;
  rewinds = 0;
  mismatches = 0;
  firstMismatch: string | null = null;
  out: WriteStream | undefined;
  seed: string | undefined;
  tsBase: number | undefined;
  constructor(seed: string | undefined, tsBase: number | undefined, outPath: string | undefined) {
    this.seed = seed;
    this.tsBase = tsBase;
    this.out = outPath ? createWriteStream(outPath) : undefined;
  }
  check(partition: number, offset: number, key: Buffer | null, value: Buffer | null, headers: IHeaders | undefined, timestamp: number): void {
    this.total++;
    let problem: string | null = null;
    let idx = -1;
    const k = key?.toString();
    const colon = k ? k.lastIndexOf(':') : -1;
    if (!k || colon < 0) problem = 'key is not seed:index';
    else {
      const s = k.slice(0, colon);
      idx = Number(k.slice(colon + 1));
      const want = content(s, idx);
      const got = fromKafkaHeaders(headers);
      if (this.seed !== undefined && s !== this.seed) problem = `seed ${s} != ${this.seed}`;
      else if (!value || !want.value.equals(value)) problem = 'value differs';
      else if (got.length !== want.headers.length || got.some(([hk, hv], n) => hk !== want.headers[n]![0] || !hv.equals(want.headers[n]![1])))
        problem = 'headers differ';
      else if (this.tsBase !== undefined && timestamp !== this.tsBase + idx) problem = `timestamp ${timestamp} != ${this.tsBase + idx}`;
    }
    let d = this.parts.get(partition);
    if (!d) this.parts.set(partition, (d = new PartitionDigest()));
    // Going back is a re-delivery (a rebalance resumed from a commit), not bad content.
    if (d.count > 0 && offset <= d.last) this.rewinds++;
    if (problem !== null) {
      this.mismatches++;
      this.firstMismatch ??= `p${partition}@${offset}: ${problem}`;
    }
    if (idx >= 0) {
      if (this.seen.has(idx)) this.duplicates++;
      this.seen.add(idx);
    }
    d.add(offset, idx);
    this.out?.write(`${partition} ${offset} ${idx}\n`);
  }
  async result() {
    if (this.out) await new Promise<void>((r) => this.out!.end(r));
    const parts = new Map<number, ReturnType<PartitionDigest['json']>>();
    for (const [p, d] of this.parts) parts.set(p, d.json());
    return {
      type: 'result', command: 'consume', total: this.total, unique: this.seen.size, duplicates: this.duplicates,
      rewinds: this.rewinds, mismatches: this.mismatches, firstMismatch: this.firstMismatch, partitions: byNumber(parts),
    };
  }
}

async function consume(a: Args): Promise<number> {
  const topic = a.req('topic');
  const group = a.get('group');
  if (a.get('group-protocol', 'classic') !== 'classic') throw new UsageError('KafkaJS speaks only the classic group protocol');
  const count = a.int('count', 0);
  const stopAfter = a.int('stop-after', 0);
  const commitEvery = a.int('commit-every', 0);
  const timeoutMs = a.int('timeout-ms', 60000);
  const progress = a.has('progress');
  const v = new Verifier(a.get('seed'), a.has('timestamp-base') ? Number(a.req('timestamp-base')) : undefined, a.get('out'));
  const consumer: Consumer = kafka(a).consumer({
    // KafkaJS has no assign(); without --group a throw-away group that never commits reads everything.
    groupId: group ?? `millrace-compat-assign-${randomUUID()}`,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    allowAutoTopicCreation: false,
  });
  const processed = new Map<number, number>();
  const committed = new Map<number, number>();
  let stop: 'done' | 'leave' | 'timeout' | 'signal' | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const setStop = (s: typeof stop) => {
    stop ??= s;
    finish();
  };

  const commit = async (parts: number[]) => {
    const offs = parts.filter((p) => processed.has(p) && committed.get(p) !== processed.get(p)).sort((x, y) => x - y);
    if (offs.length === 0) return;
    await consumer.commitOffsets(offs.map((p) => ({ topic, partition: p, offset: String(processed.get(p)) })));
    const j = new Map<number, number>();
    for (const p of offs) {
      committed.set(p, processed.get(p)!);
      j.set(p, processed.get(p)!);
    }
    emit({ type: 'commit', offsets: byNumber(j) });
  };

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    // KafkaJS rebalances eagerly and has no revoke hook: each join carries the full new assignment.
    emit({ type: 'assignment', partitions: [...(e.payload.memberAssignment[topic] ?? [])].sort((x, y) => x - y) });
  });
  consumer.on(consumer.events.CRASH, (e) => {
    // KafkaJS restarts the consumer itself after a retriable crash (e.g. NOT_COORDINATOR while a
    // just-started broker loads its offsets partitions), as an application would let it.
    const restarting = (e.payload as { restart?: boolean }).restart === true;
    process.stderr.write(`[kafkajs] consumer crashed${restarting ? ' (KafkaJS restarts it)' : ''}: ${String(e.payload.error)}\n`);
    if (!restarting) setStop('timeout');
  });
  process.on('SIGTERM', () => setStop('signal'));
  const timer = setTimeout(() => setStop('timeout'), timeoutMs);

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      let n = 0;
      let last = -1;
      for (const m of batch.messages) {
        if (stop !== undefined) break;
        const off = Number(m.offset);
        v.check(batch.partition, off, m.key, m.value, m.headers, Number(m.timestamp));
        processed.set(batch.partition, off + 1);
        resolveOffset(m.offset);
        n++;
        last = off;
        if (commitEvery > 0 && v.total % commitEvery === 0) await commit([...processed.keys()]);
        if (stopAfter > 0 && v.total >= stopAfter) setStop('leave');
        else if (count > 0 && v.total >= count) setStop('done');
      }
      if (progress && n > 0) emit({ type: 'progress', partition: batch.partition, lastOffset: last, count: n });
      await heartbeat();
    },
  });
  await finished;
  clearTimeout(timer);
  if (stop !== 'leave' && stop !== 'timeout' && commitEvery > 0 && group) await commit([...processed.keys()]);
  await consumer.disconnect();
  const res = { ...(await v.result()), stopped: stop, committed: byNumber(committed) };
  emit(res);
  if (stop === 'timeout') return 3;
  return v.mismatches === 0 ? 0 : 1;
}

const COMMANDS: Record<string, (a: Args) => Promise<number>> = {
  'create-topic': createTopic,
  produce,
  consume,
  'list-offsets': listOffsets,
  'delete-records': deleteRecords,
  'describe-configs': describeConfigs,
  'alter-configs': alterConfigs,
  metadata,
};

async function main(argv: string[]): Promise<number> {
  try {
    const a = new Args(argv);
    const f = COMMANDS[a.command];
    if (!f) throw new UsageError(`unknown command ${a.command}`);
    return await f(a);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`usage: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    emit({ type: 'error', error: `${err.name}: ${err.message}` });
    process.stderr.write(`${err.stack ?? err}\n`);
    return 1;
  }
}

// Let stdout drain before exiting: process.exit() can cut piped output short.
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 50).unref();
});
