// Dynamic voters (KIP-853): the voter set's records, the log's voter history, and the machine's
// AddRaftVoter / RemoveRaftVoter rules.
import { describe, expect, it } from "vitest";
import type { Uuid } from "../../protocol/primitives.js";
import { dataBatch } from "./raft-batches.js";
import { RaftLog } from "./raft-log.js";
import { QuorumMachine, type QuorumConfig } from "./quorum-machine.js";
import { NO_LEADER, NO_VOTE, type FetchResponse, type RaftRequest } from "./raft-types.js";
import { buildSnapshot, readSnapshot } from "./snapshot-file.js";
import {
  kraftVersionRecordValue,
  readKRaftVersionRecordValue,
  readVotersRecordValue,
  votersBatch,
  votersInBatch,
  votersInBatches,
  votersRecordValue,
  type Voter,
  type VoterSet,
} from "./voter-set.js";

const dir = (n: number) => Buffer.alloc(16, n).toString("base64url") as Uuid;
const voter = (id: number): Voter => ({ id, directoryId: dir(id), endpoints: [{ name: "CONTROLLER", host: "localhost", port: 9090 + id }] });

const CONFIG: Omit<QuorumConfig, "nodeId"> = {
  voters: [],
  electionTimeoutMs: 1000,
  fetchTimeoutMs: 2000,
  electionBackoffMaxMs: 1000,
  requestTimeoutMs: 500,
  retryBackoffMs: 20,
  fetchMaxBytes: 1 << 20,
  fetchSnapshotMaxBytes: 1 << 20,
};

/** A log starting from a bootstrap checkpoint (`storage format --initial-controllers`) naming `voters`. */
function bootstrapLog(voters: VoterSet): RaftLog {
  const log = new RaftLog();
  log.addSnapshot({ id: { offset: 0n, epoch: 0 }, bytes: buildSnapshot({ offset: 0n, epoch: 0 }, [], -1n, 0, voters) });
  return log;
}

function node(nodeId: number, log: RaftLog, staticVoters: number[] = []) {
  const sent: { to: number; request: RaftRequest; id: number }[] = [];
  const machine = new QuorumMachine(
    { ...CONFIG, nodeId, voters: staticVoters, directoryId: dir(nodeId) },
    log,
    { send: (to, request, id) => sent.push({ to, request, id }), saveElectionState: () => undefined, random: () => 0.5 },
    { epoch: 0, votedId: NO_VOTE, leaderId: NO_LEADER },
    0,
  );
  return { machine, log, sent };
}

/** Node 1, the sole initial voter (`--standalone`), leading with its first epoch committed. */
function standaloneLeader() {
  const n = node(1, bootstrapLog([voter(1)]));
  expect(n.machine.isLeader).toBe(true);
  n.machine.flushed(n.log.endOffset, 1);
  expect(n.machine.highWatermark).toBe(n.log.endOffset);
  return n;
}

function fetchFrom(n: { machine: QuorumMachine; log: RaftLog }, replicaId: number, fetchOffset: bigint, now: number): FetchResponse {
  const lastFetchedEpoch = fetchOffset === 0n ? 0 : n.log.endOffsetForEpoch(n.machine.currentEpoch).epoch;
  return n.machine.handleRequest(
    replicaId,
    { kind: "fetch", replicaId, replicaDirectoryId: dir(replicaId), epoch: n.machine.currentEpoch, fetchOffset, lastFetchedEpoch, maxBytes: 1 << 20 },
    now,
  ) as FetchResponse;
}

describe("voter set records", () => {
  it("VotersRecord and KRaftVersionRecord values read back as written", () => {
    const voters = [voter(1), { id: 7, directoryId: dir(7), endpoints: [{ name: "A", host: "h1", port: 1 }, { name: "B", host: "h2", port: 65535 }] }];
    expect(readVotersRecordValue(votersRecordValue(voters))).toEqual(voters);
    expect(readKRaftVersionRecordValue(kraftVersionRecordValue(1))).toBe(1);
  });

  it("a voters control batch and a snapshot holding the voter set give it back; data batches give none", () => {
    const voters = [voter(1), voter(2)];
    expect(votersInBatch(votersBatch(5n, 3, voters, 0, true).bytes)).toEqual(voters);
    expect(votersInBatch(dataBatch(0n, 1, [Buffer.from("x")], 0).bytes)).toBeUndefined();
    const snapshot = buildSnapshot({ offset: 10n, epoch: 2 }, [Buffer.from("a")], -1n, 0, voters);
    expect(votersInBatches(snapshot)).toEqual(voters);
    expect(readSnapshot(snapshot).values).toEqual([Buffer.from("a")]); // the image sees only its records
  });
});

