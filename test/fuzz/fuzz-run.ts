// One fuzz run, start to verdict: broker up → known data produced → corpus topics created →
// mutated frames sent while liveness is checked every few seconds → known data read back and
// compared → broker restarted on the same data (the files themselves must be intact) → read back
// again → log summarized. Shared by `npm run fuzz` (main.ts) and the CI-sized vitest test.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startBrokerUnderFuzz, type BrokerUnderFuzz } from "./broker-under-fuzz.js";
import { loadCorpus } from "./corpus.js";
import { clearClientQuotas, quotaSeedFrames, setsIpQuota } from "./quota-seeds.js";
import { scramSeedFrames } from "./scram-seeds.js";
import { aclSeedFrames, FUZZ_AUTHORIZER_OVERRIDES } from "./acl-seeds.js";
import { createCorpusTopics, retargetTopicIds } from "./corpus-world.js";
import { writeFrameDump } from "./frame-dump.js";
import { sendFuzzTraffic, type TrafficStats } from "./fuzz-traffic.js";
import { KNOWN_TOPIC, produceKnownData, verifyKnownData, type KnownData } from "./known-data.js";
import { LivenessMonitor } from "./liveness-monitor.js";
import { summarizeLog, type LogSummary } from "./log-summary.js";
import { FrameMutator, type MutatedFrame } from "./mutator.js";
import { createsManyPartitions } from "./partition-guard.js";

/**
 * One frame in flight per connection: each frame sent is then known to have been read by the
 * broker — answered, or followed by its closing the connection, or held (no answer within the
 * stall time). With a deeper window, the frames behind one that closes the connection are sent
 * but never read, and "frames sent" would overstate what was tested. Parallel connections make up
 * for the round trips.
 */
export const DEFAULT_WINDOW = 1;
export const DEFAULT_CONNECTIONS = 64;
export const DEFAULT_STALL_MS = 250;
const LIVENESS_EVERY_MS = 2_000;
const PROGRESS_EVERY_FRAMES = 100_000;

