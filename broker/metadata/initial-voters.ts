// The initial voters of a dynamic quorum (KIP-853), as `storage format` takes them (Kafka's
// kafka-storage `--standalone` / `--initial-controllers id@host:port:directoryId,...`) and writes
// them: a bootstrap checkpoint `00000000000000000000-0000000000.checkpoint` in the metadata log
// (a snapshot at offset 0 holding KRaftVersionRecord and VotersRecord), which the quorum reads as
// its first voter set. A controller formatted with `--no-initial-controllers` has none: it
// starts as an observer and waits to be added.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Uuid } from "../protocol/primitives.js";
import { METADATA_PARTITION_DIR } from "./raft/metadata-log-store.js";
import { buildSnapshot, writeSnapshotFile } from "./raft/snapshot-file.js";
import type { VoterSet } from "./raft/voter-set.js";

export interface InitialController {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly directoryId: Uuid;
}

/** A directory id as Kafka prints it: 16 bytes, base64 URL-safe without padding. */
const DIRECTORY_ID = /^[A-Za-z0-9_-]{22}$/;
const ENTRY = /^(\d+)@(\[[^\]]+\]|[^:@]+):(\d+):([^:@]+)$/;

/** Parses `--initial-controllers`: comma-separated id@host:port:directoryId entries. */
export function parseInitialControllers(text: string): { ok: true; value: InitialController[] } | { ok: false; error: string } {
  const controllers: InitialController[] = [];
  for (const entry of text.split(",").map((e) => e.trim()).filter((e) => e !== "")) {
    const m = ENTRY.exec(entry);
    if (!m) return { ok: false, error: `"${entry}" is not in the form id@host:port:directoryId` };
    const [, id, host, port, directoryId] = m as unknown as [string, string, string, string, string];
    if (Number(port) > 65535) return { ok: false, error: `"${entry}": port ${port} is out of range` };
    if (!DIRECTORY_ID.test(directoryId)) return { ok: false, error: `"${entry}": ${directoryId} is not a directory id (22 base64 characters, as \`millrace storage random-uuid\` prints)` };
    if (controllers.some((c) => c.id === Number(id))) return { ok: false, error: `node id ${id} is named twice` };
    controllers.push({ id: Number(id), host: host.replace(/^\[|\]$/g, ""), port: Number(port), directoryId: directoryId as Uuid });
  }
  if (controllers.length === 0) return { ok: false, error: "no controllers given" };
  return { ok: true, value: controllers };
}

/** The voter set of these controllers, each at one endpoint on `listenerName`. */
export function initialVoterSet(controllers: readonly InitialController[], listenerName: string): VoterSet {
  return controllers.map((c) => ({ id: c.id, directoryId: c.directoryId, endpoints: [{ name: listenerName, host: c.host, port: c.port }] }));
}

export const BOOTSTRAP_CHECKPOINT_ID = { offset: 0n, epoch: 0 } as const;

/** Writes the bootstrap checkpoint into `<metadataLogDir>/__cluster_metadata-0`; returns its path. */
export function writeBootstrapCheckpoint(metadataLogDir: string, voters: VoterSet, nowMs: number): string {
  const dir = join(metadataLogDir, METADATA_PARTITION_DIR);
  mkdirSync(dir, { recursive: true });
  return writeSnapshotFile(dir, { id: BOOTSTRAP_CHECKPOINT_ID, bytes: buildSnapshot(BOOTSTRAP_CHECKPOINT_ID, [], BigInt(nowMs), nowMs, voters) });
}
