// `npm run fuzz -- --frames 1000000 [--seed N] [--connections 64] [--window 1] [--stall-ms 250] [--no-restart] [--keep] [--verbose]`
// Prints progress on stderr, then one summary line on stdout; with --verbose also the broker's log
// messages by count and every failure. Exit code 0 only when the broker kept serving and the known
// data is intact.
import { runFuzz, type FuzzOptions } from "./fuzz-run.js";
import { summaryLine } from "./fuzz-summary.js";

function parseArgs(argv: string[]): FuzzOptions & { verbose: boolean } {
  const opts: FuzzOptions & { verbose: boolean } = { frames: 1_000_000, seed: 1, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const int = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${arg} needs a non-negative integer`);
      return v;
    };
    if (arg === "--frames") opts.frames = int();
    else if (arg === "--seed") opts.seed = int();
    else if (arg === "--connections") opts.connections = int();
    else if (arg === "--window") opts.window = int();
    else if (arg === "--stall-ms") opts.stallMs = int();
    else if (arg === "--no-restart") opts.restart = false;
    else if (arg === "--keep") opts.keep = true;
    else if (arg === "--verbose") opts.verbose = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const result = await runFuzz({ ...opts, progress: (line) => process.stderr.write(`[fuzz] ${line}\n`) });
  if (opts.verbose || !result.ok) {
    for (const [message, count] of result.log.byMessage.slice(0, 25)) process.stderr.write(`[fuzz] log ${count}× ${message}\n`);
    for (const [strategy, count] of [...result.traffic.byStrategy].sort((a, b) => b[1] - a[1])) {
      process.stderr.write(`[fuzz] strategy ${strategy}: ${count}\n`);
    }
  }
  for (const failure of result.failures) process.stderr.write(`[fuzz] FAILURE ${failure}\n`);
  for (const line of result.log.problems) process.stderr.write(`[fuzz] broker: ${line}\n`);
  process.stdout.write(summaryLine(result) + "\n");
  return result.ok ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`fuzz failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
