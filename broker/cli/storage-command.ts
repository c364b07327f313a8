// `millrace storage format|random-uuid`, after `kafka-storage`: a multi-node cluster's nodes must
// share one cluster id, written into every log directory (and the metadata log directory) before
// the first start. A single-node broker formats itself on first start, so it never needs this.
import { ConfigError, loadBrokerConfig } from "../config/index.js";
import { formatDirs, newClusterId, readMetaProperties } from "../metadata/meta-properties.js";

const USAGE = `usage: millrace storage <command>

commands:
  random-uuid
         print a new cluster id
  format --cluster-id ID [--ignore-formatted] [--config server.properties] [--override key=value]...
         write meta.properties (cluster id, node id) into every log dir and the metadata log dir
`;

export function runStorageCommand(args: string[]): number {
  const [command, ...rest] = args;
  if (command === "random-uuid") {
    process.stdout.write(`${newClusterId()}\n`);
    return 0;
  }
  if (command !== "format") {
    process.stderr.write(command === undefined ? USAGE : `millrace storage: unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  let clusterId: string | undefined;
  let ignoreFormatted = false;
  const configArgs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--cluster-id" || arg === "-t") clusterId = rest[++i];
    else if (arg.startsWith("--cluster-id=")) clusterId = arg.slice("--cluster-id=".length);
    else if (arg === "--ignore-formatted" || arg === "-g") ignoreFormatted = true;
    else configArgs.push(arg);
  }
  // Kafka's cluster ids are base64 (URL-safe, unpadded) of 16 bytes: 22 characters.
  if (!clusterId || !/^[A-Za-z0-9_-]{22}$/.test(clusterId)) {
    process.stderr.write(`millrace storage format: --cluster-id needs a 22-character id (make one with \`millrace storage random-uuid\`)\n`);
    return 2;
  }
  let config;
  try {
    config = loadBrokerConfig({ argv: configArgs, env: process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`millrace storage format: invalid configuration: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const dirs = [...new Set([...config.logDirs, config.metadataLogDir])];
  const toFormat: string[] = [];
  for (const dir of dirs) {
    const meta = readMetaProperties(dir);
    if (!meta) {
      toFormat.push(dir);
    } else if (!ignoreFormatted) {
      process.stderr.write(`millrace storage format: ${dir} is already formatted (cluster ${meta.clusterId}, node ${meta.nodeId}); use --ignore-formatted to skip it\n`);
      return 1;
    } else if (meta.clusterId !== clusterId || meta.nodeId !== config.nodeId) {
      process.stderr.write(`millrace storage format: ${dir} belongs to cluster ${meta.clusterId} node ${meta.nodeId}, not ${clusterId} node ${config.nodeId}\n`);
      return 1;
    }
  }
  formatDirs(toFormat, clusterId, config.nodeId);
  for (const dir of toFormat) process.stdout.write(`Formatting ${dir} with cluster id ${clusterId} for node ${config.nodeId}\n`);
  return 0;
}
