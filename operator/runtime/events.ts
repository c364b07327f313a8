// Kubernetes Events about the objects the operator manages (events.k8s.io/v1;
// core/v1 when that API is not served). A repeat of the same event (same object,
// type, reason, action and note) within the aggregation window updates one Event
// — its series count and last time — instead of creating a new object each time,
// as client-go's event recorder does. Recording never throws: an event is worth a
// log line, not a failed reconcile.
import type { Logger } from "pino";
import { randomBytes } from "node:crypto";
import { systemClock, type Clock } from "./clock.js";
import { isNotFound, ContentType, type KubeHttp } from "./kube-http.js";
import { formatMicroTime, formatTime } from "./kube-time.js";
import type { KubeObject } from "./resource-type.js";

export type EventType = "Normal" | "Warning";

export interface EventInput {
  type: EventType;
  /** CamelCase, e.g. "TopicCreated". */
  reason: string;
  /** CamelCase verb of what was done or failed, e.g. "Create". */
  action: string;
  /** For humans; cut at 1 KiB as the API requires. */
  note: string;
}

export interface EventRecorderOptions {
  /** e.g. "millrace.dev/operator" */
  controller: string;
  /** This replica, e.g. the pod name. */
  instance: string;
  log: Logger;
  clock?: Clock;
  /** Repeats within this window update one Event. Default 30 min. */
  aggregationWindowMs?: number;
}

interface Recorded {
  api: "events.k8s.io" | "core";
  name: string;
  namespace: string;
  count: number;
  firstMs: number;
}

const MAX_NOTE = 1024;

export class EventRecorder {
  private readonly recent = new Map<string, Recorded>();
  private coreOnly = false;
  private readonly clock: Clock;
  private readonly windowMs: number;

  constructor(
    private readonly http: KubeHttp,
    private readonly opts: EventRecorderOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.windowMs = opts.aggregationWindowMs ?? 30 * 60_000;
  }

  async record(regarding: KubeObject, e: EventInput): Promise<void> {
    const uid = regarding.metadata?.uid ?? `${regarding.kind}/${regarding.metadata?.namespace}/${regarding.metadata?.name}`;
    const key = [uid, e.type, e.reason, e.action, e.note].join("\u0000");
    const now = this.clock.now();
    this.expire(now);
    try {
      const seen = this.recent.get(key);
      if (seen) {
        seen.count++;
        if (await this.updateSeries(seen, now)) return;
        this.recent.delete(key);
      }
      this.recent.set(key, await this.create(regarding, e, now));
    } catch (err) {
      this.opts.log.warn({ err, reason: e.reason, kind: regarding.kind, name: regarding.metadata?.name }, "could not record an event");
    }
  }

  private async create(regarding: KubeObject, e: EventInput, now: number): Promise<Recorded> {
    const namespace = regarding.metadata?.namespace || "default";
    const name = `${regarding.metadata?.name ?? "object"}.${now.toString(16)}${randomBytes(3).toString("hex")}`;
    const note = e.note.length > MAX_NOTE ? `${e.note.slice(0, MAX_NOTE - 3)}...` : e.note;
    const ref = {
      apiVersion: regarding.apiVersion,
      kind: regarding.kind,
      name: regarding.metadata?.name,
      namespace: regarding.metadata?.namespace,
      uid: regarding.metadata?.uid,
    };
    if (!this.coreOnly) {
      try {
        await this.http.send({
          verb: "POST",
          path: `/apis/events.k8s.io/v1/namespaces/${namespace}/events`,
          body: {
            apiVersion: "events.k8s.io/v1",
            kind: "Event",
            metadata: { name, namespace },
            eventTime: formatMicroTime(now),
            reportingController: this.opts.controller,
            reportingInstance: this.opts.instance,
            action: e.action,
            reason: e.reason,
            note,
            type: e.type,
            regarding: ref,
          },
        });
        return { api: "events.k8s.io", name, namespace, count: 1, firstMs: now };
      } catch (err) {
        // Only an API server without events.k8s.io/v1 sends us to core/v1.
        if (!isNotFound(err) || !/events\.k8s\.io|the server could not find the requested resource/i.test(String(err))) throw err;
        this.opts.log.info("events.k8s.io/v1 not served; recording core/v1 Events");
        this.coreOnly = true;
      }
    }
    await this.http.send({
      verb: "POST",
      path: `/api/v1/namespaces/${namespace}/events`,
      body: {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace },
        involvedObject: ref,
        reason: e.reason,
        message: note,
        type: e.type,
        action: e.action,
        count: 1,
        firstTimestamp: formatTime(now),
        lastTimestamp: formatTime(now),
        source: { component: this.opts.controller },
        reportingComponent: this.opts.controller,
        reportingInstance: this.opts.instance,
      },
    });
    return { api: "core", name, namespace, count: 1, firstMs: now };
  }

  /** false when the Event is gone (expired on the server): the caller creates a new one. */
  private async updateSeries(r: Recorded, now: number): Promise<boolean> {
    const path = r.api === "core" ? `/api/v1/namespaces/${r.namespace}/events/${r.name}` : `/apis/events.k8s.io/v1/namespaces/${r.namespace}/events/${r.name}`;
    const body = r.api === "core" ? { count: r.count, lastTimestamp: formatTime(now) } : { series: { count: r.count, lastObservedTime: formatMicroTime(now) } };
    try {
      await this.http.send({ verb: "PATCH", path, body, contentType: ContentType.mergePatch });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private expire(now: number): void {
    for (const [k, r] of this.recent) if (now - r.firstMs > this.windowMs) this.recent.delete(k);
  }
}
