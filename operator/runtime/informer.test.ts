import { KubeConfig } from "@kubernetes/client-node";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Informer } from "./informer.js";
import { KubeHttp } from "./kube-http.js";
import { BuiltinTypes } from "./resource-type.js";

let server: Server | undefined;
const cm = (name: string, rv: string) => ({ metadata: { name, namespace: "ns", resourceVersion: rv } });

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("Informer", () => {
  it("relists when the watch says 410 Gone, emitting what changed meanwhile", async () => {
    // The stand-in API server: the first list has a and b; the first watch answers
    // 410 (its resourceVersion is too old); the second list has b and c; later
    // watches stay open and quiet.
    let lists = 0;
    let watches = 0;
    const open: ServerResponse[] = [];
    server = createServer((req, res) => {
      const url = new URL(req.url!, "http://x");
      res.writeHead(200, { "content-type": "application/json" });
      if (url.searchParams.get("watch") !== "true") {
        lists++;
        const items = lists === 1 ? [cm("a", "1"), cm("b", "2")] : [cm("b", "2"), cm("c", "7")];
        return res.end(JSON.stringify({ kind: "ConfigMapList", metadata: { resourceVersion: lists === 1 ? "2" : "7" }, items }));
      }
      watches++;
      if (watches === 1) {
        return res.end(JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", message: "too old resource version" } }) + "\n");
      }
      open.push(res);
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
    const informer = new Informer(new KubeHttp(kc), { type: BuiltinTypes.ConfigMap, namespace: "ns", log: pino({ level: "silent" }) });
    const seen: string[] = [];
    informer.onEvent((e, o) => seen.push(`${e}:${o.metadata?.name}`));
    try {
      await informer.start();
      await informer.waitForSync();
      await waitFor(() => lists === 2 && watches >= 2, "the relist and a new watch");
      expect(seen).toEqual(["add:a", "add:b", "delete:a", "add:c"]);
      expect(informer.list().map((o) => o.metadata?.name).sort()).toEqual(["b", "c"]);
      // Items of a list get the apiVersion/kind that lists leave out.
      expect(informer.get("c", "ns")).toMatchObject({ apiVersion: "v1", kind: "ConfigMap" });
      expect(informer.restarts).toBe(0); // 410 is not an error: no backoff
    } finally {
      await informer.stop();
      for (const r of open) r.end();
    }
  });
});
