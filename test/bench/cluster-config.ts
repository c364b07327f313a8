// The 3-node topology of `npm run bench -- --cluster` (design §7: 3 brokers, RF 3, min ISR 2),
// as pure data: the settings both brokers get, the arguments that start each of them, and the
// parsing of what `millrace cluster up` writes. No I/O, so cluster-config.test.ts can check it.

export const CLUSTER_NODES = 3;
export const CLUSTER_RACKS = ["a", "b", "c"] as const;
/** Replication factor of every topic the benchmark creates on a cluster. */
export const CLUSTER_REPLICATION_FACTOR = 3;
/**
 * Heap of each Kafka JVM in a cluster: three must fit beside the client JVM (1 GiB) on a shared
 * machine, so half of the single node's 1 GiB (Kafka's start-script default); the same in every mode.
 */
export const KAFKA_CLUSTER_HEAP = "512m";

export const TOPOLOGY_SINGLE = "1 node";
export const TOPOLOGY_CLUSTER = `${CLUSTER_NODES} nodes (combined broker+controller), RF ${CLUSTER_REPLICATION_FACTOR}, min ISR 2, racks ${CLUSTER_RACKS.join("/")}`;

/**
 * What every node of either cluster is given beyond its defaults: Kafka's production-like
 * replication settings, no initial rebalance delay, and the durability mode's own settings.
 * (broker.rack is per node: Kafka gets it from kafkaNodeArgs, Millrace from `--racks`.)
 */
export function clusterOverrides(durability: Record<string, string>): Record<string, string> {
  return {
    "default.replication.factor": String(CLUSTER_REPLICATION_FACTOR),
    "min.insync.replicas": "2",
    "offsets.topic.replication.factor": String(CLUSTER_REPLICATION_FACTOR),
    "group.initial.rebalance.delay.ms": "0",
    ...durability,
  };
}

/** One Kafka node on loopback: its id (1-based) and its two ports. */
export interface KafkaNodePorts {
  id: number;
  port: number;
  controllerPort: number;
}

/** controller.quorum.voters of a cluster whose every node is a controller: `1@127.0.0.1:C1,2@…`. */
export function kafkaVoters(nodes: readonly KafkaNodePorts[]): string {
  return nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(",");
}

/**
 * The arguments of `kafka.sh format|run` (after the subcommand) for one combined node of the
 * cluster: shared voters and cluster id, the node's rack (round the racks in id order, as
 * `cluster up` does), the cluster's heap, and the overrides as --set lines.
 */
export function kafkaNodeArgs(
  node: KafkaNodePorts, all: readonly KafkaNodePorts[], dir: string, clusterId: string, overrides: Record<string, string>,
): string[] {
  const rack = CLUSTER_RACKS[(node.id - 1) % CLUSTER_RACKS.length]!;
  const sets = { ...overrides, "broker.rack": rack };
  return [
    "--dir", dir,
    "--port", String(node.port),
    "--controller-port", String(node.controllerPort),
    "--node-id", String(node.id),
    "--voters", kafkaVoters(all),
    "--cluster-id", clusterId,
    "--heap", KAFKA_CLUSTER_HEAP,
    ...Object.entries(sets).flatMap(([k, v]) => ["--set", `${k}=${v}`]),
  ];
}

/** `millrace cluster up` arguments (after the main script) for the benchmark's cluster. */
export function millraceClusterArgs(dataDir: string, overrides: Record<string, string>): string[] {
  return [
    "cluster", "up",
    "--brokers", String(CLUSTER_NODES),
    "--controllers", String(CLUSTER_NODES),
    "--racks", CLUSTER_RACKS.join(","),
    "--data-dir", dataDir,
    ...Object.entries(overrides).flatMap(([k, v]) => ["--override", `${k}=${v}`]),
  ];
}

/** `cluster up`'s stderr line `node N pid=P dir=… roles` → {id, pid}; undefined for other lines. */
export function parseNodePidLine(line: string): { id: number; pid: number } | undefined {
  const m = /^node (\d+) pid=(\d+)\b/.exec(line);
  return m ? { id: Number(m[1]), pid: Number(m[2]) } : undefined;
}

/** `cluster up`'s stdout line `bootstrap=127.0.0.1:PORT` → the address; undefined for other lines. */
export function parseBootstrapLine(line: string): string | undefined {
  return /^bootstrap=(\S+)$/.exec(line.trim())?.[1];
}

/**
 * The PLAINTEXT port in a server.properties text (`listeners=PLAINTEXT://127.0.0.1:P,…`), or
 * undefined when the file is not (fully) written yet. The first node's is where the benchmark's
 * start-up client knocks before `cluster up` reports the whole cluster ready.
 */
export function parsePlaintextPort(serverProperties: string): number | undefined {
  const line = serverProperties.split("\n").find((l) => l.startsWith("listeners="));
  const m = line && /PLAINTEXT:\/\/[^,:\s]+:(\d+)/.exec(line);
  return m ? Number(m[1]) : undefined;
}