describe("RaftLog voter history", () => {
  it("follows appends, truncation and a snapshot install", () => {
    const log = bootstrapLog([voter(1)]);
    expect(log.latestVoterIds).toEqual([1]);
    expect(log.logHoldsVoters).toBe(false);
    log.append([dataBatch(0n, 1, [Buffer.from("x")], 0), votersBatch(1n, 1, [voter(1), voter(2)], 0)]);
    expect(log.latestVoterIds).toEqual([1, 2]);
    expect(log.latestVotersOffset).toBe(1n);
    expect(log.votersAt(1n)?.map((v) => v.id)).toEqual([1]);
    log.truncateTo(1n);
    expect(log.latestVoterIds).toEqual([1]); // the uncommitted change is gone with its record
    log.installSnapshot({ id: { offset: 20n, epoch: 4 }, bytes: buildSnapshot({ offset: 20n, epoch: 4 }, [], -1n, 0, [voter(2), voter(3)]) });
    expect(log.latestVoterIds).toEqual([2, 3]);
  });
});

describe("QuorumMachine with dynamic voters", () => {
  it("a standalone voter leads at once and writes the bootstrap voter set into its log", () => {
    const n = standaloneLeader();
    expect(n.log.logHoldsVoters).toBe(true);
    expect(n.machine.voters).toEqual([1]);
  });

  it("adds only an observer that fetches with that directory id and has caught up", () => {
    const n = standaloneLeader();
    const end = n.log.endOffset;
    expect(n.machine.addVoter(voter(2), 10)).toMatchObject({ ok: false, error: "REQUEST_TIMED_OUT" }); // never fetched
    fetchFrom(n, 2, 0n, 20); // far behind
    expect(n.machine.addVoter(voter(2), 21)).toMatchObject({ ok: false, error: "REQUEST_TIMED_OUT" });
    fetchFrom(n, 2, end, 30); // caught up
    expect(n.machine.addVoter({ ...voter(2), directoryId: dir(9) }, 31)).toMatchObject({ ok: false, error: "REQUEST_TIMED_OUT" }); // another disk
    expect(n.machine.addVoter(voter(1), 31)).toMatchObject({ ok: false, error: "DUPLICATE_VOTER" });
    const added = n.machine.addVoter(voter(2), 32);
    expect(added).toEqual({ ok: true, offset: end });
    expect(n.machine.voters).toEqual([1, 2]);
  });

  it("the new set's majority counts from the moment its record is appended, and one change at a time", () => {
    const n = standaloneLeader();
    fetchFrom(n, 2, n.log.endOffset, 10);
    const added = n.machine.addVoter(voter(2), 11);
    if (!added.ok) throw new Error(added.message);
    n.machine.flushed(n.log.endOffset, 12);
    // Node 1 alone was a majority before; now node 2 must have the record too.
    expect(n.machine.highWatermark).toBe(added.offset);
    fetchFrom(n, 3, n.log.endOffset, 13);
    expect(n.machine.addVoter(voter(3), 14)).toMatchObject({ ok: false, error: "REQUEST_TIMED_OUT", message: expect.stringContaining("not yet committed") });
    fetchFrom(n, 2, added.offset + 1n, 15);
    expect(n.machine.highWatermark).toBe(added.offset + 1n);
    fetchFrom(n, 3, n.log.endOffset, 16);
    expect(n.machine.addVoter(voter(3), 17)).toMatchObject({ ok: true });
    expect(n.machine.voters).toEqual([1, 2, 3]);
  });

  it("removing the leader: it leads until the change commits, then resigns and hands over", () => {
    const n = standaloneLeader();
    fetchFrom(n, 2, n.log.endOffset, 10);
    const added = n.machine.addVoter(voter(2), 11);
    if (!added.ok) throw new Error(added.message);
    n.machine.flushed(n.log.endOffset, 12);
    fetchFrom(n, 2, n.log.endOffset, 13);
    expect(n.machine.removeVoter(1, dir(9), 14)).toMatchObject({ ok: false, error: "VOTER_NOT_FOUND" });
    expect(n.machine.removeVoter(5, dir(5), 14)).toMatchObject({ ok: false, error: "VOTER_NOT_FOUND" });
    const removed = n.machine.removeVoter(1, dir(1), 15);
    if (!removed.ok) throw new Error(removed.message);
    expect(n.machine.voters).toEqual([2]);
    n.machine.flushed(n.log.endOffset, 16);
    // Our own copy no longer counts: only node 2 commits the removal.
    expect(n.machine.isLeader).toBe(true);
    expect(n.machine.highWatermark).toBe(removed.offset);
    fetchFrom(n, 2, n.log.endOffset, 17);
    expect(n.machine.highWatermark).toBe(removed.offset + 1n);
    expect(n.machine.roleName).toBe("resigned");
    expect(n.sent.filter((s) => s.request.kind === "endEpoch").map((s) => s.to)).toEqual([2]);
    expect(n.machine.isVoter).toBe(false);
    // No longer a voter, it never stands for election: it looks for the new leader as an observer.
    n.machine.tick(10_000);
    expect(n.machine.roleName).toBe("unattached");
  });

  it("the last voter cannot be removed; a static quorum refuses voter changes", () => {
    const n = standaloneLeader();
    expect(n.machine.removeVoter(1, dir(1), 10)).toMatchObject({ ok: false, error: "INVALID_REQUEST" });
    const s = node(1, new RaftLog(), [1]);
    s.machine.flushed(s.log.endOffset, 1);
    expect(s.machine.addVoter(voter(2), 2)).toMatchObject({ ok: false, error: "UNSUPPORTED_VERSION" });
  });

  it("a follower that is not the leader refuses voter changes", () => {
    const n = node(2, bootstrapLog([voter(1), voter(2), voter(3)]));
    expect(n.machine.addVoter(voter(4), 1)).toMatchObject({ ok: false, error: "NOT_LEADER_OR_FOLLOWER" });
  });

  it("an observer with no voter set asks the bootstrap servers and follows the leader they name", () => {
    const n = node(4, new RaftLog());
    const machine = new QuorumMachine(
      { ...CONFIG, nodeId: 4, voters: [], bootstrapIds: [-2, -3] },
      n.log,
      { send: (to, request, id) => n.sent.push({ to, request, id }), saveElectionState: () => undefined, random: () => 0.5 },
      { epoch: 0, votedId: NO_VOTE, leaderId: NO_LEADER },
      0,
    );
    machine.tick(1);
    const ask = n.sent.at(-1)!;
    expect(ask.to).toBe(-2);
    machine.handleResponse(-2, ask.id, { kind: "fetch", error: "FENCED_LEADER_EPOCH", epoch: 3, leaderId: 1, highWatermark: 0n, logStartOffset: 0n, batches: [] }, 2);
    expect(machine.roleName).toBe("follower");
    expect(machine.currentLeader).toBe(1);
    expect(n.sent.at(-1)).toMatchObject({ to: 1, request: { kind: "fetch" } });
  });
});

