// `npm run fuzz:replay -- FILE`: replays the frames a failed run dumped (recent-frames.bin, see
// frame-dump.ts) against a fresh broker with the same world, one frame per new
// connection, checking liveness after each — to find the frame that breaks the broker. Frames
// that depended on state built by earlier traffic may not reproduce alone; then rerun the seed.
import { connect } from "node:net";
import { startBrokerUnderFuzz } from "./broker-under-fuzz.js";
import { FUZZ_AUTHORIZER_OVERRIDES } from "./acl-seeds.js";
import { loadCorpus } from "./corpus.js";
import { createCorpusTopics } from "./corpus-world.js";
import { readFrameDump } from "./frame-dump.js";
import { KNOWN_TOPIC, produceKnownData } from "./known-data.js";
import { checkLiveness } from "./liveness.js";

const ANSWER_WAIT_MS = 300;

function sendAlone(port: number, frame: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(frame));
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.on("error", done).on("close", done);
    setTimeout(done, ANSWER_WAIT_MS);
  });
}

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: npm run fuzz:replay -- FILE");
  const frames = readFrameDump(file);
  // As fuzz-run.ts starts it: StandardAuthorizer, User:ANONYMOUS a super user.
  const broker = await startBrokerUnderFuzz({ overrides: FUZZ_AUTHORIZER_OVERRIDES });
  try {
    const known = await produceKnownData(broker.bootstrap);
    await createCorpusTopics(broker.bootstrap, broker.port, loadCorpus());
    for (const [i, frame] of frames.entries()) {
      await sendAlone(broker.port, frame);
      const live = await checkLiveness(broker, KNOWN_TOPIC, known.size);
      if (!live.ok) {
        process.stdout.write(`frame ${i} of ${frames.length} broke the broker (${live.problem}): ${frame.subarray(0, 64).toString("hex")}\n`);
        return 1;
      }
    }
    process.stdout.write(`${frames.length} frames replayed one by one; the broker kept serving (log: ${broker.logFile})\n`);
    return 0;
  } finally {
    await broker.stop();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`fuzz:replay failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
