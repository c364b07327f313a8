// A controller: watches that feed keys into a work queue, and N workers that
// hand each key to the reconciler (never one key to two workers at once).
// Success forgets the key's backoff; requeueAfter queues it again later; a thrown
// error retries it with backoff; a TerminalError stops retrying until the next
// event for that object.
import type { Logger } from "pino";
import { systemClock, type Clock, type Timer } from "./clock.js";
import type { KeyMapper } from "./event-mappers.js";
import { Informer } from "./informer.js";
import type { OperatorMetrics, ReconcileOutcome } from "./metrics.js";
import { parseKey } from "./object-key.js";
import { TerminalError, type ReconcileContext, type ReconcileRequest, type Reconciler } from "./reconciler.js";
import { WorkQueue, type WorkQueueOptions } from "./work-queue.js";

export interface ControllerOptions {
  /** Unique, used in logs and metric labels, e.g. "kafkacluster". */
  name: string;
  reconciler: Reconciler;
  /** Parallel workers; never two on one key. Default 1. */
  workers?: number;
  /** Backoff (baseDelayMs, maxDelayMs) and clock for the queue. */
  queue?: Omit<WorkQueueOptions, "observer">;
  clock?: Clock;
  /**
   * Queue every watched object again this often (controller-runtime's SyncPeriod):
   * a safety net for state outside Kubernetes that changes without an event (a topic
   * altered on the brokers). Off when absent; reconcilers that poll on purpose
   * return requeueAfterMs instead.
   */
  resyncPeriodMs?: number;
  log: Logger;
  metrics?: OperatorMetrics;
}

interface Watch {
  informer: Informer;
  mapper: KeyMapper;
}

export class Controller {
  readonly name: string;
  private readonly reconciler: Reconciler;
  private readonly workerCount: number;
  private readonly log: Logger;
  private readonly watches: Watch[] = [];
  private queue: WorkQueue | undefined;
  private workers: Promise<void>[] = [];
  private abort = new AbortController();
  private resyncTimer: Timer | undefined;

  constructor(private readonly opts: ControllerOptions) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(opts.name)) throw new Error(`controller name ${JSON.stringify(opts.name)}: use lowercase letters, digits and '-'`);
    this.name = opts.name;
    this.reconciler = opts.reconciler;
    this.workerCount = opts.workers ?? 1;
    if (!Number.isInteger(this.workerCount) || this.workerCount < 1) throw new Error(`controller ${opts.name}: workers must be a positive integer, got ${opts.workers}`);
    this.log = opts.log.child({ controller: opts.name });
    if (opts.resyncPeriodMs !== undefined && !(opts.resyncPeriodMs > 0)) throw new Error(`controller ${opts.name}: resyncPeriodMs must be > 0, got ${opts.resyncPeriodMs}`);
  }

  /**
   * Every add/update/delete of the informers' objects queues the keys the mapper
   * gives. Takes one informer or all of a kind (cache.informersFor: one per watched
   * namespace).
   */
  watch(informers: Informer | readonly Informer[], mapper: KeyMapper): this {
    const list: readonly Informer[] = informers instanceof Informer ? [informers] : informers;
    for (const informer of list) {
      const w = { informer, mapper };
      this.watches.push(w);
      informer.onEvent((_event, obj) => this.enqueue(w, obj));
    }
    return this;
  }

  get running(): boolean {
    return this.queue !== undefined && !this.queue.isShuttingDown();
  }

  /** The running queue (depth, backoff) for metrics and tests. */
  get workQueue(): WorkQueue | undefined {
    return this.queue;
  }

  /** Starts the workers and queues every object already in the watched caches. */
  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.queue = new WorkQueue({ clock: this.opts.clock, ...this.opts.queue, observer: this.opts.metrics?.queueObserver(this.name) });
    this.enqueueAll();
    this.scheduleResync();
    this.workers = Array.from({ length: this.workerCount }, (_, i) => this.runWorker(this.queue!, i));
    this.log.info({ workers: this.workerCount }, "controller started");
  }

  /** Stops handing out keys, aborts in-flight reconciles' signal, waits for them to return. */
  async stop(): Promise<void> {
    const q = this.queue;
    if (!q || q.isShuttingDown()) return;
    q.shutDown();
    this.resyncTimer?.cancel();
    this.resyncTimer = undefined;
    this.abort.abort(new Error(`controller ${this.name} stopped`));
    await Promise.all(this.workers);
    this.log.info("controller stopped");
  }

  /** Queues a key by hand (e.g. from a reconciler of another kind). */
  enqueueKey(key: string): void {
    parseKey(key);
    this.queue?.add(key);
  }

  private enqueueAll(): void {
    for (const w of this.watches) for (const obj of w.informer.list()) this.enqueue(w, obj);
  }

  private scheduleResync(): void {
    const period = this.opts.resyncPeriodMs;
    if (period === undefined) return;
    this.resyncTimer = (this.opts.clock ?? systemClock).setTimer(period, () => {
      if (!this.running) return;
      this.log.debug("periodic resync");
      this.enqueueAll();
      this.scheduleResync();
    });
  }

  private enqueue(w: Watch, obj: Parameters<KeyMapper>[0]): void {
    if (!this.queue) return;
    for (const key of w.mapper(obj)) this.queue.add(key);
  }

  private async runWorker(queue: WorkQueue, worker: number): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.processKey(queue, key, worker);
      } finally {
        queue.done(key);
      }
    }
  }

  private async processKey(queue: WorkQueue, key: string, worker: number): Promise<void> {
    const req: ReconcileRequest = { key, ...parseKey(key) };
    const log = this.log.child({ namespace: req.namespace || undefined, name: req.name, kind: req.kind });
    const ctx: ReconcileContext = { log, signal: this.abort.signal };
    const started = performance.now();
    let outcome: ReconcileOutcome;
    try {
      const result = await this.reconciler.reconcile(req, ctx);
      queue.forget(key);
      if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
        queue.addAfter(key, result.requeueAfterMs);
        outcome = "requeue_after";
      } else {
        outcome = "success";
      }
      log.debug({ worker, requeueAfterMs: result?.requeueAfterMs }, "reconciled");
    } catch (e) {
      if (e instanceof TerminalError) {
        outcome = "terminal_error";
        queue.forget(key);
        log.error({ err: e, reason: e.reason }, "reconcile failed with a terminal error; not retrying until the object changes");
        await this.surfaceTerminal(req, e, ctx);
      } else {
        outcome = "error";
        const delayMs = queue.addRateLimited(key);
        log.warn({ err: e, retryInMs: delayMs, failures: queue.backoff.failuresOf(key) }, "reconcile failed; retrying with backoff");
      }
    }
    this.opts.metrics?.recordReconcile(this.name, outcome, (performance.now() - started) / 1000);
  }

  private async surfaceTerminal(req: ReconcileRequest, err: TerminalError, ctx: ReconcileContext): Promise<void> {
    if (!this.reconciler.onTerminalError) return;
    try {
      await this.reconciler.onTerminalError(req, err, ctx);
    } catch (e) {
      ctx.log.error({ err: e }, "could not record the terminal error in status");
    }
  }
}
