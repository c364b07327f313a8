import { describe, expect, it } from "vitest";
import { dataBatch } from "./raft-batches.js";
import { RaftLog } from "./raft-log.js";
import { QuorumMachine, type QuorumConfig } from "./quorum-machine.js";
import { NO_LEADER, NO_VOTE, type ElectionState, type FetchResponse, type FetchSnapshotResponse, type RaftRequest, type RaftSnapshot } from "./raft-types.js";

const CONFIG: Omit<QuorumConfig, "nodeId"> = {
  voters: [1, 2, 3],
  electionTimeoutMs: 1000,
  fetchTimeoutMs: 2000,
  electionBackoffMaxMs: 1000,
  requestTimeoutMs: 500,
  retryBackoffMs: 20,
  fetchMaxBytes: 1 << 20,
  fetchSnapshotMaxBytes: 1 << 20,
};

function node(nodeId: number, opts: { log?: RaftLog; saved?: ElectionState; voters?: number[] } = {}) {
  const sent: { to: number; request: RaftRequest; id: number }[] = [];
  const saved: ElectionState[] = [];
  const reported: bigint[] = [];
  const log = opts.log ?? new RaftLog();
  const machine = new QuorumMachine(
    { ...CONFIG, nodeId, ...(opts.voters ? { voters: opts.voters } : {}) },
    log,
    {
      send: (to, request, id) => sent.push({ to, request, id }),
      saveElectionState: (s) => saved.push(s),
      highWatermarkChanged: (hw) => reported.push(hw),
      random: () => 0.5,
    },
    opts.saved ?? { epoch: 0, votedId: NO_VOTE, leaderId: NO_LEADER },
    0,
  );
  return { machine, log, sent, saved, reported };
}

/** The id of the latest request sent to `to` (answers must quote it). */
function lastId(sent: { to: number; id: number }[], to: number): number {
  return sent.filter((s) => s.to === to).at(-1)!.id;
}

/** A log holding `count` one-record batches written in `epoch`, all flushed. */
function logWith(...epochs: number[]): RaftLog {
  const log = new RaftLog();
  for (const epoch of epochs) log.append([dataBatch(log.endOffset, epoch, [Buffer.from("x")], 0)]);
  log.markFlushed(log.endOffset);
  return log;
}

/** Makes node 1 leader of a 3-voter quorum in epoch 1 (votes from 2). */
function electedLeader(log = new RaftLog()) {
  const n = node(1, { log });
  n.machine.tick(1500); // past the election timeout (1000 + 0.5 × 1000)
  expect(n.machine.roleName).toBe("candidate");
  n.machine.handleResponse(2, lastId(n.sent, 2), { kind: "vote", error: "NONE", epoch: n.machine.currentEpoch, leaderId: NO_LEADER, granted: true }, 1501);
  expect(n.machine.isLeader).toBe(true);
  return n;
}