describe("QuorumMachine elections in a dynamic quorum", () => {
  const three = () => bootstrapLog([voter(1), voter(2), voter(3)]);

  it("a follower that hears from its leader ignores a candidate (a removed voter cannot depose it)", () => {
    const n = node(2, three());
    n.machine.handleRequest(1, { kind: "beginEpoch", epoch: 1, leaderId: 1 }, 10);
    const fetch = n.sent.at(-1)!;
    n.machine.handleResponse(1, fetch.id, { kind: "fetch", error: "NONE", epoch: 1, leaderId: 1, highWatermark: 0n, logStartOffset: 0n, batches: [] }, 20);
    const vote = n.machine.handleRequest(3, { kind: "vote", epoch: 5, candidateId: 3, lastEpoch: 9, lastOffset: 99n }, 30);
    expect(vote).toMatchObject({ granted: false, epoch: 1, leaderId: 1 });
    expect(n.machine.currentEpoch).toBe(1);
    // Once the leader resigns (EndQuorumEpoch), candidates are heard again.
    n.machine.handleRequest(1, { kind: "endEpoch", epoch: 1, leaderId: 1, preferredSuccessors: [3, 2] }, 40);
    expect(n.machine.handleRequest(3, { kind: "vote", epoch: 2, candidateId: 3, lastEpoch: 9, lastOffset: 99n }, 50)).toMatchObject({ granted: true, epoch: 2 });
  });

  it("a node that does not know it was added votes all the same; a candidate not among its voters is not refused", () => {
    const n = node(4, bootstrapLog([voter(1), voter(2), voter(3)]));
    expect(n.machine.isVoter).toBe(false);
    expect(n.machine.handleRequest(9, { kind: "vote", epoch: 3, candidateId: 9, lastEpoch: 0, lastOffset: 0n }, 10)).toMatchObject({ granted: true, error: "NONE" });
  });

  it("never follows itself when told it leads an epoch it lost with a restart", () => {
    const n = node(4, new RaftLog());
    const machine = new QuorumMachine(
      { ...CONFIG, nodeId: 4, voters: [], bootstrapIds: [-2] },
      n.log,
      { send: (to, request, id) => n.sent.push({ to, request, id }), saveElectionState: () => undefined, random: () => 0.5 },
      { epoch: 3, votedId: NO_VOTE, leaderId: 4 },
      0,
    );
    machine.tick(1);
    const ask = n.sent.at(-1)!;
    machine.handleResponse(ask.to, ask.id, { kind: "fetch", error: "NOT_LEADER_OR_FOLLOWER", epoch: 3, leaderId: 4, highWatermark: 0n, logStartOffset: 0n, batches: [] }, 2);
    expect(machine.roleName).toBe("unattached");
    expect(machine.currentLeader).toBe(NO_LEADER);
  });

  it("a candidate that hears of a better log steps back instead of standing again first", () => {
    const n = node(2, three());
    n.machine.tick(1500);
    expect(n.machine.roleName).toBe("candidate");
    const epoch = n.machine.currentEpoch;
    expect(n.machine.handleRequest(3, { kind: "vote", epoch, candidateId: 3, lastEpoch: 5, lastOffset: 50n }, 1510)).toMatchObject({ granted: false });
    expect(n.machine.roleName).toBe("unattached");
    n.machine.tick(3400); // a full election timeout and more without standing again
    expect(n.machine.roleName).toBe("unattached");
    expect(n.machine.currentEpoch).toBe(epoch);
  });
});
