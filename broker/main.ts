#!/usr/bin/env -S node --initial-old-space-size=256
// The `millrace` command. Subcommands: `broker`, `storage`, `cluster`; `mirror`, `topic`,
// `produce`, `consume` arrive with their issues.
import "./v8-flags.js"; // first: V8 settings before the rest of the broker loads
import { runBrokerCommand } from "./cli/broker-command.js";
import { runStorageCommand } from "./cli/storage-command.js";
import { runClusterCommand } from "./cli/cluster-command.js";

const USAGE = `usage: millrace <command> [options]

commands:
  broker [--config server.properties] [--override key=value]...
         run a broker (with no options: PLAINTEXT://127.0.0.1:9092, data in ./data)
  storage random-uuid | format --cluster-id ID [--config server.properties] [--override key=value]...
         [--standalone | --initial-controllers id@host:port:directoryId,... | --no-initial-controllers]
         prepare the directories of a multi-node cluster's node (like kafka-storage; the last
         three for a controller of a dynamic quorum, controller.quorum.bootstrap.servers)
  cluster up --brokers N --controllers M [--racks a,b,c] [--data-dir DIR] [--override key=value]...
         run a local cluster of broker processes on loopback; prints bootstrap=127.0.0.1:PORT when ready
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "broker":
      return runBrokerCommand(rest);
    case "storage":
      return runStorageCommand(rest);
    case "cluster":
      return runClusterCommand(rest);
    case undefined:
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`millrace: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`millrace: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    // Exit now: a start-up that failed half-way (a port in use, say) may have left timers and
    // connections running that would otherwise keep a broken broker alive.
    process.exit(1);
  },
);
