// Sessions of the compat drivers (test/compat/drivers: the Java client 4.x, librdkafka through
// confluent-kafka, franz-go) through the capture proxy. These clients speak the newest versions:
// flexible (compact, tagged-field) Produce, Fetch, Metadata, ApiVersions v3+, KIP-848
// ConsumerGroupHeartbeat, IncrementalAlterConfigs — what KafkaJS never sends.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { driverCommand, toArgv, type ArgValue, type Client, type Tools } from "../../compat/drivers.js";
import { REPO_ROOT } from "../paths.js";

/** Tool paths from test/tools/install.sh (installs what is missing; ~0.1 s when warm). */
export function installedTools(): Tools {
  const run = spawnSync("bash", [join(REPO_ROOT, "test/tools/install.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (run.status !== 0) throw new Error(`test/tools/install.sh failed with ${run.status}`);
  const tools: Tools = {};
  for (const line of run.stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) tools[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return tools;
}

/**
 * Runs one driver command to completion. Not compat's runDriver: that finds the Python driver
 * beside its own module, which is dist/ when this script runs compiled; here it is the source tree.
 */
async function runDriver(client: Client, command: string, args: Record<string, ArgValue>, tools: Tools): Promise<void> {
  const c = driverCommand(client, tools);
  const compiledCompat = join(REPO_ROOT, "dist/test/compat");
  const argv = [...c.args.map((a) => a.replace(compiledCompat, join(REPO_ROOT, "test/compat"))), command, ...toArgv(args)];
  const child = spawn(c.cmd, argv, { cwd: REPO_ROOT, env: { ...process.env, ...c.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err = (err + d).slice(-8_000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);
  if (code !== 0 || !out.includes('"type":"result"')) {
    throw new Error(`${client} ${command} exited ${code}\nstdout: ${out.slice(-2_000)}\nstderr: ${err}`);
  }
}

/** Small counts keep produce frames small; codecs cover every compression a batch may carry. */
const PRODUCE_RUNS: { codec: string; extra: Record<string, string | boolean> }[] = [
  { codec: "none", extra: {} },
  { codec: "gzip", extra: { "no-idempotent": true, acks: "1" } },
  { codec: "snappy", extra: {} },
  { codec: "lz4", extra: {} },
  { codec: "zstd", extra: {} },
  { codec: "none", extra: { "no-idempotent": true, acks: "0" } },
];
const RECORDS_PER_RUN = 30;

export async function runDriverSession(client: Exclude<Client, "kafkajs">, bootstrap: string, tools: Tools): Promise<void> {
  const topic = `fz-${client}`;
  const run = (command: string, args: Record<string, ArgValue>) => runDriver(client, command, { bootstrap, ...args }, tools);
  await run("create-topic", { topic, partitions: 3, config: "retention.ms=604800000" });
  await run("metadata", { topic });
  for (const [i, p] of PRODUCE_RUNS.entries()) {
    await run("produce", { topic, count: RECORDS_PER_RUN, seed: `fz${i}`, codec: p.codec, "batch-size": 4096, ...p.extra });
  }
  await run("consume", { topic, group: `fz-${client}-classic`, count: 60, "commit-every": 20, "timeout-ms": 60_000 });
  // KIP-848 (ConsumerGroupHeartbeat) — every driver but KafkaJS speaks it.
  await run("consume", { topic, group: `fz-${client}-848`, "group-protocol": "consumer", count: 60, "commit-every": 20, "timeout-ms": 60_000 });
  await run("consume", { topic, count: 30, "timeout-ms": 60_000 });
  for (const timestamp of ["earliest", "latest", String(Date.now() - 60_000)]) await run("list-offsets", { topic, timestamp });
  await run("delete-records", { topic, partition: 0, offset: 3 });
  await run("describe-configs", { topic });
  await run("alter-configs", { topic, set: "retention.ms=86400000", delete: "segment.ms" });
}
