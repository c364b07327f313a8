// The operator's local view of the cluster: one Informer per kind (per watched
// namespace when the operator is namespace-scoped). Reconcilers read through it —
// get/list answer from memory, never with an API call — and write through the API.
import type { Logger } from "pino";
import type { Clock } from "./clock.js";
import { Informer } from "./informer.js";
import type { KubeHttp } from "./kube-http.js";
import { apiVersionOf, type KubeObject, type ResourceType } from "./resource-type.js";

export interface InformerCacheOptions {
  /** Namespaces to watch; every namespace when absent (cluster-wide). */
  namespaces?: string[];
  log: Logger;
  clock?: Clock;
}

export class InformerCache {
  private readonly informers = new Map<string, Informer[]>();
  private started = false;

  constructor(
    private readonly http: KubeHttp,
    private readonly opts: InformerCacheOptions,
  ) {
    if (opts.namespaces && opts.namespaces.length === 0) throw new Error("InformerCache: namespaces is empty (omit it to watch all namespaces)");
  }

  /** The informers of a kind, made on first use (and started at once if the cache runs). */
  informersFor(type: ResourceType): Informer[] {
    const id = typeId(type);
    let list = this.informers.get(id);
    if (list) return list;
    const namespaces = type.namespaced && this.opts.namespaces ? this.opts.namespaces : [undefined];
    list = namespaces.map((namespace) => new Informer(this.http, { type, namespace, log: this.opts.log, clock: this.opts.clock }));
    this.informers.set(id, list);
    if (this.started) for (const i of list) void i.start();
    return list;
  }

  get<T extends KubeObject = KubeObject>(type: ResourceType, namespace: string | undefined, name: string): T | undefined {
    for (const i of this.informed(type)) {
      if (i.namespace !== undefined && i.namespace !== namespace) continue;
      const o = i.get(name, namespace);
      if (o) return o as T;
    }
    return undefined;
  }

  list<T extends KubeObject = KubeObject>(type: ResourceType, namespace?: string): T[] {
    const out: T[] = [];
    for (const i of this.informed(type)) {
      if (namespace !== undefined && i.namespace !== undefined && i.namespace !== namespace) continue;
      out.push(...(i.list(namespace) as T[]));
    }
    return out;
  }

  async start(): Promise<void> {
    this.started = true;
    await Promise.all(this.all().map((i) => i.start()));
  }

  get hasSynced(): boolean {
    return this.started && this.all().every((i) => i.hasSynced);
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.all().map((i) => i.waitForSync()));
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.all().map((i) => i.stop()));
  }

  private all(): Informer[] {
    return [...this.informers.values()].flat();
  }

  private informed(type: ResourceType): Informer[] {
    const list = this.informers.get(typeId(type));
    // Reading a kind nobody watches would silently answer "absent": refuse instead.
    if (!list) throw new Error(`no informer for ${apiVersionOf(type)} ${type.kind}: watch it (cache.informersFor) before reading it`);
    return list;
  }
}

function typeId(t: ResourceType): string {
  return `${apiVersionOf(t)}/${t.kind}`;
}
