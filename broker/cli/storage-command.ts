// `millrace storage format|random-uuid`, after `kafka-storage`: a multi-node cluster's nodes must
// share one cluster id, written into every log directory (and the metadata log directory) before
// the first start. A single-node broker formats itself on first start, so it never needs this.
import { ConfigError, loadBrokerConfig, type BrokerConfig } from "../config/index.js";
import { initialVoterSet, parseInitialControllers, writeBootstrapCheckpoint, type InitialController } from "../metadata/initial-voters.js";
import { formatDirs, newClusterId, readMetaProperties, writeMetaProperties } from "../metadata/meta-properties.js";
import type { Uuid } from "../protocol/primitives.js";
import type { VoterSet } from "../metadata/raft/voter-set.js";
import { parseAddScram, type BootstrapScramCredential } from "../security/sasl/add-scram-option.js";
import { writeBootstrapCredentials } from "../security/sasl/bootstrap-credentials.js";

const USAGE = `usage: millrace storage <command>

commands:
  random-uuid
         print a new cluster id
  format --cluster-id ID [--ignore-formatted] [--config server.properties] [--override key=value]...
         [--standalone | --initial-controllers id@host:port:directoryId,... | --no-initial-controllers]
         [--add-scram 'SCRAM-SHA-512=[name=admin,password=admin-secret]']...
         write meta.properties (cluster id, node id) into every log dir and the metadata log dir.
         --add-scram (repeatable, kafka-storage's syntax): SCRAM credentials the cluster starts
         with (the quorum leader writes them into the metadata log at first start), e.g. for an
         inter-broker listener that uses SCRAM; give every controller the same ones.
         A controller of a dynamic quorum (controller.quorum.bootstrap.servers, no
         controller.quorum.voters) needs one of the last three (KIP-853):
           --standalone               this controller is the only initial voter
           --initial-controllers ...  the initial voters (this node's directory id is the one named for it)
           --no-initial-controllers   no voters yet: the node joins as an observer, to be added later
                                      (kafka-metadata-quorum add-controller)
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
  let standalone = false;
  let noInitialControllers = false;
  let initialControllersText: string | undefined;
  const configArgs: string[] = [];
  const addScram: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--cluster-id" || arg === "-t") clusterId = rest[++i];
    else if (arg.startsWith("--cluster-id=")) clusterId = arg.slice("--cluster-id=".length);
    else if (arg === "--ignore-formatted" || arg === "-g") ignoreFormatted = true;
    else if (arg === "--standalone" || arg === "-s") standalone = true;
    else if (arg === "--no-initial-controllers" || arg === "-N") noInitialControllers = true;
    else if (arg === "--initial-controllers" || arg === "-I") initialControllersText = rest[++i] ?? "";
    else if (arg.startsWith("--initial-controllers=")) initialControllersText = arg.slice("--initial-controllers=".length);
    else if (arg === "--add-scram" || arg === "-S") addScram.push(rest[++i] ?? "");
    else if (arg.startsWith("--add-scram=")) addScram.push(arg.slice("--add-scram=".length));
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
  let scramCredentials: BootstrapScramCredential[];
  try {
    scramCredentials = addScram.map(parseAddScram);
  } catch (err) {
    process.stderr.write(`millrace storage format: ${(err as Error).message}\n`);
    return 2;
  }
  const bootstrap = bootstrapVoters(config, { standalone, noInitialControllers, initialControllersText });
  if (!bootstrap.ok) {
    process.stderr.write(`millrace storage format: ${bootstrap.error}\n`);
    return 2;
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
  const { voters, directoryId } = bootstrap;
  const formatMetadataDir = toFormat.includes(config.metadataLogDir);
  if (formatMetadataDir && directoryId) {
    // The metadata directory's id is the one the voter set names for this node.
    writeMetaProperties(config.metadataLogDir, { clusterId, nodeId: config.nodeId, directoryId });
  }
  formatDirs(directoryId ? toFormat.filter((d) => d !== config.metadataLogDir) : toFormat, clusterId, config.nodeId);
  for (const dir of toFormat) process.stdout.write(`Formatting ${dir} with cluster id ${clusterId} for node ${config.nodeId}\n`);
  if (scramCredentials.length > 0 && formatMetadataDir) {
    const path = writeBootstrapCredentials(config.metadataLogDir, scramCredentials);
    process.stdout.write(`Bootstrap SCRAM credentials for ${[...new Set(scramCredentials.map((c) => c.name))].join(", ")} written to ${path}\n`);
  }
  if (voters && formatMetadataDir) {
    const path = writeBootstrapCheckpoint(config.metadataLogDir, voters, Date.now());
    process.stdout.write(`Bootstrap voters ${voters.map((v) => `${v.id}@${v.endpoints[0]?.host}:${v.endpoints[0]?.port}:${v.directoryId}`).join(",")} written to ${path}\n`);
  }
  return 0;
}

type BootstrapChoice =
  | { ok: true; voters: VoterSet | undefined; directoryId: Uuid | undefined }
  | { ok: false; error: string };

/**
 * The initial voter set to write (Kafka's rules): only a controller of a dynamic quorum takes
 * one of --standalone / --initial-controllers / --no-initial-controllers, and it must take one.
 */
function bootstrapVoters(
  config: BrokerConfig,
  flags: { standalone: boolean; noInitialControllers: boolean; initialControllersText: string | undefined },
): BootstrapChoice {
  const given = [flags.standalone && "--standalone", flags.noInitialControllers && "--no-initial-controllers", flags.initialControllersText !== undefined && "--initial-controllers"].filter(
    (f): f is string => typeof f === "string",
  );
  if (given.length > 1) return { ok: false, error: `${given.join(" and ")} cannot be used together` };
  const isController = config.processRoles.includes("controller");
  const dynamic = config.controllerQuorumVoters.length === 0 && config.controllerQuorumBootstrapServers.length > 0;
  if (given.length === 1 && !isController) return { ok: false, error: `${given[0]} is for controllers; process.roles is ${config.processRoles.join(",")}` };
  if (given.length === 1 && !dynamic) {
    return { ok: false, error: `${given[0]} is for a dynamic quorum (controller.quorum.bootstrap.servers); this node has controller.quorum.voters (a static quorum)` };
  }
  if (given.length === 0) {
    if (isController && dynamic) {
      return {
        ok: false,
        error: "a controller of a dynamic quorum (controller.quorum.bootstrap.servers) needs --standalone, --initial-controllers or --no-initial-controllers",
      };
    }
    return { ok: true, voters: undefined, directoryId: undefined };
  }
  if (flags.noInitialControllers) return { ok: true, voters: undefined, directoryId: undefined };
  const listenerName = config.controllerListenerNames[0];
  if (!listenerName) return { ok: false, error: "controller.listener.names is empty" };
  let controllers: InitialController[];
  if (flags.standalone) {
    const listener = config.listeners.find((l) => l.name === listenerName);
    if (!listener) return { ok: false, error: `no listener named ${listenerName} (controller.listener.names) in listeners` };
    if (listener.port === 0) return { ok: false, error: `--standalone needs a fixed port on ${listenerName} (it is 0)` };
    const host = listener.host === "" || listener.host === "0.0.0.0" || listener.host === "::" ? "localhost" : listener.host;
    controllers = [{ id: config.nodeId, host, port: listener.port, directoryId: newClusterId() as Uuid }];
  } else {
    const parsed = parseInitialControllers(flags.initialControllersText ?? "");
    if (!parsed.ok) return { ok: false, error: `--initial-controllers: ${parsed.error}` };
    controllers = parsed.value;
    if (!controllers.some((c) => c.id === config.nodeId)) {
      return { ok: false, error: `--initial-controllers does not name this node (node.id ${config.nodeId}); use --no-initial-controllers for a controller to be added later` };
    }
  }
  const self = controllers.find((c) => c.id === config.nodeId)!;
  return { ok: true, voters: initialVoterSet(controllers, listenerName), directoryId: self.directoryId };
}
