import { KubeConfig } from "@kubernetes/client-node";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "./clock.js";
import { EventRecorder } from "./events.js";
import { KubeHttp } from "./kube-http.js";
import type { KubeObject } from "./resource-type.js";

interface Seen {
  method: string;
  url: string;
  body: Record<string, unknown>;
}

let server: Server | undefined;

// A stand-in API server: eventsServed=false answers events.k8s.io with 404 as a server without that API would.
async function fakeApi(eventsServed: boolean): Promise<{ http: KubeHttp; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, body: text ? JSON.parse(text) : {} });
      if (!eventsServed && req.url!.startsWith("/apis/events.k8s.io/")) {
        return res.writeHead(404, { "content-type": "application/json" }).end('{"kind":"Status","reason":"NotFound","message":"the server could not find the requested resource"}');
      }
      res.writeHead(201, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return { http: new KubeHttp(kc), seen };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const topic: KubeObject = { apiVersion: "kafka.millrace.dev/v1alpha1", kind: "KafkaTopic", metadata: { name: "orders", namespace: "apps", uid: "uid-1" } };
const event = { type: "Warning" as const, reason: "BrokerUnreachable", action: "Connect", note: "broker 0 refused" };

describe("EventRecorder", () => {
  it("creates one events.k8s.io Event, then counts repeats in its series; a different note is a new Event", async () => {
    const { http, seen } = await fakeApi(true);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const rec = new EventRecorder(http, { controller: "millrace.dev/operator", instance: "op-0", log: pino({ level: "silent" }), clock });
    await rec.record(topic, event);
    clock.advance(1500);
    await rec.record(topic, event);
    await rec.record(topic, event);
    await rec.record(topic, { ...event, note: "broker 1 refused" });
    expect(seen.map((s) => s.method)).toEqual(["POST", "PATCH", "PATCH", "POST"]);
    expect(seen[0]!.body).toMatchObject({
      eventTime: "2026-01-01T00:00:00.000000Z",
      reportingController: "millrace.dev/operator",
      reportingInstance: "op-0",
      regarding: { kind: "KafkaTopic", name: "orders", namespace: "apps", uid: "uid-1" },
      ...event,
    });
    const name = (seen[0]!.body.metadata as { name: string }).name;
    expect(seen[2]!.url).toBe(`/apis/events.k8s.io/v1/namespaces/apps/events/${name}`);
    expect(seen[2]!.body).toEqual({ series: { count: 3, lastObservedTime: "2026-01-01T00:00:01.500000Z" } });
  });

  it("falls back to core/v1 Events when events.k8s.io is not served, with count and lastTimestamp", async () => {
    const { http, seen } = await fakeApi(false);
    const rec = new EventRecorder(http, { controller: "millrace.dev/operator", instance: "op-0", log: pino({ level: "silent" }) });
    await rec.record(topic, event);
    await rec.record(topic, event);
    expect(seen.map((s) => `${s.method} ${s.url.replace(/\/events(\/[^/]*)?$/, "")}`)).toEqual([
      "POST /apis/events.k8s.io/v1/namespaces/apps",
      "POST /api/v1/namespaces/apps",
      "PATCH /api/v1/namespaces/apps",
    ]);
    expect(seen[1]!.body).toMatchObject({ involvedObject: { name: "orders", uid: "uid-1" }, reason: "BrokerUnreachable", message: "broker 0 refused", count: 1 });
    expect(seen[2]!.body).toMatchObject({ count: 2 });
  });

  it("never throws: a refused event is a log line", async () => {
    const { http } = await fakeApi(true);
    http.fence("not the leader");
    const rec = new EventRecorder(http, { controller: "c", instance: "i", log: pino({ level: "silent" }) });
    await expect(rec.record(topic, event)).resolves.toBeUndefined();
  });
});
