// How the reconcilers reach a KafkaCluster's brokers: one AdminClient per cluster, reused between
// reconciles. In Kubernetes (the default) the operator connects to the cluster's bootstrap
// Service on the replication port with mTLS, using the operator certificate the KafkaCluster
// reconciler writes (a super user of the cluster). Tests and development, where brokers run as
// local processes, give the addresses and security by hand (StaticClusterAdminProvider, or the
// operator process's MILLRACE_CLUSTER_ACCESS_FILE).
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { AdminClient, ClusterUnreachableError, type ClientSecurity } from "../../broker/client/index.js";
import type { KafkaCluster } from "../api/v1alpha1/kafkacluster.js";
import type { InformerCache } from "../runtime/informer-cache.js";
import { BuiltinTypes, type KubeObject } from "../runtime/resource-type.js";
import { bootstrapServiceName, operatorCertsSecretName, REPLICATION_PORT } from "./kafkacluster/names.js";

export interface ClusterAdminProvider {
  /** An admin client for this KafkaCluster (reused between reconciles); throws ClusterAccessError when it cannot have one. */
  adminFor(cluster: KafkaCluster): Promise<AdminClient>;
  /** Drop a cluster's client (deleted cluster, rotated operator certificate). */
  forget(namespace: string, name: string): Promise<void>;
  close(): Promise<void>;
}

/** No way to reach the cluster yet (its operator certificate is not written, say): retry later. */
export class ClusterAccessError extends Error {
  override name = "ClusterAccessError";
}

/** Whether an error means the cluster could not be reached (as opposed to a refused request). */
export function isClusterUnreachable(err: unknown): boolean {
  return err instanceof ClusterUnreachableError || err instanceof ClusterAccessError;
}

/** Each admin call is bounded so that a dead cluster holds a reconcile worker for at most this long. */
export const ADMIN_TIMEOUT_MS = 10_000;

/**
 * Work-queue backoff of controllers whose reconciles call a cluster: an unreachable cluster is
 * retried from 200 ms up to once a minute, not the runtime's 1000 s.
 */
export const CLUSTER_CALL_BACKOFF = { baseDelayMs: 200, maxDelayMs: 60_000 } as const;

function clusterKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function keyOfCluster(cluster: KafkaCluster): string {
  const { namespace, name } = cluster.metadata ?? {};
  if (!namespace || !name) throw new Error("KafkaCluster without metadata.namespace/name");
  return clusterKey(namespace, name);
}

interface CachedClient {
  client: AdminClient;
  /** What the client was built from: a different fingerprint (rotated certificate) builds a new one. */
  fingerprint: string;
}

/** Timeouts of the providers' clients (tests shorten them). */
export interface ProviderTimings {
  /** Bound on each admin call (default ADMIN_TIMEOUT_MS). */
  timeoutMs?: number;
  /** After a call found the cluster unreachable, adminFor fails at once for this long (default UNREACHABLE_COOLDOWN_MS). */
  unreachableCooldownMs?: number;
}

/**
 * A cluster found unreachable is not dialled again by every reconcile for a while: each attempt
 * holds a worker for up to the call timeout, so a hundred topics of a dead cluster would starve
 * the topics of the live ones. Reconcilers see the same ClusterUnreachable, at once.
 */
export const UNREACHABLE_COOLDOWN_MS = 5_000;

interface Unreachable {
  sinceMs: number;
  error: Error;
}

/**
 * Keeps one client per cluster and rebuilds it when what it was built from changes; remembers a
 * cluster that was unreachable (above).
 */
abstract class CachingProvider implements ClusterAdminProvider {
  private readonly clients = new Map<string, CachedClient>();
  private readonly unreachable = new Map<string, Unreachable>();
  private readonly timeoutMs: number;
  private readonly cooldownMs: number;

  constructor(
    protected readonly log: Logger,
    timings: ProviderTimings = {},
  ) {
    this.timeoutMs = timings.timeoutMs ?? ADMIN_TIMEOUT_MS;
    this.cooldownMs = timings.unreachableCooldownMs ?? UNREACHABLE_COOLDOWN_MS;
  }

  protected abstract optionsFor(cluster: KafkaCluster): { bootstrapServers: string[]; security?: ClientSecurity; fingerprint: string };

