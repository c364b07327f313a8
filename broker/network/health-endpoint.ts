// The plain-HTTP health endpoint for orchestrators' probes (millrace.health.port):
// GET /healthz — 200 while the process is not shutting down (a liveness probe);
// GET /readyz  — 200 when the node serves, else 503 with {"ready":false,"reasons":[...]} (a
// readiness probe; roles/node-readiness.ts decides). It listens on all interfaces — a kubelet
// probes the Pod's IP — and carries no data, so it needs neither TLS nor authentication.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Readiness } from "../roles/node-readiness.js";

export interface HealthChecks {
  /** False once shutdown has begun. */
  alive(): boolean;
  readiness(): Readiness;
}

export class HealthEndpoint {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Binds `port` (0 picks a free one, for tests) and serves the checks. */
  static async start(port: number, checks: HealthChecks, log: Logger): Promise<HealthEndpoint> {
    const server = createServer((req, res) => answer(req, res, checks));
    // Probes come every few seconds and answer at once: no reason to keep idle connections open.
    server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const bound = (server.address() as AddressInfo).port;
    log.info({ port: bound }, "health endpoint listening");
    return new HealthEndpoint(server, bound);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function answer(req: IncomingMessage, res: ServerResponse, checks: HealthChecks): void {
  const path = (req.url ?? "").split("?")[0];
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { error: `method ${req.method} not allowed` });
  if (path === "/healthz") {
    return checks.alive() ? send(res, 200, { alive: true }) : send(res, 503, { alive: false, reasons: ["the node is shutting down"] });
  }
  if (path === "/readyz") {
    const readiness = checks.readiness();
    return send(res, readiness.ready ? 200 : 503, { ready: readiness.ready, reasons: readiness.reasons });
  }
  send(res, 404, { error: `no such path ${path}; try /healthz or /readyz` });
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
