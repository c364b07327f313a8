import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.js";
import { Controller } from "./controller.js";
import { keyForObject } from "./event-mappers.js";
import { Informer } from "./informer.js";
import { OperatorMetrics } from "./metrics.js";
import { TerminalError, type ReconcileRequest, type Reconciler } from "./reconciler.js";

const log = pino({ level: "silent" });

// Resolves when cond() holds (bounded): the controller's workers run on the event loop.
async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("Controller", () => {
  it("never runs two workers on one key, and reconciles again once for events during a reconcile", async () => {
    const gate = deferred();
    const calls: string[] = [];
    let inFlight = 0;
    let maxInFlightSameKey = 0;
    const reconciler: Reconciler = {
      async reconcile(req) {
        calls.push(req.key);
        if (req.name === "a") {
          inFlight++;
          maxInFlightSameKey = Math.max(maxInFlightSameKey, inFlight);
          if (calls.length === 1) await gate.promise;
          inFlight--;
        }
      },
    };
    const c = new Controller({ name: "demo", reconciler, workers: 4, log });
    c.start();
    c.enqueueKey("Demo/ns/a");
    await until(() => calls.length === 1, "first reconcile");
    c.enqueueKey("Demo/ns/a");
    c.enqueueKey("Demo/ns/a");
    c.enqueueKey("Demo/ns/b");
    await until(() => calls.includes("Demo/ns/b"), "b, on another worker");
    expect(calls.filter((k) => k === "Demo/ns/a")).toHaveLength(1);
    gate.resolve();
    await until(() => calls.filter((k) => k === "Demo/ns/a").length === 2, "a again");
    await c.stop();
    expect(calls.filter((k) => k === "Demo/ns/a")).toHaveLength(2);
    expect(maxInFlightSameKey).toBe(1);
  });

  it("retries a failing key with backoff, forgets it on success, and passes the parsed key", async () => {
    const clock = new ManualClock();
    const seen: ReconcileRequest[] = [];
    let failuresLeft = 3;
    const metrics = new OperatorMetrics({ processMetrics: false });
    const c = new Controller({
      name: "demo",
      log,
      clock,
      metrics,
      reconciler: {
        async reconcile(req) {
          seen.push(req);
          if (failuresLeft-- > 0) throw new Error("broker unreachable");
        },
      },
    });
    c.start();
    c.enqueueKey("Demo/ns/a");
    await until(() => seen.length === 1, "first try");
    await until(() => c.workQueue!.delayedCount === 1, "backoff scheduled");
    clock.advance(4);
    expect(c.workQueue!.delayedCount).toBe(1);
    clock.advance(1); // 5 ms
    await until(() => seen.length === 2, "second try");
    await until(() => c.workQueue!.delayedCount === 1, "second backoff");
    clock.advance(10);
    await until(() => seen.length === 3, "third try");
    await until(() => c.workQueue!.delayedCount === 1, "third backoff");
    clock.advance(20);
    await until(() => seen.length === 4, "fourth try (succeeds)");
    await until(() => c.workQueue!.backoff.failuresOf("Demo/ns/a") === 0, "forgotten");
    expect(seen[0]).toEqual({ key: "Demo/ns/a", kind: "Demo", namespace: "ns", name: "a" });
    await c.stop();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="demo",result="error"\} 3/);
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="demo",result="success"\} 1/);
    expect(text).toMatch(/workqueue_retries_total\{name="demo"\} 3/);
  });

  it("requeues after requeueAfterMs without backoff", async () => {
    const clock = new ManualClock();
    let n = 0;
    const c = new Controller({ name: "demo", log, clock, reconciler: { reconcile: async () => (++n === 1 ? { requeueAfterMs: 30_000 } : undefined) } });
    c.start();
    c.enqueueKey("Demo/ns/a");
    await until(() => n === 1 && c.workQueue!.delayedCount === 1, "first reconcile");
    clock.advance(29_999);
    await new Promise((r) => setTimeout(r, 5));
    expect(n).toBe(1);
    clock.advance(1);
    await until(() => n === 2, "requeued reconcile");
    expect(c.workQueue!.backoff.failuresOf("Demo/ns/a")).toBe(0);
    await c.stop();
  });

  it("stops retrying on a TerminalError and hands it to onTerminalError", async () => {
    const clock = new ManualClock();
    let n = 0;
    const surfaced: string[] = [];
    const c = new Controller({
      name: "demo",
      log,
      clock,
      reconciler: {
        async reconcile() {
          n++;
          throw new TerminalError("InvalidSpec", "replicas must be >= 1");
        },
        async onTerminalError(req, err) {
          surfaced.push(`${req.name}:${err.reason}:${err.message}`);
        },
      },
    });
    c.start();
    c.enqueueKey("Demo/ns/a");
    await until(() => surfaced.length === 1, "terminal error surfaced");
    expect(surfaced).toEqual(["a:InvalidSpec:replicas must be >= 1"]);
    expect(c.workQueue!.delayedCount).toBe(0);
    clock.advance(10_000_000);
    await new Promise((r) => setTimeout(r, 5));
    expect(n).toBe(1);
    await c.stop();
  });

  it("aborts the reconcile signal on stop and waits for the in-flight reconcile", async () => {
    let aborted = false;
    let finished = false;
    let started = false;
    const c = new Controller({
      name: "demo",
      log,
      reconciler: {
        async reconcile(_req, ctx) {
          started = true;
          await new Promise<void>((r) => ctx.signal.addEventListener("abort", () => r()));
          aborted = ctx.signal.aborted;
          finished = true;
        },
      },
    });
    c.start();
    c.enqueueKey("Demo/ns/a");
    await until(() => started, "reconcile started");
    await c.stop();
    expect({ aborted, finished }).toEqual({ aborted: true, finished: true });
  });

  it("queues every watched object again each resync period", async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    const objects = [{ metadata: { name: "a", namespace: "ns" } }, { metadata: { name: "b", namespace: "ns" } }];
    // A stand-in informer: what the controller uses of one (list and onEvent).
    const informer = Object.assign(Object.create(Informer.prototype) as Informer, { list: () => objects, onEvent: () => undefined });
    const c = new Controller({ name: "demo", log, clock, resyncPeriodMs: 60_000, reconciler: { reconcile: async (req) => void seen.push(req.name) } });
    c.watch(informer, keyForObject({ group: "", version: "v1", kind: "Demo", plural: "demos", namespaced: true }));
    c.start();
    await until(() => seen.length === 2, "the initial pass over the cache");
    clock.advance(59_999);
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toHaveLength(2);
    clock.advance(1);
    await until(() => seen.length === 4, "the first resync");
    clock.advance(60_000);
    await until(() => seen.length === 6, "the second resync");
    await c.stop();
    expect(clock.pendingTimers()).toBe(0);
    expect(() => new Controller({ name: "x", log, resyncPeriodMs: 0, reconciler: { reconcile: async () => undefined } })).toThrow(/resyncPeriodMs/);
  });

  it("refuses bad names, worker counts and keys", () => {
    const reconciler = { reconcile: async () => undefined };
    expect(() => new Controller({ name: "Bad Name", reconciler, log })).toThrow(/controller name/);
    expect(() => new Controller({ name: "ok", reconciler, log, workers: 0 })).toThrow(/workers/);
    const c = new Controller({ name: "ok", reconciler, log });
    expect(() => c.enqueueKey("no-slashes")).toThrow(/bad object key/);
  });
});
