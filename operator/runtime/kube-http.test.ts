import { KubeConfig } from "@kubernetes/client-node";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FencedError, KubeApiError, KubeHttp, isNotFound } from "./kube-http.js";

let server: Server | undefined;

// A stand-in API server on plain HTTP (client-node allows http: with skipTLSVerify).
async function fakeApi(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<KubeHttp> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return new KubeHttp(kc);
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe("KubeHttp", () => {
  it("sends JSON with the content type asked, counts writes, not reads", async () => {
    const seen: string[] = [];
    const http = await fakeApi((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${req.headers["content-type"] ?? "-"} ${body}`);
        res.writeHead(200, { "content-type": "application/json" }).end('{"kind":"ConfigMap"}');
      });
    });
    expect(await http.get("/api/v1/namespaces/a/configmaps/x")).toEqual({ kind: "ConfigMap" });
    await http.send({ verb: "PATCH", path: "/api/v1/namespaces/a/configmaps/x", query: { fieldManager: "m", force: true }, body: { a: 1 }, contentType: "application/apply-patch+yaml" });
    expect(seen).toEqual(["GET /api/v1/namespaces/a/configmaps/x - ", 'PATCH /api/v1/namespaces/a/configmaps/x?fieldManager=m&force=true application/apply-patch+yaml {"a":1}']);
    expect(http.writeCount).toBe(1);
    expect(http.recentWrites).toEqual([{ verb: "PATCH", path: "/api/v1/namespaces/a/configmaps/x" }]);
  });

  it("turns a Status answer into a KubeApiError with code, reason and message", async () => {
    const http = await fakeApi((_req, res) =>
      res.writeHead(404, { "content-type": "application/json" }).end('{"kind":"Status","reason":"NotFound","message":"configmaps \\"x\\" not found"}'),
    );
    const err = await http.get("/api/v1/namespaces/a/configmaps/x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(isNotFound(err)).toBe(true);
    expect(String(err)).toMatch(/GET \/api\/v1\/namespaces\/a\/configmaps\/x: 404 NotFound: configmaps "x" not found/);
  });

  it("fencing cuts off writes in flight and refuses new ones; reads go on; unfence allows writes again", async () => {
    let arrived!: () => void;
    const writeArrived = new Promise<void>((r) => (arrived = r));
    const http = await fakeApi((req, res) => {
      if (req.method === "GET") return res.writeHead(200, { "content-type": "application/json" }).end("{}");
      if (req.url?.includes("hang")) return arrived(); // never answers
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const hanging = http.send({ verb: "PUT", path: "/hang", body: {} });
    await writeArrived;
    http.fence("leadership lost");
    await expect(hanging).rejects.toBeInstanceOf(FencedError);
    await expect(http.send({ verb: "POST", path: "/x", body: {} })).rejects.toThrow(/refused, writes are fenced \(leadership lost\)/);
    expect(await http.get("/read")).toEqual({});
    http.unfence();
    expect(await http.send({ verb: "POST", path: "/x", body: {} })).toEqual({});
  });
});
