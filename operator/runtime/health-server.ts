// The probe and scrape endpoints: /healthz (the process serves), /readyz (caches
// synced and, on the leader, controllers started), /metrics (Prometheus text).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { OperatorMetrics } from "./metrics.js";

export interface Readiness {
  ready: boolean;
  /** What is not ready yet, for the probe's body and logs. */
  waitingFor: string[];
}

export interface HealthServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  readiness: () => Readiness;
  metrics: OperatorMetrics;
  log: Logger;
}

export class HealthServer {
  private server: Server | undefined;

  constructor(private readonly opts: HealthServerOptions) {}

  /** Listens; resolves with the bound port. */
  async start(): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      if (path === "/healthz" || path === "/livez") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      } else if (path === "/readyz") {
        const r = this.opts.readiness();
        res.writeHead(r.ready ? 200 : 503, { "content-type": "text/plain" }).end(r.ready ? "ok\n" : `not ready: ${r.waitingFor.join(", ")}\n`);
      } else if (path === "/metrics") {
        this.opts.metrics.registry.metrics().then(
          (text) => res.writeHead(200, { "content-type": this.opts.metrics.registry.contentType }).end(text),
          (e: unknown) => {
            this.opts.log.error({ err: e }, "metrics collection failed");
            res.writeHead(500).end();
          },
        );
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /healthz, /readyz or /metrics\n");
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host ?? "0.0.0.0", () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    this.opts.log.info({ port }, "health and metrics endpoints listening");
    return port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
