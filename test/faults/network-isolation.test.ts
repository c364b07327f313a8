// The fault suite's network isolation on its own: an isolated process can neither reach others
// nor be reached (connections time out), its neighbours are untouched, and heal() restores it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, connect, type AddressInfo, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkIsolation } from "./network-isolation.js";

/** Resolves true if a TCP connection to `port` opens within `ms`. */
function reachable(port: number, ms = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function listen(): Promise<Server> {
  const server = createServer((s) => s.end());
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

describe.runIf(NetworkIsolation.available())("network isolation (iptables + cgroup v2)", () => {
  let isolation: NetworkIsolation;
  beforeAll(() => {
    isolation = NetworkIsolation.open();
  });
  afterAll(() => isolation.close());

  it("cuts a process off in both directions until healed", async () => {
    const outside = await listen();
    const outsidePort = (outside.address() as AddressInfo).port;
    // The process to isolate: listens, and on each line of stdin says whether it reaches `outside`.
    const child = spawn(process.execPath, [
      "-e",
      `const net = require("node:net");
       const server = net.createServer((s) => s.end()).listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
       require("node:readline").createInterface({ input: process.stdin }).on("line", () => {
         const s = net.connect({ host: "127.0.0.1", port: ${outsidePort} });
         const t = setTimeout(() => { s.destroy(); console.log("reach false"); }, 500);
         s.once("connect", () => { clearTimeout(t); s.destroy(); console.log("reach true"); });
       });`,
    ]);
    const lines: string[] = [];
    child.stdout!.setEncoding("utf8").on("data", (d: string) => lines.push(...d.trim().split("\n")));
    const nextLine = async (prefix: string) => {
      for (;;) {
        const i = lines.findIndex((l) => l.startsWith(prefix));
        if (i >= 0) return lines.splice(i, 1)[0]!.slice(prefix.length);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const childReaches = async () => {
      child.stdin!.write("go\n");
      return (await nextLine("reach ")) === "true";
    };
    try {
      const childPort = Number(await nextLine("port "));
      expect(await reachable(childPort)).toBe(true);
      expect(await childReaches()).toBe(true);

      isolation.isolate(1, child.pid!, [childPort]);
      expect(await reachable(childPort)).toBe(false);
      expect(await childReaches()).toBe(false);
      expect(await reachable(outsidePort)).toBe(true); // everyone else is untouched

      isolation.heal();
      expect(await reachable(childPort)).toBe(true);
      expect(await childReaches()).toBe(true);
    } finally {
      child.kill();
      outside.close();
    }
  }, 30_000);
});
