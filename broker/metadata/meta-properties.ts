// meta.properties in each log directory, as Kafka writes it in KRaft mode: it ties a directory
// to a cluster and a node so a misplaced volume is refused rather than silently mixed in.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUuid } from "../protocol/primitives.js";

export const META_PROPERTIES = "meta.properties";

export interface MetaProperties {
  clusterId: string;
  nodeId: number;
  directoryId: string;
}

function parse(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq > 0) map.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  return map;
}

export function readMetaProperties(dir: string): MetaProperties | null {
  const path = join(dir, META_PROPERTIES);
  if (!existsSync(path)) return null;
  const props = parse(readFileSync(path, "utf8"));
  const clusterId = props.get("cluster.id");
  const nodeId = props.get("node.id");
  if (!clusterId || nodeId === undefined) throw new Error(`${path}: missing cluster.id or node.id`);
  return { clusterId, nodeId: Number(nodeId), directoryId: props.get("directory.id") ?? "" };
}

export function writeMetaProperties(dir: string, meta: MetaProperties): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, META_PROPERTIES);
  const text =
    `#\n#${new Date().toUTCString()}\n` +
    `cluster.id=${meta.clusterId}\ndirectory.id=${meta.directoryId}\nnode.id=${meta.nodeId}\nversion=1\n`;
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

export function newClusterId(): string {
  return randomUuid();
}

/**
 * Makes every log dir carry the same cluster id and this node id. A fresh single-node broker
 * formats itself (Kafka needs `kafka-storage format` first; we do it implicitly for dev use); the
 * nodes of a multi-node quorum must share one cluster id, so their directories must have been
 * formatted (`millrace storage format`). A directory from another cluster or node stops start-up.
 */
export function ensureMetaProperties(dirs: readonly string[], nodeId: number, opts: { autoFormat: boolean } = { autoFormat: true }): string {
  const existing = dirs.map((dir) => ({ dir, meta: readMetaProperties(dir) }));
  const clusterIds = new Set(existing.flatMap((e) => (e.meta ? [e.meta.clusterId] : [])));
  if (clusterIds.size > 1) throw new Error(`log dirs belong to different clusters: ${[...clusterIds].join(", ")}`);
  for (const e of existing) {
    if (e.meta && e.meta.nodeId !== nodeId) {
      throw new Error(`${e.dir} belongs to node ${e.meta.nodeId}, but node.id is ${nodeId}`);
    }
  }
  const unformatted = existing.filter((e) => !e.meta).map((e) => e.dir);
  if (unformatted.length > 0 && !opts.autoFormat) {
    throw new Error(
      `${unformatted.join(", ")}: not formatted. A node of a multi-node quorum needs the cluster's id: ` +
        "run `millrace storage format --cluster-id <id>` with this node's configuration first " +
        "(`millrace storage random-uuid` makes an id; use the same one on every node)",
    );
  }
  const clusterId = [...clusterIds][0] ?? newClusterId();
  formatDirs(unformatted, clusterId, nodeId);
  return clusterId;
}

/** Writes meta.properties into each directory (created if missing). */
export function formatDirs(dirs: readonly string[], clusterId: string, nodeId: number): void {
  for (const dir of dirs) writeMetaProperties(dir, { clusterId, nodeId, directoryId: randomUuid() });
}
