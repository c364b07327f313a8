// The operator's Prometheus metrics, named as controller-runtime names them so
// existing dashboards and alerts for Go operators fit: reconciles by result,
// errors, reconcile time, work-queue depth/adds/retries/latency, leader status.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { QueueObserver } from "./work-queue.js";

export type ReconcileOutcome = "success" | "requeue_after" | "error" | "terminal_error";

export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconcileTotal: Counter<"controller" | "result">;
  readonly reconcileErrors: Counter<"controller">;
  readonly terminalErrors: Counter<"controller">;
  readonly reconcileTime: Histogram<"controller">;
  readonly queueDepth: Gauge<"name">;
  readonly queueAdds: Counter<"name">;
  readonly queueRetries: Counter<"name">;
  readonly queueWait: Histogram<"name">;
  readonly queueWork: Histogram<"name">;
  readonly leaderStatus: Gauge<"name">;
  readonly kubeWrites: Gauge;
  /** Where millrace_operator_kube_writes is read from at scrape time (the manager's KubeHttp). */
  writeSource: (() => number) | undefined;

  constructor(opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    this.reconcileTotal = new Counter({ name: "controller_runtime_reconcile_total", help: "Reconciles by controller and result", labelNames: ["controller", "result"], registers });
    this.reconcileErrors = new Counter({ name: "controller_runtime_reconcile_errors_total", help: "Reconciles that failed (retried with backoff)", labelNames: ["controller"], registers });
    this.terminalErrors = new Counter({ name: "controller_runtime_terminal_reconcile_errors_total", help: "Reconciles that failed with a terminal error (not retried)", labelNames: ["controller"], registers });
    this.reconcileTime = new Histogram({ name: "controller_runtime_reconcile_time_seconds", help: "Time per reconcile", labelNames: ["controller"], buckets, registers });
    this.queueDepth = new Gauge({ name: "workqueue_depth", help: "Keys waiting in the work queue", labelNames: ["name"], registers });
    this.queueAdds = new Counter({ name: "workqueue_adds_total", help: "Keys added to the work queue", labelNames: ["name"], registers });
    this.queueRetries = new Counter({ name: "workqueue_retries_total", help: "Keys queued again after a failure", labelNames: ["name"], registers });
    this.queueWait = new Histogram({ name: "workqueue_queue_duration_seconds", help: "Time a key waits in the queue before a worker takes it", labelNames: ["name"], buckets, registers });
    this.queueWork = new Histogram({ name: "workqueue_work_duration_seconds", help: "Time a worker holds a key", labelNames: ["name"], buckets, registers });
    this.leaderStatus = new Gauge({ name: "leader_election_master_status", help: "1 while this replica holds the lease", labelNames: ["name"], registers });
    const metrics = this;
    this.kubeWrites = new Gauge({
      name: "millrace_operator_kube_writes",
      help: "Writes the controllers sent to the Kubernetes API since start (a steady state adds none)",
      registers,
      collect() {
        if (metrics.writeSource) this.set(metrics.writeSource());
      },
    });
  }

  queueObserver(name: string): QueueObserver {
    return {
      added: () => this.queueAdds.inc({ name }),
      retried: () => this.queueRetries.inc({ name }),
      depth: (d) => this.queueDepth.set({ name }, d),
      waited: (s) => this.queueWait.observe({ name }, s),
      worked: (s) => this.queueWork.observe({ name }, s),
    };
  }

  recordReconcile(controller: string, outcome: ReconcileOutcome, seconds: number): void {
    this.reconcileTotal.inc({ controller, result: outcome });
    this.reconcileTime.observe({ controller }, seconds);
    if (outcome === "error") this.reconcileErrors.inc({ controller });
    if (outcome === "terminal_error") this.terminalErrors.inc({ controller });
  }
}