export interface FuzzOptions {
  frames: number;
  seed: number;
  connections?: number;
  window?: number;
  stallMs?: number;
  /** Restart the broker after fuzzing and verify the known data again (default true). */
  restart?: boolean;
  /** Keep the broker's data dir and log after a pass (a failed run always keeps them). */
  keep?: boolean;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

export interface FuzzResult {
  ok: boolean;
  failures: string[];
  seed: number;
  traffic: TrafficStats;
  elapsedMs: number;
  livenessChecks: number;
  maxLivenessMs: number;
  peakRssBytes: number;
  /** Mutated frames not sent because they would create many partitions (partition-guard.ts). */
  skippedPartitionHeavy: number;
  /** Whether the known data could be read back at all (not when the broker died). */
  dataVerified: boolean;
  /** null when the known data read back equal, before and after the restart. */
  dataProblem: string | null;
  log: LogSummary;
  dataDir: string;
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzResult> {
  const progress = opts.progress ?? (() => {});
  const corpus = loadCorpus();
  if (corpus.frames.some((f) => f.bytes.includes(Buffer.from(KNOWN_TOPIC)))) throw new Error(`a corpus frame names ${KNOWN_TOPIC}`);

  let broker: BrokerUnderFuzz = await startBrokerUnderFuzz({ overrides: FUZZ_AUTHORIZER_OVERRIDES });
  const logFiles = [broker.logFile];
  const failures: string[] = [];
  let phase: Pick<FuzzResult, "traffic" | "elapsedMs" | "livenessChecks" | "maxLivenessMs" | "peakRssBytes" | "skippedPartitionHeavy">;
  let dataProblem: string | null = null;
  let dataVerified = false;
  try {
    const expected = await produceKnownData(broker.bootstrap);
    const frames = [
      ...retargetTopicIds(
        corpus.frames.map((f) => f.bytes),
        await createCorpusTopics(broker.bootstrap, broker.port, corpus),
      ),
      ...quotaSeedFrames(),
      ...scramSeedFrames(),
      ...aclSeedFrames(),
    ];
    progress(`corpus ${frames.length} frames; known data ${[...expected.values()].reduce((n, l) => n + l.length, 0)} records; data dir ${broker.dataDir}`);
    phase = await fuzzPhase(broker, frames, expected.size, opts, progress, failures);
    if (broker.exit === undefined) {
      // Quotas the mutated frames set would throttle the read-back (as Kafka would): remove them.
      progress(`client quota entities removed before the read-back: ${await clearClientQuotas(broker.port)}`);
      dataProblem = await readBack(broker, expected);
      if (dataProblem === null && opts.restart !== false) {
        const code = await broker.stop();
        if (code !== 0) failures.push(`broker exited with ${code} on SIGTERM`);
        broker = await startBrokerUnderFuzz({ dataDir: broker.dataDir, overrides: FUZZ_AUTHORIZER_OVERRIDES });
        logFiles.push(broker.logFile);
        dataProblem = await readBack(broker, expected);
        if (dataProblem) dataProblem = `after restart: ${dataProblem}`;
      }
      dataVerified = true;
      if (dataProblem) failures.push(`known data: ${dataProblem}`);
    }
  } finally {
    await broker.stop();
  }
  const log = await summarizeLog(logFiles[0]!);
  if (logFiles[1]) log.problems.push(...(await summarizeLog(logFiles[1])).problems);
  if (log.problems.length > 0) failures.push(`broker logged ${log.problems.length} error-level or non-JSON line(s)`);
  const ok = failures.length === 0;
  // A million-frame run leaves ~150 MB of broker log; keep it only when someone needs to look.
  if (ok && !opts.keep) rmSync(broker.dataDir, { recursive: true, force: true });
  return { ok, failures, seed: opts.seed, ...phase, dataVerified, dataProblem, log, dataDir: broker.dataDir };
}

/** Sends the mutated frames while the liveness monitor runs; on failure, dumps the last frames. */
async function fuzzPhase(
  broker: BrokerUnderFuzz,
  frames: Buffer[],
  knownPartitions: number,
  opts: FuzzOptions,
  progress: (line: string) => void,
  failures: string[],
) {
  const mutator = new FrameMutator(frames, opts.seed);
  let skippedPartitionHeavy = 0;
  const next = (): MutatedFrame => {
    for (;;) {
      const frame = mutator.next();
      // An ip quota would refuse the fuzzer's own connections (quota-seeds.ts): not sent, not counted.
      if (setsIpQuota(frame.bytes)) continue;
      if (!createsManyPartitions(frame.bytes)) return frame;
      skippedPartitionHeavy++;
    }
  };
  const monitor = new LivenessMonitor(broker, KNOWN_TOPIC, knownPartitions, progress);
  const started = Date.now();
  let sent = 0;
  monitor.start(LIVENESS_EVERY_MS);
  const traffic = await sendFuzzTraffic({
    port: broker.port,
    frames: opts.frames,
    next: () => {
      if (++sent % PROGRESS_EVERY_FRAMES === 0) progress(`${sent} frames, ${Math.round(sent / ((Date.now() - started) / 1000))} frames/s`);
      return next();
    },
    connections: opts.connections ?? DEFAULT_CONNECTIONS,
    window: opts.window ?? DEFAULT_WINDOW,
    stallMs: opts.stallMs ?? DEFAULT_STALL_MS,
    signal: monitor.signal,
  });
  const elapsedMs = Date.now() - started;
  await monitor.stop();
  if (monitor.failure !== undefined) {
    const dump = join(broker.dataDir, "recent-frames.bin");
    writeFrameDump(dump, traffic.recent);
    failures.push(`liveness: ${monitor.failure}`, `the last ${traffic.recent.length} frames sent are in ${dump} (npm run fuzz:replay -- ${dump})`);
  }
  return {
    traffic,
    elapsedMs,
    livenessChecks: monitor.checks,
    maxLivenessMs: monitor.maxLatencyMs,
    peakRssBytes: monitor.peakRssBytes,
    skippedPartitionHeavy,
  };
}

/** The first difference in the known data, or why it could not be read at all; null when intact. */
async function readBack(broker: BrokerUnderFuzz, expected: KnownData): Promise<string | null> {
  try {
    return await verifyKnownData(broker.bootstrap, expected);
  } catch (err) {
    return `could not be read back: ${(err as Error).message}`;
  }
}