  async adminFor(cluster: KafkaCluster): Promise<AdminClient> {
    const key = keyOfCluster(cluster);
    const down = this.unreachable.get(key);
    const agoMs = down ? Date.now() - down.sinceMs : 0;
    if (down && agoMs < this.cooldownMs) {
      throw new ClusterAccessError(`unreachable ${agoMs} ms ago, tried again after ${this.cooldownMs} ms: ${down.error.message}`);
    }
    const options = this.optionsFor(cluster);
    const cached = this.clients.get(key);
    if (cached && cached.fingerprint === options.fingerprint) return cached.client;
    cached?.client.close();
    const client = this.watched(
      key,
      new AdminClient({
        bootstrapServers: options.bootstrapServers,
        security: options.security,
        clientId: "millrace-operator",
        timeoutMs: this.timeoutMs,
        log: this.log.child({ cluster: key }),
      }),
    );
    this.clients.set(key, { client, fingerprint: options.fingerprint });
    this.log.info({ cluster: key, bootstrap: options.bootstrapServers, replaced: !!cached }, "admin client for cluster");
    return client;
  }

  async forget(namespace: string, name: string): Promise<void> {
    const key = clusterKey(namespace, name);
    this.clients.get(key)?.client.close();
    this.clients.delete(key);
    this.unreachable.delete(key);
  }

  async close(): Promise<void> {
    for (const c of this.clients.values()) c.client.close();
    this.clients.clear();
  }

  /** The client, with every call noting whether the cluster answered or was unreachable. */
  private watched(key: string, client: AdminClient): AdminClient {
    return new Proxy(client, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== "function" || prop === "close") return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (!(result instanceof Promise)) return result;
          return result.then(
            (ok: unknown) => {
              this.unreachable.delete(key);
              return ok;
            },
            (err: unknown) => {
              if (err instanceof ClusterUnreachableError) {
                if (!this.unreachable.has(key)) this.log.warn({ cluster: key, err: err.message }, "cluster unreachable");
                this.unreachable.set(key, { sinceMs: Date.now(), error: err });
              }
              throw err;
            },
          );
        };
      },
    });
  }
}

/**
 * The default: `<cluster>-bootstrap.<namespace>.svc:9091` with the operator's client certificate
 * (Secret `<cluster>-operator-certs`: tls.crt, tls.key, ca.crt) from the informer cache. A new
 * certificate (renewal) gives a new client.
 */
export class MtlsClusterAdminProvider extends CachingProvider {
  constructor(
    private readonly cache: InformerCache,
    log: Logger,
    timings: ProviderTimings = {},
  ) {
    super(log, timings);
    // The cache answers only for kinds it informs: register Secrets before the manager starts.
    cache.informersFor(BuiltinTypes.Secret);
  }

  protected optionsFor(cluster: KafkaCluster) {
    const namespace = cluster.metadata?.namespace ?? "";
    const name = cluster.metadata?.name ?? "";
    const secretName = operatorCertsSecretName(name);
    const secret = this.cache.get<KubeObject & { data?: Record<string, string> }>(BuiltinTypes.Secret, namespace, secretName);
    const data = secret?.data ?? {};
    const missing = ["tls.crt", "tls.key", "ca.crt"].filter((k) => !data[k]);
    if (missing.length > 0) {
      throw new ClusterAccessError(`the operator certificate Secret ${namespace}/${secretName} ${secret ? `lacks ${missing.join(", ")}` : "does not exist yet"}`);
    }
    const pem = (k: string) => Buffer.from(data[k]!, "base64").toString("utf8");
    const host = `${bootstrapServiceName(name)}.${namespace}.svc`;
    return {
      bootstrapServers: [`${host}:${REPLICATION_PORT}`],
      // Each connection verifies the name it dialled (node certificates carry the bootstrap and node names).
      security: { securityProtocol: "SSL" as const, tls: { ca: pem("ca.crt"), cert: pem("tls.crt"), key: pem("tls.key") } },
      fingerprint: createHash("sha256").update(data["tls.crt"]!).update(data["tls.key"]!).update(data["ca.crt"]!).digest("hex"),
    };
  }
}

