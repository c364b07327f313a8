// The operator process's runtime (controller-runtime's Manager): one KubeHttp,
// one informer cache, the shared writers (apply, status, events), the registered
// controllers, leader election and the health server.
//
// Caches run on every replica (a standby that becomes leader starts with warm
// caches); controllers run only on the leader, and stop as soon as it loses the
// Lease.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { Applier } from "./apply.js";
import { Controller, type ControllerOptions } from "./controller.js";
import { EventRecorder } from "./events.js";
import { HealthServer, type Readiness } from "./health-server.js";
import { InformerCache } from "./informer-cache.js";
import { KubeHttp } from "./kube-http.js";
import { LeaderElector, type LeaderElectionConfig } from "./leader-election.js";
import { OperatorMetrics } from "./metrics.js";
import { StatusWriter } from "./status-writer.js";

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  log: Logger;
  /** This replica's name (pod name): lease holder and event reporter. */
  identity: string;
  /** Watch only these namespaces; all when absent. */
  namespaces?: string[];
  /** Off (undefined): this process runs the controllers unconditionally. */
  leaderElection?: Omit<LeaderElectionConfig, "identity">;
  /** Off (undefined): no HTTP endpoints. port 0 picks a free one. */
  health?: { port: number; host?: string };
  /** Default: a new registry with process metrics. */
  metrics?: OperatorMetrics;
}

/** Builds a controller from the manager's shared parts; reconcilers register one each. */
export type ControllerFactory = (m: Manager) => Controller;

export class Manager {
  readonly http: KubeHttp;
  readonly cache: InformerCache;
  readonly metrics: OperatorMetrics;
  readonly applier: Applier;
  readonly status: StatusWriter;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly identity: string;
  private readonly controllers: Controller[] = [];
  private readonly elector: LeaderElector | undefined;
  private readonly health: HealthServer | undefined;
  private controllersRunning = false;
  private started = false;
  /** The health server's port once started. */
  healthPort: number | undefined;

  constructor(opts: ManagerOptions) {
    this.log = opts.log;
    this.identity = opts.identity;
    // Controllers write through http; the elector through its own, so a replica that
    // loses the Lease can fence (refuse and cut off) every controller write at once.
    this.http = new KubeHttp(opts.kubeConfig);
    this.metrics = opts.metrics ?? new OperatorMetrics();
    this.metrics.writeSource = () => this.http.writeCount;
    this.cache = new InformerCache(this.http, { namespaces: opts.namespaces, log: opts.log });
    this.applier = new Applier(this.http, opts.log);
    this.status = new StatusWriter(this.http, opts.log);
    this.events = new EventRecorder(this.http, { controller: "millrace.dev/operator", instance: opts.identity, log: opts.log });
    const leName = opts.leaderElection?.name ?? "";
    if (opts.leaderElection) {
      this.http.fence("not the leader");
      this.elector = new LeaderElector(
        new KubeHttp(opts.kubeConfig),
        { ...opts.leaderElection, identity: opts.identity },
        {
          onStartedLeading: () => {
            this.metrics.leaderStatus.set({ name: leName }, 1);
            this.http.unfence();
            this.startControllers();
          },
          onStoppedLeading: async () => {
            this.metrics.leaderStatus.set({ name: leName }, 0);
            // First: no write of a reconcile still running may land after this.
            this.http.fence("leadership lost");
            await this.stopControllers();
          },
          onNewLeader: (leader) => this.log.info({ leader }, "leader observed"),
        },
        opts.log,
      );
      this.metrics.leaderStatus.set({ name: leName }, 0);
    }
    if (opts.health) {
      this.health = new HealthServer({ ...opts.health, readiness: () => this.readiness(), metrics: this.metrics, log: opts.log });
    }
  }

  /** A controller with the manager's logger and metrics. */
  newController(opts: Omit<ControllerOptions, "log" | "metrics">): Controller {
    return new Controller({ ...opts, log: this.log, metrics: this.metrics });
  }

  register(controller: Controller | ControllerFactory): Controller {
    const c = typeof controller === "function" ? controller(this) : controller;
    if (this.controllers.some((x) => x.name === c.name)) throw new Error(`a controller named ${c.name} is already registered`);
    if (this.started) throw new Error(`controller ${c.name}: register controllers before Manager.start()`);
    this.controllers.push(c);
    return c;
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : this.controllersRunning;
  }

  readiness(): Readiness {
    const waitingFor: string[] = [];
    if (!this.cache.hasSynced) waitingFor.push("informer caches to sync");
    if (this.elector?.isLeader && !this.controllersRunning) waitingFor.push("controllers to start");
    return { ready: waitingFor.length === 0, waitingFor };
  }

  /** Health server, caches (waits for their first sync), then leader election or controllers. */
  async start(): Promise<void> {
    if (this.started) throw new Error("Manager.start() called twice");
    this.started = true;
    if (this.health) this.healthPort = await this.health.start();
    await this.cache.start();
    await this.cache.waitForSync();
    this.log.info({ controllers: this.controllers.map((c) => c.name) }, "caches synced");
    if (this.elector) this.elector.start();
    else this.startControllers();
  }

  /** Graceful: controllers stop (in-flight reconciles finish), the Lease is released, caches and endpoints close. */
  async stop(): Promise<void> {
    if (this.elector) await this.elector.stop({ release: true });
    await this.stopControllers();
    await this.cache.stop();
    await this.health?.stop();
    this.log.info("manager stopped");
  }

  private startControllers(): void {
    for (const c of this.controllers) c.start();
    this.controllersRunning = true;
  }

  private async stopControllers(): Promise<void> {
    if (!this.controllersRunning) return;
    this.controllersRunning = false;
    await Promise.all(this.controllers.map((c) => c.stop()));
  }
}
