// `millrace cluster up --brokers N --controllers M [--dedicated-controllers] [--dynamic-quorum] [--racks a,b,c]
// [--data-dir D] [--override k=v]…`: a local multi-node cluster of ordinary `millrace broker`
// processes on loopback, for development and tests. Each node gets a server.properties with Kafka's
// own keys (process.roles, node.id, listeners, controller.listener.names, controller.quorum.voters,
// broker.rack) in its directory, so the same cluster can be built by hand. Runs in the foreground;
// prints one line `bootstrap=127.0.0.1:PORT` (a broker) once every node is ready; SIGINT/SIGTERM
// stops every node cleanly, brokers first, then controllers. With --dynamic-quorum (KIP-853) the
// nodes know only controller.quorum.bootstrap.servers and the controllers are formatted as with
// `storage format --initial-controllers` (the voter set in the metadata log, changeable with
// kafka-metadata-quorum add-controller / remove-controller).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { initialVoterSet, writeBootstrapCheckpoint } from "../metadata/initial-voters.js";
import { formatDirs, newClusterId, readMetaProperties, writeMetaProperties } from "../metadata/meta-properties.js";
import { randomUuid } from "../protocol/primitives.js";
import { stablePort } from "./stable-port.js";
import { BROKER_NODE_FLAGS } from "./node-flags.js";

const USAGE = `usage: millrace cluster up --brokers N --controllers M [--dedicated-controllers] [--dynamic-quorum] [--racks a,b,c] [--data-dir DIR] [--override key=value]...
  Without --dedicated-controllers: N nodes; 1..M are combined (broker and controller), M+1..N brokers only (M ≤ N).
  With --dedicated-controllers: M+N nodes; 1..M are controllers only (process.roles=controller),
  M+1..M+N brokers only. Racks go round the brokers in id order; bootstrap= names the first broker.
  With --dynamic-quorum: controller.quorum.bootstrap.servers instead of controller.quorum.voters;
  the controllers are the initial voters of a dynamic quorum (KIP-853).`;

/** How long a node may take to report "broker started" / "controller started" (it waits for the quorum and to be unfenced). */
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export interface ClusterArgs {
  brokers: number;
  controllers: number;
  /** Controllers are nodes of their own (process.roles=controller) rather than combined with brokers. */
  dedicatedControllers: boolean;
  /** A dynamic quorum (KIP-853): bootstrap servers, the voter set in the metadata log. */
  dynamicQuorum?: boolean;
  racks: string[];
  dataDir: string | undefined;
  overrides: string[];
}

export function parseClusterArgs(args: string[]): ClusterArgs {
  const parsed: ClusterArgs = { brokers: 3, controllers: 3, dedicatedControllers: false, racks: [], dataDir: undefined, overrides: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const count = (v: string): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`${arg} must be a whole number from 1 to 64, not ${v}`);
      return n;
    };
    if (arg === "--brokers") parsed.brokers = count(value());
    else if (arg === "--controllers") parsed.controllers = count(value());
    else if (arg === "--dedicated-controllers") parsed.dedicatedControllers = true;
    else if (arg === "--dynamic-quorum") parsed.dynamicQuorum = true;
    else if (arg === "--racks") parsed.racks = value().split(",").map((r) => r.trim()).filter(Boolean);
    else if (arg === "--data-dir") parsed.dataDir = value();
    else if (arg === "--override") parsed.overrides.push(value());
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!parsed.dedicatedControllers && parsed.controllers > parsed.brokers) {
    throw new Error("--controllers may not exceed --brokers when controllers are combined nodes; add --dedicated-controllers for controller-only nodes");
  }
  for (const o of parsed.overrides) if (!/^[a-z0-9._-]+=/i.test(o)) throw new Error(`--override takes key=value, not ${o}`);
  return parsed;
}

export type NodeRoles = "broker" | "controller" | "broker,controller";

/** One node of the cluster to start: its id, its process.roles and (brokers) its rack. */
export interface NodePlan {
  id: number;
  roles: NodeRoles;
  rack: string | null;
}

/**
 * Which node plays what: combined nodes 1..M then brokers M+1..N, or with dedicated controllers
 * controllers 1..M then brokers M+1..M+N. Racks go round the brokers in id order.
 */
export function planNodes(opts: Pick<ClusterArgs, "brokers" | "controllers" | "dedicatedControllers" | "racks">): NodePlan[] {
  const plans: NodePlan[] = [];
  const total = opts.dedicatedControllers ? opts.controllers + opts.brokers : opts.brokers;
  let brokerIndex = 0;
  for (let id = 1; id <= total; id++) {
    const roles: NodeRoles = id > opts.controllers ? "broker" : opts.dedicatedControllers ? "controller" : "broker,controller";
    const rack = roles !== "controller" && opts.racks.length > 0 ? opts.racks[brokerIndex++ % opts.racks.length]! : null;
    plans.push({ id, roles, rack });
  }
  return plans;
}

/** The order of a clean stop: brokers first (broker-only, then combined), highest id first, then dedicated controllers. */
export function stopOrder(plans: readonly NodePlan[]): NodePlan[] {
  const rank = (p: NodePlan) => (p.roles === "broker" ? 0 : p.roles === "broker,controller" ? 1 : 2);
  return [...plans].sort((a, b) => rank(a) - rank(b) || b.id - a.id);
}

interface ClusterNode extends NodePlan {
  dir: string;
  port: number;
  controllerPort: number;
  child?: ChildProcess;
}

