// A small JSON client for the Kubernetes REST API, on node:https with the
// credentials of a KubeConfig (client-node's applyToHTTPSOptions).
//
// Why not the generated client-node APIs: they turn objects into typed classes
// (dates become Date, unknown fields dropped), while watch events arrive as raw
// JSON. The runtime compares what is in its cache with what it wants to write, so
// every object it sees must have the same plain-JSON shape. One place for all
// requests also gives the write counter tests read ("a no-op reconcile makes zero
// writes").
import type { KubeConfig } from "@kubernetes/client-node";
import { request, type RequestOptions } from "node:https";
import { request as plainRequest } from "node:http";

export type HttpVerb = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export const ContentType = {
  json: "application/json",
  mergePatch: "application/merge-patch+json",
  jsonPatch: "application/json-patch+json",
  // Server-side apply takes YAML; JSON is YAML.
  apply: "application/apply-patch+yaml",
} as const;

export interface KubeRequest {
  verb: HttpVerb;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

export interface WriteRecord {
  verb: HttpVerb;
  path: string;
}

/** A non-2xx answer of the API server, with its Status reason and message. */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
    readonly verb: HttpVerb,
    readonly path: string,
  ) {
    super(`${verb} ${path}: ${statusCode} ${reason}: ${message}`);
    this.name = "KubeApiError";
  }
}

/**
 * A write refused (or cut off mid-flight) because this replica is not the leader:
 * a replica that lost its Lease must not write, even from a reconcile still running.
 */
export class FencedError extends Error {
  constructor(reason: string, verb: HttpVerb, path: string) {
    super(`${verb} ${path}: refused, writes are fenced (${reason})`);
    this.name = "FencedError";
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof KubeApiError && e.statusCode === 404;
}

export function isConflict(e: unknown): boolean {
  return e instanceof KubeApiError && e.statusCode === 409;
}

const MAX_WRITE_LOG = 1000;

export class KubeHttp {
  /** Every write (non-GET) sent, counted before it is sent. */
  writeCount = 0;
  /** The last writes (bounded), for tests and debugging. */
  readonly recentWrites: WriteRecord[] = [];

  private fencedBecause: string | undefined;
  private readonly writesInFlight = new Set<(err: Error) => void>();

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly defaultTimeoutMs = 30_000,
  ) {}

  /** Refuses every write from now on and cuts off those in flight (reads go on). */
  fence(reason: string): void {
    this.fencedBecause = reason;
    for (const cut of [...this.writesInFlight]) cut(new Error(reason));
  }

  unfence(): void {
    this.fencedBecause = undefined;
  }

  get fenced(): boolean {
    return this.fencedBecause !== undefined;
  }

  /** Writes whose path matches (e.g. everything but leases and events). */
  writesMatching(pred: (w: WriteRecord) => boolean): WriteRecord[] {
    return this.recentWrites.filter(pred);
  }

  async get<T>(path: string, query?: KubeRequest["query"]): Promise<T> {
    return this.send<T>({ verb: "GET", path, query });
  }

  async send<T>(req: KubeRequest): Promise<T> {
    const isWrite = req.verb !== "GET";
    if (isWrite && this.fencedBecause !== undefined) throw new FencedError(this.fencedBecause, req.verb, req.path);
    if (isWrite) {
      this.writeCount++;
      this.recentWrites.push({ verb: req.verb, path: req.path });
      if (this.recentWrites.length > MAX_WRITE_LOG) this.recentWrites.shift();
    }
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("the kube config has no current cluster");
    const url = new URL(cluster.server + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));

    const opts: RequestOptions = { method: req.verb, headers: { accept: "application/json" } };
    // Credentials are applied per request: in-cluster tokens are rotated on disk.
    await this.kubeConfig.applyToHTTPSOptions(opts);
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (payload !== undefined) {
      opts.headers = { ...opts.headers, "content-type": req.contentType ?? ContentType.json, "content-length": Buffer.byteLength(payload) };
    }
    const timeoutMs = req.timeoutMs ?? this.defaultTimeoutMs;
    const send = url.protocol === "http:" ? plainRequest : request;

    return new Promise<T>((resolve, reject) => {
      const r = send(url, { ...opts, timeout: timeoutMs }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          if (status >= 200 && status < 300) return resolve(parsed as T);
          const s = (parsed ?? {}) as { reason?: string; message?: string };
          reject(new KubeApiError(status, s.reason ?? "Unknown", s.message ?? text.slice(0, 500), req.verb, req.path));
        });
      });
      r.on("timeout", () => r.destroy(new Error(`${req.verb} ${req.path}: no answer in ${timeoutMs} ms`)));
      r.on("error", reject);
      if (isWrite) {
        const cut = (err: Error) => {
          reject(new FencedError(err.message, req.verb, req.path));
          r.destroy(err);
        };
        this.writesInFlight.add(cut);
        r.on("close", () => this.writesInFlight.delete(cut));
      }
      r.end(payload);
    });
  }
}
