// One list+watch of one kind (in one namespace, or cluster-wide) with its local
// cache, over @kubernetes/client-node's ListWatch.
//
// ListWatch relists by itself when the watch ends with 410 Gone (its diff
// against the cache emits the adds, updates and deletes that were missed); on any
// other error it stops and tells us. We then start it again after a backoff,
// from its last resourceVersion: if that is too old the server answers 410 and it
// relists. So no change is lost, only delayed.
import { ListWatch, Watch, type KubernetesListObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { systemClock, type Clock, type Timer } from "./clock.js";
import type { KubeHttp } from "./kube-http.js";
import { apiVersionOf, collectionPath, type KubeObject, type ResourceType } from "./resource-type.js";

export type InformerEvent = "add" | "update" | "delete";
export type InformerHandler = (event: InformerEvent, obj: KubeObject) => void;

export interface InformerOptions {
  type: ResourceType;
  /** Watch one namespace; all namespaces when absent (or for cluster-scoped kinds). */
  namespace?: string;
  labelSelector?: string;
  log: Logger;
  clock?: Clock;
  /** Restart delay after a watch or list error: doubles from min to max. */
  restartDelayMs?: { min: number; max: number };
}

export class Informer {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  private readonly lw: ListWatch<KubeObject>;
  private readonly handlers: InformerHandler[] = [];
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly restartDelay: { min: number; max: number };
  private nextRestartDelayMs: number;
  private restartTimer: Timer | undefined;
  private listedOnce = false;
  private synced = false;
  private stopped = true;
  private syncWaiters: (() => void)[] = [];
  /** Restarts after errors, for tests and logs. */
  restarts = 0;

  constructor(http: KubeHttp, opts: InformerOptions) {
    this.type = opts.type;
    this.namespace = opts.type.namespaced ? opts.namespace : undefined;
    this.log = opts.log.child({ informer: opts.type.kind, namespace: this.namespace ?? "*" });
    this.clock = opts.clock ?? systemClock;
    this.restartDelay = opts.restartDelayMs ?? { min: 500, max: 30_000 };
    this.nextRestartDelayMs = this.restartDelay.min;
    const path = collectionPath(opts.type, this.namespace);
    const apiVersion = apiVersionOf(opts.type);
    const kind = opts.type.kind;
    const listFn = async (): Promise<KubernetesListObject<KubeObject>> => {
      const list = await http.get<KubernetesListObject<KubeObject>>(path, { labelSelector: opts.labelSelector });
      // Items of a list carry no apiVersion/kind; watch events do. Keep one shape.
      list.items = list.items.map((i) => ({ ...i, apiVersion, kind }));
      this.listedOnce = true;
      this.nextRestartDelayMs = this.restartDelay.min;
      this.log.debug({ items: list.items.length, resourceVersion: list.metadata?.resourceVersion }, "listed");
      return list;
    };
    this.lw = new ListWatch<KubeObject>(path, new Watch(http.kubeConfig), listFn, false, opts.labelSelector);
    this.lw.on("add", (o) => this.dispatch("add", o));
    this.lw.on("update", (o) => this.dispatch("update", o));
    this.lw.on("delete", (o) => this.dispatch("delete", o));
    this.lw.on("error", (err) => this.onError(err));
  }

  /** Registers a handler for every later add/update/delete (replay existing objects with list()). */
  onEvent(handler: InformerHandler): void {
    this.handlers.push(handler);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.startListWatch();
  }

  /** Resolves once the first list has filled the cache. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.restartTimer?.cancel();
    this.restartTimer = undefined;
    await this.lw.stop();
  }

  get(name: string, namespace?: string): KubeObject | undefined {
    return this.lw.get(name, this.type.namespaced ? namespace : undefined);
  }

  list(namespace?: string): readonly KubeObject[] {
    return this.lw.list(this.type.namespaced ? namespace : undefined);
  }

  private async startListWatch(): Promise<void> {
    await this.lw.start();
    if (this.listedOnce && !this.synced && !this.stopped) {
      this.synced = true;
      this.log.info({ objects: this.lw.list().length }, "cache synced");
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private dispatch(event: InformerEvent, obj: KubeObject): void {
    for (const h of this.handlers) {
      try {
        h(event, obj);
      } catch (e) {
        this.log.error({ err: e, event, name: obj.metadata?.name }, "informer handler failed");
      }
    }
  }

  private onError(err: unknown): void {
    if (this.stopped) return;
    const delayMs = this.nextRestartDelayMs;
    this.nextRestartDelayMs = Math.min(delayMs * 2, this.restartDelay.max);
    this.log.warn({ err, delayMs }, "list/watch failed; restarting");
    this.restartTimer?.cancel();
    this.restartTimer = this.clock.setTimer(delayMs, () => {
      this.restartTimer = undefined;
      if (this.stopped) return;
      this.restarts++;
      this.startListWatch().catch((e: unknown) => this.onError(e));
    });
  }
}