export async function runClusterCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "up") {
    process.stderr.write(`${sub === undefined ? "" : `millrace cluster: unknown command "${sub}"\n`}${USAGE}\n`);
    return 2;
  }
  let opts: ClusterArgs;
  try {
    opts = parseClusterArgs(rest);
  } catch (err) {
    process.stderr.write(`millrace cluster up: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const root = resolve(opts.dataDir ?? mkdtempSync(join(tmpdir(), "millrace-cluster-")));
  const nodes: ClusterNode[] = [];
  for (const plan of planNodes(opts)) {
    nodes.push({ ...plan, dir: join(root, `node-${plan.id}`), port: await stablePort(), controllerPort: await stablePort() });
  }
  const controllers = nodes.filter((n) => n.roles.includes("controller"));
  const quorum = opts.dynamicQuorum
    ? `controller.quorum.bootstrap.servers=${controllers.map((n) => `127.0.0.1:${n.controllerPort}`).join(",")}`
    : `controller.quorum.voters=${controllers.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(",")}`;
  // A dynamic quorum's initial voters, as `storage format --initial-controllers` would write them.
  const initialVoters = initialVoterSet(
    controllers.map((n) => ({ id: n.id, host: "127.0.0.1", port: n.controllerPort, directoryId: randomUuid() })),
    "CONTROLLER",
  );
  const clusterId = existingClusterId(nodes) ?? newClusterId();
  for (const n of nodes) {
    mkdirSync(n.dir, { recursive: true });
    writeFileSync(join(n.dir, "server.properties"), serverProperties(n, quorum, opts));
    const dataDir = join(n.dir, "data");
    if (readMetaProperties(dataDir)) continue;
    const voter = opts.dynamicQuorum ? initialVoters.find((v) => v.id === n.id) : undefined;
    if (voter) {
      writeMetaProperties(dataDir, { clusterId, nodeId: n.id, directoryId: voter.directoryId });
      writeBootstrapCheckpoint(dataDir, initialVoters, Date.now());
    } else {
      formatDirs([dataDir], clusterId, n.id);
    }
  }
  const main = process.argv[1]!;
  for (const n of nodes) {
    // A fresh log per run, so "broker started" from an earlier run is not mistaken for this one.
    const out = openSync(join(n.dir, "broker.log"), "w");
    n.child = spawn(process.execPath, [...BROKER_NODE_FLAGS, main, "broker", "--config", join(n.dir, "server.properties")], { stdio: ["ignore", out, out] });
    process.stderr.write(`node ${n.id} pid=${n.child.pid} dir=${n.dir} ${n.roles}\n`);
  }
  let stopping = false;
  const stopAll = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // One at a time, brokers first, as Kafka advises: each hands its partitions over while a
    // quorum remains to record it (the last voters may wait out the controlled-shutdown timeout).
    const byId = new Map(nodes.map((n) => [n.id, n]));
    for (const plan of stopOrder(nodes)) await stopChild(byId.get(plan.id)!.child);
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(0)));
  process.once("SIGTERM", () => void stopAll().then(() => process.exit(0)));
  for (const n of nodes) {
    n.child!.once("exit", (code, signal) => {
      if (!stopping) process.stderr.write(`node ${n.id} exited unexpectedly (code ${code}, signal ${signal}); see ${join(n.dir, "broker.log")}\n`);
    });
  }
  try {
    await Promise.all(nodes.map((n) => waitForStart(n)));
  } catch (err) {
    process.stderr.write(`millrace cluster up: ${(err as Error).message}\n`);
    await stopAll();
    return 1;
  }
  process.stdout.write(`bootstrap=127.0.0.1:${nodes.find((n) => n.roles.includes("broker"))!.port}\n`);
  // Runs until a signal stops every node (the handlers above exit the process).
  await new Promise<never>(() => undefined);
  return 0;
}

/** `quorum` is the controller.quorum.voters or controller.quorum.bootstrap.servers line. */
function serverProperties(n: ClusterNode, quorum: string, opts: ClusterArgs): string {
  const listeners = [
    n.roles.includes("broker") ? `PLAINTEXT://127.0.0.1:${n.port}` : null,
    n.roles.includes("controller") ? `CONTROLLER://127.0.0.1:${n.controllerPort}` : null,
  ].filter((l) => l !== null);
  const lines = [
    `# Written by millrace cluster up: node ${n.id}, ${n.roles}.`,
    `process.roles=${n.roles}`,
    `node.id=${n.id}`,
    `listeners=${listeners.join(",")}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    quorum,
    `log.dirs=${join(n.dir, "data")}`,
  ];
  if (n.rack !== null) lines.push(`broker.rack=${n.rack}`);
  lines.push(...opts.overrides);
  return `${lines.join("\n")}\n`;
}

/** The cluster id of a data dir formatted by an earlier run (so `--data-dir` keeps its cluster). */
function existingClusterId(nodes: ClusterNode[]): string | undefined {
  for (const n of nodes) {
    const meta = readMetaProperties(join(n.dir, "data"));
    if (meta) return meta.clusterId;
  }
  return undefined;
}

/** Resolves when the node's log says "broker started" ("controller started" for a controller-only node); rejects when it exits or takes too long. */
function waitForStart(n: ClusterNode): Promise<void> {
  const logFile = join(n.dir, "broker.log");
  const deadline = Date.now() + START_TIMEOUT_MS;
  return new Promise((resolveStart, reject) => {
    const check = () => {
      if (n.child!.exitCode !== null || n.child!.signalCode !== null) {
        reject(new Error(`node ${n.id} exited during start-up; see ${logFile}`));
        return;
      }
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
      if (log.includes(n.roles === "controller" ? '"msg":"controller started"' : '"msg":"broker started"')) resolveStart();
      else if (Date.now() > deadline) reject(new Error(`node ${n.id} did not start within ${START_TIMEOUT_MS} ms; see ${logFile}`));
      else setTimeout(check, 100);
    };
    check();
  });
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill("SIGTERM");
  });
}
