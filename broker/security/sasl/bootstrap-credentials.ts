// SCRAM credentials a fresh cluster starts with (`storage format --add-scram`, as kafka-storage
// writes them into its bootstrap metadata), so nodes whose inter-broker listener uses SCRAM can
// authenticate before anyone could have run kafka-configs.
// `storage format` writes them to <metadata.log.dir>/bootstrap-scram-credentials.json (mode 0600:
// stored and server keys, never passwords). At start-up, once the metadata is replayed, the
// quorum leader writes them into the metadata log if the cluster has no SCRAM credential yet;
// every node then sets its file aside (renamed *.imported) once the cluster has credentials, so
// later deletions are not undone. Format every controller with the same --add-scram options.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { MetadataStore } from "../../metadata/metadata-store.js";
import type { BootstrapScramCredential } from "./add-scram-option.js";

export const BOOTSTRAP_CREDENTIALS_FILE = "bootstrap-scram-credentials.json";

interface StoredCredential {
  name: string;
  mechanism: number;
  iterations: number;
  salt: string;
  storedKey: string;
  serverKey: string;
}

export function writeBootstrapCredentials(metadataLogDir: string, credentials: readonly BootstrapScramCredential[]): string {
  const path = join(metadataLogDir, BOOTSTRAP_CREDENTIALS_FILE);
  const stored: StoredCredential[] = credentials.map(({ name, credential: c }) => ({
    name,
    mechanism: c.mechanism,
    iterations: c.iterations,
    salt: c.salt.toString("base64"),
    storedKey: c.storedKey.toString("base64"),
    serverKey: c.serverKey.toString("base64"),
  }));
  writeFileSync(path, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
  return path;
}

function readBootstrapCredentials(path: string): StoredCredential[] {
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(parsed)) throw new Error(`${path}: expected a JSON array of credentials`);
  return parsed as StoredCredential[];
}

/**
 * Imports now (after metadata.ready()) and again whenever this node becomes the quorum leader
 * while its file is still there: the leader at start-up may lose leadership before it imports.
 */
export async function startBootstrapCredentialImport(metadata: MetadataStore, metadataLogDir: string, log: Logger): Promise<void> {
  if (!existsSync(join(metadataLogDir, BOOTSTRAP_CREDENTIALS_FILE))) return;
  const attempt = () =>
    importBootstrapCredentials(metadata, metadataLogDir, log).catch((err: unknown) =>
      log.warn({ err: (err as Error).message }, "bootstrap SCRAM credentials not imported yet; retried when this node next leads"),
    );
  metadata.quorum.onLeaderChange((_epoch, leaderId) => {
    if (leaderId === metadata.quorum.nodeId) void attempt();
  });
  await attempt();
}

/** Brings the bootstrap credentials into the metadata log (quorum leader, cluster without credentials), then sets the file aside. */
export async function importBootstrapCredentials(metadata: MetadataStore, metadataLogDir: string, log: Logger): Promise<void> {
  const path = join(metadataLogDir, BOOTSTRAP_CREDENTIALS_FILE);
  if (!existsSync(path)) return;
  const credentials = readBootstrapCredentials(path);
  if (metadata.image.scramCredentials.size === 0) {
    if (!metadata.quorum.isLeader) return; // the leader imports its own copy; ours waits for a later start
    const written = await metadata.change(() => {
      if (metadata.image.scramCredentials.size > 0) return { records: [], result: 0 };
      const records = credentials.map((c) => ({
        type: "userScramCredential" as const,
        record: {
          name: c.name,
          mechanism: c.mechanism,
          iterations: c.iterations,
          salt: Buffer.from(c.salt, "base64"),
          storedKey: Buffer.from(c.storedKey, "base64"),
          serverKey: Buffer.from(c.serverKey, "base64"),
        },
      }));
      return { records, result: records.length };
    });
    log.info({ path, credentials: written, users: [...new Set(credentials.map((c) => c.name))] }, "bootstrap SCRAM credentials written to the metadata log");
  }
  renameSync(path, `${path}.imported`);
}
