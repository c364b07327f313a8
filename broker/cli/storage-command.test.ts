import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readMetaProperties } from "../metadata/meta-properties.js";
import { votersInBatches } from "../metadata/raft/voter-set.js";
import { runStorageCommand } from "./storage-command.js";

const CLUSTER_ID = "MkU3OEVBNTcwNTJENDM2Qg";
const CHECKPOINT = join("__cluster_metadata-0", "00000000000000000000-0000000000.checkpoint");
const DIR_1 = "AAAAAAAAAAAAAAAAAAAAAQ";
const DIR_2 = "AAAAAAAAAAAAAAAAAAAAAg";

let root: string;
let stderr: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "storage-format-"));
  stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

/** `storage format` for a controller of a dynamic quorum (bootstrap servers, no static voters). */
function format(nodeId: number, ...flags: string[]): number {
  const o = (kv: string) => ["--override", kv];
  return runStorageCommand([
    "format",
    "--cluster-id",
    CLUSTER_ID,
    ...o(`node.id=${nodeId}`),
    ...o("process.roles=controller"),
    ...o(`listeners=CONTROLLER://localhost:${19090 + nodeId}`),
    ...o("controller.listener.names=CONTROLLER"),
    ...o("controller.quorum.bootstrap.servers=localhost:19091"),
    ...o(`log.dirs=${join(root, "logs")}`),
    ...o(`metadata.log.dir=${join(root, "meta")}`),
    ...flags,
  ]);
}

const checkpointVoters = () => votersInBatches(readFileSync(join(root, "meta", CHECKPOINT)));

describe("millrace storage format (dynamic quorum)", () => {
  it("--standalone: this controller alone is the initial voter, under its metadata directory's id", () => {
    expect(format(1, "--standalone")).toBe(0);
    const meta = readMetaProperties(join(root, "meta"))!;
    expect(meta).toMatchObject({ clusterId: CLUSTER_ID, nodeId: 1 });
    expect(checkpointVoters()).toEqual([{ id: 1, directoryId: meta.directoryId, endpoints: [{ name: "CONTROLLER", host: "localhost", port: 19091 }] }]);
    expect(readMetaProperties(join(root, "logs"))!.directoryId).not.toBe(meta.directoryId);
  });

  it("--initial-controllers: the named voters; this node's metadata directory takes the id named for it", () => {
    expect(format(2, "--initial-controllers", `1@localhost:19091:${DIR_1},2@localhost:19092:${DIR_2}`)).toBe(0);
    expect(readMetaProperties(join(root, "meta"))!.directoryId).toBe(DIR_2);
    expect(checkpointVoters()).toEqual([
      { id: 1, directoryId: DIR_1, endpoints: [{ name: "CONTROLLER", host: "localhost", port: 19091 }] },
      { id: 2, directoryId: DIR_2, endpoints: [{ name: "CONTROLLER", host: "localhost", port: 19092 }] },
    ]);
  });

  it("--no-initial-controllers: formatted, with no voter set (it will join as an observer)", () => {
    expect(format(3, "--no-initial-controllers")).toBe(0);
    expect(readMetaProperties(join(root, "meta"))!.directoryId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(existsSync(join(root, "meta", CHECKPOINT))).toBe(false);
  });

  it("refuses a dynamic controller without a choice, two choices, bad entries, or a list without this node", () => {
    expect(format(1)).toBe(2);
    expect(stderr).toContain("needs --standalone, --initial-controllers or --no-initial-controllers");
    expect(format(1, "--standalone", "--no-initial-controllers")).toBe(2);
    expect(format(1, "--initial-controllers", "1@localhost:19091")).toBe(2);
    expect(stderr).toContain("id@host:port:directoryId");
    expect(format(3, "--initial-controllers", `1@localhost:19091:${DIR_1}`)).toBe(2);
    expect(stderr).toContain("does not name this node");
    expect(existsSync(join(root, "meta"))).toBe(false);
  });

  it("a static quorum formats as before and refuses the dynamic options", () => {
    const args = (...flags: string[]) => [
      "format",
      "--cluster-id",
      CLUSTER_ID,
      "--override",
      "node.id=1",
      "--override",
      "controller.quorum.voters=1@localhost:19091",
      "--override",
      "listeners=PLAINTEXT://localhost:19092,CONTROLLER://localhost:19091",
      "--override",
      "controller.listener.names=CONTROLLER",
      "--override",
      `log.dirs=${join(root, "logs")}`,
      ...flags,
    ];
    expect(runStorageCommand(args("--standalone"))).toBe(2);
    expect(stderr).toContain("static quorum");
    expect(runStorageCommand(args())).toBe(0);
    expect(readMetaProperties(join(root, "logs"))).toMatchObject({ clusterId: CLUSTER_ID, nodeId: 1 });
    expect(existsSync(join(root, "logs", CHECKPOINT))).toBe(false);
  });
});
