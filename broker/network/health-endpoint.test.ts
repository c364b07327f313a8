import { afterEach, describe, expect, it } from "vitest";
import pino from "pino";
import { HealthEndpoint } from "./health-endpoint.js";
import type { Readiness } from "../roles/node-readiness.js";

const log = pino({ level: "silent" });

describe("HealthEndpoint", () => {
  let endpoint: HealthEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  async function start(state: { alive: boolean; readiness: Readiness }): Promise<string> {
    endpoint = await HealthEndpoint.start(0, { alive: () => state.alive, readiness: () => state.readiness }, log);
    return `http://127.0.0.1:${endpoint.port}`;
  }

  it("answers /healthz 200 while alive and 503 once shutting down", async () => {
    const state = { alive: true, readiness: { ready: true, reasons: [] } };
    const base = await start(state);
    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ alive: true });
    state.alive = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
  });

  it("answers /readyz from the readiness check, with the reasons as JSON", async () => {
    const state = { alive: true, readiness: { ready: false, reasons: ["the metadata quorum has no leader"] } as Readiness };
    const base = await start(state);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get("content-type")).toBe("application/json");
    expect(await notReady.json()).toEqual({ ready: false, reasons: ["the metadata quorum has no leader"] });
    state.readiness = { ready: true, reasons: [] };
    const ready = await fetch(`${base}/readyz?verbose`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, reasons: [] });
  });

  it("refuses other paths and methods", async () => {
    const base = await start({ alive: true, readiness: { ready: true, reasons: [] } });
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/readyz`, { method: "POST" })).status).toBe(405);
  });

  it("fails to start with the port's error when the port is taken", async () => {
    const base = await start({ alive: true, readiness: { ready: true, reasons: [] } });
    const port = Number(new URL(base).port);
    await expect(HealthEndpoint.start(port, { alive: () => true, readiness: () => ({ ready: true, reasons: [] }) }, log)).rejects.toThrow(/EADDRINUSE/);
  });
});