/** How to reach one cluster by hand: addresses and the client security (files read by path). */
export interface StaticClusterAccess {
  /** "host:port", or several. */
  bootstrap: string | string[];
  security?: StaticSecurity;
}

/** ClientSecurity as JSON: PEM given inline or as file paths. */
export interface StaticSecurity {
  securityProtocol: ClientSecurity["securityProtocol"];
  tls?: { ca?: string; cert?: string; key?: string; caFile?: string; certFile?: string; keyFile?: string; servername?: string; rejectUnauthorized?: boolean };
  sasl?: ClientSecurity["sasl"];
}

/** Clusters keyed by "namespace/name"; a cluster not in the map is unreachable. */
export class StaticClusterAdminProvider extends CachingProvider {
  private readonly access: ReadonlyMap<string, { bootstrapServers: string[]; security?: ClientSecurity; fingerprint: string }>;

  constructor(access: Record<string, StaticClusterAccess>, log: Logger, timings: ProviderTimings = {}) {
    super(log, timings);
    const entries = Object.entries(access).map(([key, a]) => {
      if (!/^[^/]+\/[^/]+$/.test(key)) throw new Error(`cluster access key ${JSON.stringify(key)}: want "namespace/name"`);
      const bootstrapServers = typeof a.bootstrap === "string" ? [a.bootstrap] : a.bootstrap;
      if (!Array.isArray(bootstrapServers) || bootstrapServers.length === 0 || bootstrapServers.some((b) => typeof b !== "string" || !/:\d+$/.test(b))) {
        throw new Error(`cluster access ${key}: bootstrap must be "host:port" or a non-empty list of them`);
      }
      const security = a.security ? clientSecurityOf(key, a.security) : undefined;
      return [key, { bootstrapServers, security, fingerprint: JSON.stringify([bootstrapServers, a.security ?? null]) }] as const;
    });
    this.access = new Map(entries);
  }

  protected optionsFor(cluster: KafkaCluster) {
    const key = keyOfCluster(cluster);
    const a = this.access.get(key);
    if (!a) throw new ClusterAccessError(`no access configured for KafkaCluster ${key} (static cluster access map)`);
    return a;
  }
}

function clientSecurityOf(key: string, s: StaticSecurity): ClientSecurity {
  const protocols = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];
  if (!protocols.includes(s.securityProtocol)) throw new Error(`cluster access ${key}: securityProtocol ${JSON.stringify(s.securityProtocol)}: want one of ${protocols.join(", ")}`);
  const read = (inline: string | undefined, file: string | undefined) => inline ?? (file ? readFileSync(file, "utf8") : undefined);
  const tls = s.tls
    ? {
        ca: read(s.tls.ca, s.tls.caFile),
        cert: read(s.tls.cert, s.tls.certFile),
        key: read(s.tls.key, s.tls.keyFile),
        ...(s.tls.servername ? { servername: s.tls.servername } : {}),
        ...(s.tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: s.tls.rejectUnauthorized } : {}),
      }
    : undefined;
  return { securityProtocol: s.securityProtocol, ...(tls ? { tls } : {}), ...(s.sasl ? { sasl: s.sasl } : {}) };
}

/**
 * The operator process's provider: MILLRACE_CLUSTER_ACCESS_FILE (a JSON map "namespace/name" →
 * StaticClusterAccess, a development aid for brokers outside Kubernetes) or the mTLS default.
 */
export function clusterAdminProviderFromEnv(env: { MILLRACE_CLUSTER_ACCESS_FILE?: string }, cache: InformerCache, log: Logger): ClusterAdminProvider {
  const file = env.MILLRACE_CLUSTER_ACCESS_FILE;
  if (!file) return new MtlsClusterAdminProvider(cache, log);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`MILLRACE_CLUSTER_ACCESS_FILE=${file}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`MILLRACE_CLUSTER_ACCESS_FILE=${file}: want a JSON object {"namespace/name": {"bootstrap": "host:port", "security": {...}}}`);
  log.warn({ file, clusters: Object.keys(parsed) }, "cluster access from MILLRACE_CLUSTER_ACCESS_FILE (development aid): the clusters' own certificates are not used");
  return new StaticClusterAdminProvider(parsed as Record<string, StaticClusterAccess>, log);
}
