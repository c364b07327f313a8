// The driver's long-polled fetch: a leader holds a follower's fetch until there is news for that
// follower, and a high watermark the follower has not been sent is news.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { QuorumNode } from "./quorum-node.js";
import type { FetchRequest, RaftRequest, RaftResponse } from "./raft-types.js";

/** Peers that grant every vote and accept every epoch: node 1 becomes leader on its own. */
const agreeablePeers = {
  async send(_to: number, request: RaftRequest): Promise<RaftResponse> {
    switch (request.kind) {
      case "vote":
        return { kind: "vote", error: "NONE", epoch: request.epoch, leaderId: -1, granted: true };
      case "beginEpoch":
      case "endEpoch":
        return { kind: request.kind, error: "NONE", epoch: request.epoch, leaderId: request.leaderId };
      default:
        throw new Error(`unexpected ${request.kind} from a leader`);
    }
  },
  close(): void {},
};

describe("QuorumNode fetch", () => {
  const dirs: string[] = [];
  const nodes: QuorumNode[] = [];
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function leaderOfThree(): Promise<QuorumNode> {
    const dir = mkdtempSync(join(tmpdir(), "quorum-node-"));
    dirs.push(dir);
    const peer = { host: "127.0.0.1", port: 1 };
    const node = await QuorumNode.start({
      nodeId: 1,
      clusterId: "test-cluster",
      metadataDir: dir,
      voters: new Map([[1, peer], [2, peer], [3, peer]]),
      electionTimeoutMs: 20,
      fetchTimeoutMs: 60_000, // no check-quorum resignation while a test runs
      electionBackoffMaxMs: 20,
      requestTimeoutMs: 1000,
      retryBackoffMs: 10,
      transport: agreeablePeers,
      logger: pino({ level: "silent" }),
    });
    nodes.push(node);
    await vi.waitFor(() => expect(node.isLeader).toBe(true), { timeout: 5000, interval: 10 });
    return node;
  }

  const fetchAt = (node: QuorumNode, replicaId: number, fetchOffset: bigint): FetchRequest => ({
    kind: "fetch",
    replicaId,
    epoch: node.epoch,
    fetchOffset,
    lastFetchedEpoch: fetchOffset === 0n ? 0 : node.epoch,
    maxBytes: 1 << 20,
  });
  /** Far longer than the test may take: a fetch held this long fails the test by its timeout. */
  const HOLD_MS = 600_000;

  it("answers at once a follower that has not been sent the current high watermark", async () => {
    const node = await leaderOfThree();
    // Both followers read the leader's LeaderChange record (offset 0).
    for (const replica of [2, 3]) expect((await node.fetch(fetchAt(node, replica, 0n), HOLD_MS)).batches.length).toBeGreaterThan(0);
    // Follower 2 fetching past it forms the majority: the high watermark moves to 1.
    const end = node.logEndOffset;
    expect((await node.fetch(fetchAt(node, 2, end), HOLD_MS)).highWatermark).toBe(end);
    // Follower 3 has nothing new to read, but has never been told of that commit: answered now,
    // not after the long poll (it once waited, and every node learned of each commit ~500 ms late).
    const third = await node.fetch(fetchAt(node, 3, end), HOLD_MS);
    expect(third.batches).toEqual([]);
    expect(third.highWatermark).toBe(end);
  }, 10_000);

  it("holds a follower's fetch with nothing new until there is", async () => {
    const node = await leaderOfThree();
    for (const replica of [2, 3]) await node.fetch(fetchAt(node, replica, 0n), HOLD_MS);
    const end = node.logEndOffset;
    await node.fetch(fetchAt(node, 2, end), HOLD_MS);
    await node.fetch(fetchAt(node, 3, end), HOLD_MS);
    let answered = false;
    const held = node.fetch(fetchAt(node, 2, end), HOLD_MS).finally(() => (answered = true));
    // Follower 3 reads nothing new and knows the high watermark: held too, up to its short wait.
    expect((await node.fetch(fetchAt(node, 3, end), 50)).batches).toEqual([]);
    expect(answered).toBe(false);
    node.append([Buffer.from("news")]).catch(() => undefined); // never committed: nobody fetches past it
    expect((await held).batches.length).toBe(1);
  }, 10_000);
});
