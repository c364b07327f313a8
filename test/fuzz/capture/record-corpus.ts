// `npm run fuzz:capture`: records a fresh corpus. Starts a broker that advertises a recording
// proxy, runs one session per client through it (KafkaJS in-process; Java, librdkafka and franz-go
// through the compat drivers when test/tools/install.sh can provide them), then writes
// test/fuzz/corpus/. Options: --only kafkajs,java,python,franz
import type { Client } from "../../compat/drivers.js";
import { rmSync } from "node:fs";
import { startBrokerUnderFuzz } from "../broker-under-fuzz.js";
import type { CorpusTopic } from "../corpus.js";
import { CORPUS_DIR } from "../paths.js";
import { RawClient } from "../raw-client.js";
import { CaptureProxy } from "./capture-proxy.js";
import { writeCorpus } from "./corpus-writer.js";
import { installedTools, runDriverSession } from "./driver-sessions.js";
import { runKafkaJsSession } from "./kafkajs-session.js";

const ALL: Client[] = ["kafkajs", "java", "python", "franz"];

function parseOnly(argv: string[]): Client[] {
  const i = argv.indexOf("--only");
  if (i < 0) return ALL;
  const wanted = (argv[i + 1] ?? "").split(",");
  const unknown = wanted.filter((c) => !ALL.includes(c as Client));
  if (unknown.length > 0) throw new Error(`unknown client(s) ${unknown.join(",")}; known: ${ALL.join(",")}`);
  return wanted as Client[];
}

async function topicsOf(port: number): Promise<CorpusTopic[]> {
  const client = await RawClient.connect(port);
  try {
    const metadata = await client.metadata(null);
    return metadata.topics
      .filter((t) => t.name !== null && !t.isInternal)
      .map((t) => ({ name: t.name!, partitions: t.partitions.length, topicId: t.topicId }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  const clients = parseOnly(process.argv.slice(2));
  const proxy = await CaptureProxy.start();
  let broker;
  try {
    broker = await startBrokerUnderFuzz({ overrides: [`advertised.listeners=PLAINTEXT://127.0.0.1:${proxy.port}`] });
    proxy.upstreamPort = broker.port;
    const bootstrap = `127.0.0.1:${proxy.port}`;
    const tools = clients.some((c) => c !== "kafkajs") ? installedTools() : {};
    for (const client of clients) {
      const started = Date.now();
      proxy.label = client;
      if (client === "kafkajs") await runKafkaJsSession(bootstrap);
      else await runDriverSession(client, bootstrap, tools);
      process.stderr.write(`captured ${client}: ${proxy.frames.get(client)?.length ?? 0} frames in ${Date.now() - started} ms\n`);
    }
    const written = writeCorpus(CORPUS_DIR, proxy.frames, await topicsOf(broker.port));
    for (const w of written) {
      process.stdout.write(`${w.file}: ${w.frames.length} frames, ${w.frames.reduce((s, f) => s + f.length, 0)} bytes\n`);
    }
  } finally {
    await proxy.close();
    await broker?.stop();
    if (broker) rmSync(broker.dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fuzz:capture failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
