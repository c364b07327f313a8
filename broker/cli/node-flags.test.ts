// Every launcher of a broker process passes BROKER_NODE_FLAGS (see node-flags.ts for why they
// cannot be set from inside the process): this keeps the copies outside TypeScript in step.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { BROKER_NODE_FLAGS } from "./node-flags.js";

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("broker node flags", () => {
  test("the CLI's shebang passes them (so the bundle and dist/broker/main.js run with them as executables)", () => {
    const shebang = repoFile("broker/main.ts").split("\n")[0]!;
    expect(shebang).toBe(`#!/usr/bin/env -S node ${BROKER_NODE_FLAGS.join(" ")}`);
  });

  test("the image's ENTRYPOINT passes them", () => {
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(repoFile("Dockerfile"))?.[1];
    expect(JSON.parse(entrypoint ?? "null")).toEqual(["node", ...BROKER_NODE_FLAGS, "/opt/millrace/dist/millrace.js"]);
  });

  test("npm start passes them", () => {
    const start = (JSON.parse(repoFile("package.json")) as { scripts: Record<string, string> }).scripts.start ?? "";
    expect(start).toContain(`node ${BROKER_NODE_FLAGS.join(" ")} dist/millrace.js broker`);
  });
});
