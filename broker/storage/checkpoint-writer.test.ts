import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCheckpoint } from "./checkpoint-file.js";
import { CheckpointWriter } from "./checkpoint-writer.js";

describe("CheckpointWriter", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "checkpoint-writer-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a checkpoint off the event loop that reads back, leaving no temp file", async () => {
    const w = new CheckpointWriter(join(dir, "cp"));
    await w.write(["t 0 10", "t 1 20"]);
    expect(readCheckpoint(join(dir, "cp"), 3)).toEqual([["t", "0", "10"], ["t", "1", "20"]]);
    expect(readdirSync(dir)).toEqual(["cp"]);
  });

  it("writes asked for while one runs land in order, the newest last", async () => {
    const w = new CheckpointWriter(join(dir, "cp"));
    const writes = [1, 2, 3, 4, 5].map((n) => w.write([`t 0 ${n}`]));
    await Promise.all(writes);
    expect(readCheckpoint(join(dir, "cp"), 3)).toEqual([["t", "0", "5"]]);
  });

  it("an async write taken before a blocking one never lands over it", async () => {
    const w = new CheckpointWriter(join(dir, "cp"));
    const stale = w.write(["t 0 1"]);
    w.writeSync(["t 0 2"]);
    await stale;
    await w.idle();
    expect(readCheckpoint(join(dir, "cp"), 3)).toEqual([["t", "0", "2"]]);
    expect(readdirSync(dir)).toEqual(["cp"]);
  });

  it("a failed write is reported to its caller and does not stop later ones", async () => {
    const w = new CheckpointWriter(join(dir, "missing", "cp"));
    await expect(w.write(["t 0 1"])).rejects.toThrow(/ENOENT/);
    const ok = new CheckpointWriter(join(dir, "cp"));
    await ok.write(["t 0 3"]);
    expect(readCheckpoint(join(dir, "cp"), 3)).toEqual([["t", "0", "3"]]);
  });
});
