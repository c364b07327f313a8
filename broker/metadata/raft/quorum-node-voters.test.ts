// The driver of a dynamic quorum (KIP-853): a controller formatted --standalone leads alone, adds
// a caught-up observer and answers once the new voter set is committed, names its own endpoint in
// fetch answers, and writes the voter set into its snapshots.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Uuid } from "../../protocol/primitives.js";
import { writeBootstrapCheckpoint } from "../initial-voters.js";
import { QuorumNode } from "./quorum-node.js";
import type { FetchRequest } from "./raft-types.js";
import { buildSnapshot } from "./snapshot-file.js";
import { votersInBatches, type Voter } from "./voter-set.js";

const dir = (n: number) => Buffer.alloc(16, n).toString("base64url") as Uuid;
const voter = (id: number): Voter => ({ id, directoryId: dir(id), endpoints: [{ name: "CONTROLLER", host: "127.0.0.1", port: 9090 + id }] });

describe("QuorumNode with dynamic voters", () => {
  const dirs: string[] = [];
  const nodes: QuorumNode[] = [];
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function standalone(): Promise<QuorumNode> {
    const metadataDir = mkdtempSync(join(tmpdir(), "quorum-node-voters-"));
    dirs.push(metadataDir);
    writeBootstrapCheckpoint(metadataDir, [voter(1)], Date.now());
    const node = await QuorumNode.start({
      nodeId: 1,
      clusterId: "test-cluster",
      metadataDir,
      voters: new Map(),
      bootstrapServers: [{ host: "127.0.0.1", port: 9091 }],
      directoryId: dir(1),
      controllerListenerName: "CONTROLLER",
      electionTimeoutMs: 20,
      fetchTimeoutMs: 60_000,
      electionBackoffMaxMs: 20,
      requestTimeoutMs: 1000,
      retryBackoffMs: 10,
      transport: { send: () => Promise.reject(new Error("no peers in this test")), close: () => undefined },
      logger: pino({ level: "silent" }),
    });
    nodes.push(node);
    // The new leader's first batches (its LeaderChange and the bootstrap voter set) must be
    // committed: until then a voter change is refused as "another voter change is not yet committed".
    await vi.waitFor(() => expect(node.isLeader && node.highWatermark > 0n && node.highWatermark >= node.logEndOffset).toBe(true), { timeout: 5000, interval: 10 });
    return node;
  }

  const fetchAt = (node: QuorumNode, replicaId: number, fetchOffset: bigint): FetchRequest => ({
    kind: "fetch",
    replicaId,
    replicaDirectoryId: dir(replicaId),
    epoch: node.epoch,
    fetchOffset,
    lastFetchedEpoch: fetchOffset === 0n ? 0 : node.epoch,
    maxBytes: 1 << 20,
  });

  it("adds a caught-up observer, answering once the new set commits; snapshots hold the set", async () => {
    const node = await standalone();
    expect(node.isDynamic).toBe(true);
    expect(node.voterSet()).toEqual([voter(1)]);
    // An observer's first fetch is told where the leader listens (Fetch NodeEndpoints).
    const first = await node.fetch(fetchAt(node, 2, 0n), 0);
    expect(first.leaderEndpoint).toEqual({ host: "127.0.0.1", port: 9091 });
    expect(await node.addVoter(voter(2), 1000)).toMatchObject({ error: "REQUEST_TIMED_OUT", message: "node 2 has not caught up with the leader's log" });
    await node.fetch(fetchAt(node, 2, node.logEndOffset), 0);
    let answered = false;
    const adding = node.addVoter(voter(2), 10_000).finally(() => (answered = true));
    await vi.waitFor(() => expect(node.voterIds).toEqual([1, 2]), { timeout: 10_000, interval: 5 });
    expect(answered).toBe(false); // node 2 does not have the new set yet: not committed
    await node.fetch(fetchAt(node, 2, node.logEndOffset), 0);
    expect(await adding).toEqual({ error: "NONE", message: null });
    expect(node.endpointOf(2)).toEqual({ host: "127.0.0.1", port: 9092 });
    expect(node.endpointOf(-2)).toEqual({ host: "127.0.0.1", port: 9091 }); // the bootstrap server

    const { path } = node.saveSnapshot(node.appliedEnd, (id, voters) => buildSnapshot(id, [], -1n, Date.now(), voters));
    expect(votersInBatches(readFileSync(path))).toEqual([voter(1), voter(2)]);
  }, 15_000);

  it("refuses a second change while one is uncommitted, and times out a change that does not commit", async () => {
    const node = await standalone();
    await node.fetch(fetchAt(node, 2, node.logEndOffset), 0);
    await node.fetch(fetchAt(node, 3, node.logEndOffset), 0);
    const adding = node.addVoter(voter(2), 200);
    expect(await node.addVoter(voter(3), 1000)).toMatchObject({ error: "REQUEST_TIMED_OUT", message: "another voter change is not yet committed" });
    expect(await adding).toMatchObject({ error: "REQUEST_TIMED_OUT" }); // node 2 never fetched it
  }, 15_000);
});