describe("QuorumMachine", () => {
  it("a single voter elects itself at once and commits once its own write is flushed", () => {
    const n = node(1, { voters: [1] });
    expect(n.machine.isLeader).toBe(true);
    expect(n.saved.at(-1)).toEqual({ epoch: 1, votedId: 1, leaderId: 1 });
    const written = n.machine.append([Buffer.from("a"), Buffer.from("b")], 1)!;
    expect(written.offset).toBe(2n); // offset 0 is the LeaderChange control record
    expect(n.machine.highWatermark).toBe(0n);
    n.machine.flushed(n.log.endOffset, 2);
    expect(n.machine.highWatermark).toBe(3n);
  });

  it("stands for election after the election timeout, saving its vote before asking", () => {
    const n = node(1);
    n.machine.tick(1499);
    expect(n.machine.roleName).toBe("unattached");
    n.machine.tick(1500);
    expect(n.machine.roleName).toBe("candidate");
    expect(n.saved.at(-1)).toEqual({ epoch: 1, votedId: 1, leaderId: NO_LEADER });
    expect(n.sent.map((s) => [s.to, s.request.kind])).toEqual([[2, "vote"], [3, "vote"]]);
  });

  it("a majority of votes makes a leader that writes LeaderChange and announces its epoch", () => {
    const n = electedLeader();
    expect(n.log.endOffset).toBe(1n);
    expect(n.sent.filter((s) => s.request.kind === "beginEpoch").map((s) => s.to)).toEqual([2, 3]);
    expect(n.saved.at(-1)).toEqual({ epoch: 1, votedId: 1, leaderId: 1 });
  });

  it("grants one vote per epoch, only to candidates whose log is at least as up to date", () => {
    const voter = node(2, { log: logWith(1, 1, 2) });
    const ask = (candidateId: number, epoch: number, lastEpoch: number, lastOffset: bigint) =>
      voter.machine.handleRequest(candidateId, { kind: "vote", epoch, candidateId, lastEpoch, lastOffset }, 10);
    expect(ask(1, 3, 1, 10n)).toMatchObject({ granted: false }); // older last epoch, longer log: behind
    expect(ask(1, 3, 2, 2n)).toMatchObject({ granted: false }); // same epoch, shorter log
    expect(ask(1, 3, 2, 3n)).toMatchObject({ granted: true, epoch: 3 });
    expect(voter.saved.at(-1)).toEqual({ epoch: 3, votedId: 1, leaderId: NO_LEADER });
    expect(ask(3, 3, 5, 9n)).toMatchObject({ granted: false }); // already voted in epoch 3
    expect(ask(1, 3, 2, 3n)).toMatchObject({ granted: true }); // the same candidate asking again
    expect(ask(3, 2, 9, 9n)).toMatchObject({ granted: false, error: "FENCED_LEADER_EPOCH", epoch: 3 });
    expect(ask(9, 4, 9, 9n)).toMatchObject({ granted: false, error: "INCONSISTENT_VOTER_SET" });
  });

  it("commits entries of earlier epochs only once a majority has this epoch's first record", () => {
    // Node 1 holds five uncommitted records of epoch 1 and is elected in epoch 2.
    const log = logWith(1, 1, 1, 1, 1);
    const n = node(1, { log, saved: { epoch: 1, votedId: NO_VOTE, leaderId: NO_LEADER } });
    n.machine.tick(1500);
    n.machine.handleResponse(2, lastId(n.sent, 2), { kind: "vote", error: "NONE", epoch: 2, leaderId: NO_LEADER, granted: true }, 1501);
    expect(n.machine.isLeader).toBe(true);
    n.machine.flushed(n.log.endOffset, 1502); // the LeaderChange record at offset 5
    const fetch = (fetchOffset: bigint, lastFetchedEpoch: number) =>
      n.machine.handleRequest(2, { kind: "fetch", replicaId: 2, epoch: 2, fetchOffset, lastFetchedEpoch, maxBytes: 1 << 20 }, 1510) as FetchResponse;
    // Node 2 has all five old records: a majority holds them, but they must not commit yet.
    expect(fetch(5n, 1).batches.map((b) => b.baseOffset)).toEqual([5n]);
    expect(n.machine.highWatermark).toBe(0n);
    expect(fetch(6n, 2).highWatermark).toBe(6n);
  });

  it("reports the high watermark when the leader's own flush completes a commit its followers already made", () => {
    const n = electedLeader();
    n.machine.flushed(n.log.endOffset, 1502);
    const fetch = (replicaId: number, fetchOffset: bigint, now: number) =>
      n.machine.handleRequest(replicaId, { kind: "fetch", replicaId, epoch: 1, fetchOffset, lastFetchedEpoch: 1, maxBytes: 1 << 20 }, now) as FetchResponse;
    fetch(2, 1n, 1510);
    expect(n.reported.at(-1)).toBe(1n);
    const written = n.machine.append([Buffer.from("a")], 1520)!;
    // Both followers hold the record before the leader's disk does: a majority, yet not visible.
    fetch(2, written.offset + 1n, 1530);
    fetch(3, written.offset + 1n, 1530);
    expect(n.machine.highWatermark).toBe(1n);
    n.machine.flushed(n.log.endOffset, 1540);
    expect(n.machine.highWatermark).toBe(2n);
    expect(n.reported.at(-1)).toBe(2n); // writers waiting for offset 1 hear of it
    expect(n.reported).toEqual([1n, 2n]); // each advance once
  });

  it("tells a follower with a divergent tail where to truncate, and the follower does", () => {
    // Leader: epochs 1,1,3. Follower: 1,1,2,2 (written by a leader of epoch 2 that never committed them).
    const leader = electedLeader(logWith(1, 1));
    const response = leader.machine.handleRequest(2, { kind: "fetch", replicaId: 2, epoch: 1, fetchOffset: 4n, lastFetchedEpoch: 0, maxBytes: 1024 }, 1600) as FetchResponse;
    expect(response.divergingEpoch).toEqual({ epoch: 0, offset: 0n });

    const follower = node(2, { log: logWith(1, 1, 2, 2), saved: { epoch: 3, votedId: NO_VOTE, leaderId: 1 } });
    expect(follower.machine.roleName).toBe("follower");
    follower.machine.tick(1);
    const fetch = follower.sent.find((s) => s.request.kind === "fetch")!.request;
    expect(fetch).toMatchObject({ fetchOffset: 4n, lastFetchedEpoch: 2 });
    follower.machine.handleResponse(
      1,
      lastId(follower.sent, 1),
      { kind: "fetch", error: "NONE", epoch: 3, leaderId: 1, highWatermark: 2n, logStartOffset: 0n, divergingEpoch: { epoch: 1, offset: 2n }, batches: [] },
      2,
    );
    expect(follower.log.endOffset).toBe(2n);
    expect(follower.log.lastEpoch).toBe(1);
  });

  it("a follower fetches again only once what it received is flushed", () => {
    const follower = node(2, { saved: { epoch: 1, votedId: NO_VOTE, leaderId: 1 } });
    follower.machine.tick(1);
    expect(follower.sent).toHaveLength(1);
    const batch = dataBatch(0n, 1, [Buffer.from("a")], 0);
    follower.machine.handleResponse(1, lastId(follower.sent, 1), { kind: "fetch", error: "NONE", epoch: 1, leaderId: 1, highWatermark: 1n, logStartOffset: 0n, batches: [batch] }, 2);
    expect(follower.sent).toHaveLength(1);
    expect(follower.machine.highWatermark).toBe(0n); // not on disk yet
    follower.machine.flushed(1n, 3);
    expect(follower.machine.highWatermark).toBe(1n);
    expect(follower.sent.at(-1)!.request).toMatchObject({ kind: "fetch", fetchOffset: 1n, lastFetchedEpoch: 1 });
  });

  it("a leader that stops hearing from a majority resigns; one that resigns names successors", () => {
    const n = electedLeader();
    n.machine.handleRequest(3, { kind: "fetch", replicaId: 3, epoch: 1, fetchOffset: 1n, lastFetchedEpoch: 1, maxBytes: 1024 }, 1600);
    n.machine.tick(1501 + 3000);
    expect(n.machine.isLeader).toBe(true); // node 3 fetched within 1.5 fetch timeouts
    n.machine.tick(1501 + 6000); // the next check: nobody fetched in the last 3 s
    expect(n.machine.roleName).toBe("resigned");
    const ends = n.sent.filter((s) => s.request.kind === "endEpoch");
    expect(ends.map((s) => s.to).sort()).toEqual([2, 3]);
    expect(ends[0]!.request).toMatchObject({ epoch: 1, leaderId: 1, preferredSuccessors: [3, 2] });
  });

  it("an observer never votes or stands, and finds the leader by asking voters", () => {
    const observer = node(100);
    expect(observer.machine.isVoter).toBe(false);
    observer.machine.tick(5000);
    expect(observer.machine.roleName).toBe("unattached");
    const probe = observer.sent.find((s) => s.request.kind === "fetch")!;
    observer.machine.handleResponse(
      probe.to,
      probe.id,
      { kind: "fetch", error: "NOT_LEADER_OR_FOLLOWER", epoch: 4, leaderId: 3, highWatermark: 0n, logStartOffset: 0n, batches: [] },
      5001,
    );
    expect(observer.machine.roleName).toBe("follower");
    expect(observer.machine.currentLeader).toBe(3);
    expect(observer.machine.handleRequest(1, { kind: "vote", epoch: 5, candidateId: 1, lastEpoch: 9, lastOffset: 9n }, 5002)).toMatchObject({ granted: false });
  });

  describe("snapshots (KIP-630)", () => {
    /** Leader 1 in epoch 1 whose log start moved to a snapshot at 3 (records 0–4 in epoch 1). */
    function leaderWithSnapshot() {
      const n = electedLeader(); // LeaderChange at 0
      for (let i = 0; i < 4; i++) n.machine.append([Buffer.from(`r${i}`)], 1510);
      n.machine.flushed(n.log.endOffset, 1511);
      const snapshot: RaftSnapshot = { id: n.log.snapshotIdAt(3n), bytes: Buffer.from("0123456789abcdef") };
      n.log.addSnapshot(snapshot);
      n.log.dropPrefix(snapshot.id);
      return { ...n, snapshot };
    }

    it("a leader answers a fetch below its log start with its latest snapshot id", () => {
      const { machine, snapshot } = leaderWithSnapshot();
      expect(machine.log.startOffset).toBe(3n);
      const below = machine.handleRequest(2, { kind: "fetch", replicaId: 2, epoch: 1, fetchOffset: 1n, lastFetchedEpoch: 1, maxBytes: 1024 }, 1600) as FetchResponse;
      expect(below).toMatchObject({ error: "NONE", snapshotId: snapshot.id, batches: [] });
      expect(below.divergingEpoch).toBeUndefined();
      // At the log start itself the log answers: records from there on.
      const at = machine.handleRequest(2, { kind: "fetch", replicaId: 2, epoch: 1, fetchOffset: 3n, lastFetchedEpoch: 1, maxBytes: 1024 }, 1601) as FetchResponse;
      expect(at.snapshotId).toBeUndefined();
      expect(at.batches.map((b) => b.baseOffset)).toEqual([3n, 4n]);
    });

    it("serves the snapshot in pieces by position, and refuses unknown snapshots and positions", () => {
      const { machine, snapshot } = leaderWithSnapshot();
      const piece = (position: bigint, id = snapshot.id) =>
        machine.handleRequest(2, { kind: "fetchSnapshot", replicaId: 2, epoch: 1, snapshotId: id, position, maxBytes: 10 }, 1600) as FetchSnapshotResponse;
      expect(piece(0n)).toMatchObject({ error: "NONE", size: 16n, position: 0n, bytes: Buffer.from("0123456789") });
      expect(piece(10n)).toMatchObject({ error: "NONE", size: 16n, position: 10n, bytes: Buffer.from("abcdef") });
      expect(piece(16n).error).toBe("POSITION_OUT_OF_RANGE");
      expect(piece(0n, { offset: 2n, epoch: 1 }).error).toBe("SNAPSHOT_NOT_FOUND");
      // A download that began before a newer snapshot goes on; a forgotten snapshot is not found.
      machine.append([Buffer.from("r5")], 1600);
      machine.flushed(machine.log.endOffset, 1601);
      machine.log.addSnapshot({ id: machine.log.snapshotIdAt(5n), bytes: Buffer.from("newer") });
      expect(machine.log.latestSnapshot?.id.offset).toBe(5n);
      expect(piece(10n)).toMatchObject({ error: "NONE", bytes: Buffer.from("abcdef") });
      machine.log.forgetSnapshot(snapshot.id);
      expect(piece(10n).error).toBe("SNAPSHOT_NOT_FOUND");
      const stale = machine.handleRequest(2, { kind: "fetchSnapshot", replicaId: 2, epoch: 0, snapshotId: snapshot.id, position: 0n, maxBytes: 10 }, 1600);
      expect(stale.error).toBe("FENCED_LEADER_EPOCH");
    });

    it("a voter downloading a snapshot counts as heard from (check-quorum keeps the leader)", () => {
      const { machine, snapshot } = leaderWithSnapshot();
      for (let now = 2000; now <= 9000; now += 1000) {
        machine.handleRequest(2, { kind: "fetchSnapshot", replicaId: 2, epoch: 1, snapshotId: snapshot.id, position: 0n, maxBytes: 1 }, now);
        machine.tick(now);
      }
      expect(machine.isLeader).toBe(true);
      machine.tick(9000 + 3001); // then silence: it resigns
      expect(machine.roleName).toBe("resigned");
    });

    it("a follower told of a snapshot switches to FetchSnapshot, installs it, and fetches on from its end", () => {
      const follower = node(2, { saved: { epoch: 1, votedId: NO_VOTE, leaderId: 1 }, log: logWith(1) });
      const installed: RaftSnapshot[] = [];
      follower.log.listen({ appended: () => undefined, truncated: () => undefined, snapshotInstalled: (s) => installed.push(s) });
      follower.machine.tick(1);
      const id = { offset: 3n, epoch: 1 };
      follower.machine.handleResponse(1, lastId(follower.sent, 1), { kind: "fetch", error: "NONE", epoch: 1, leaderId: 1, highWatermark: 5n, logStartOffset: 3n, snapshotId: id, batches: [] }, 2);
      expect(follower.sent.at(-1)!.request).toMatchObject({ kind: "fetchSnapshot", snapshotId: id, position: 0n });
      const answer = (position: bigint, bytes: string): FetchSnapshotResponse => ({
        kind: "fetchSnapshot", error: "NONE", epoch: 1, leaderId: 1, snapshotId: id, size: 16n, position, bytes: Buffer.from(bytes),
      });
      follower.machine.handleResponse(1, lastId(follower.sent, 1), answer(0n, "0123456789"), 3);
      expect(follower.sent.at(-1)!.request).toMatchObject({ kind: "fetchSnapshot", position: 10n });
      expect(installed).toHaveLength(0);
      follower.machine.handleResponse(1, lastId(follower.sent, 1), answer(10n, "abcdef"), 4);
      expect(installed.map((s) => [s.id, s.bytes.toString()])).toEqual([[id, "0123456789abcdef"]]);
      expect(follower.log.startOffset).toBe(3n);
      expect(follower.log.endOffset).toBe(3n);
      expect(follower.log.latestSnapshot?.id).toEqual(id);
      expect(follower.machine.highWatermark).toBe(3n);
      expect(follower.reported.at(-1)).toBe(3n);
      expect(follower.sent.at(-1)!.request).toMatchObject({ kind: "fetch", fetchOffset: 3n, lastFetchedEpoch: 1 });
    });

    it("a follower whose snapshot the leader no longer has asks again with Fetch", () => {
      const follower = node(2, { saved: { epoch: 1, votedId: NO_VOTE, leaderId: 1 } });
      follower.machine.tick(1);
      const id = { offset: 3n, epoch: 1 };
      follower.machine.handleResponse(1, lastId(follower.sent, 1), { kind: "fetch", error: "NONE", epoch: 1, leaderId: 1, highWatermark: 5n, logStartOffset: 3n, snapshotId: id, batches: [] }, 2);
      follower.machine.handleResponse(
        1,
        lastId(follower.sent, 1),
        { kind: "fetchSnapshot", error: "SNAPSHOT_NOT_FOUND", epoch: 1, leaderId: 1, snapshotId: id, size: -1n, position: -1n, bytes: Buffer.alloc(0) },
        3,
      );
      expect(follower.sent.at(-1)!.request).toMatchObject({ kind: "fetch", fetchOffset: 0n });
    });
  });
});
