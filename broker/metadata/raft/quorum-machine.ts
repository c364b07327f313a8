// The metadata quorum's state machine, after KRaft (KIP-595): pull-based Raft where followers
// Fetch from the leader, the leader derives the high watermark from the offsets voters fetch at,
// and elections use Vote, BeginQuorumEpoch and EndQuorumEpoch.
//
// It is pure and single-threaded: no I/O, no timers, no clock. The driver (quorum-node.ts, or the
// simulation test) feeds it requests, responses, failures and ticks with the current time, and
// it acts through QuorumEffects. Durability is explicit: the election state is saved through
// effects before any vote or epoch change is answered, and only the log's flushed prefix counts
// towards the high watermark (a follower fetches again only once what it got is flushed).
import { RaftLog } from "./raft-log.js";
import { dataBatch, leaderChangeBatch } from "./raft-batches.js";
import type { Uuid } from "../../protocol/primitives.js";
import { findVoter, votersBatch, type Voter } from "./voter-set.js";
import {
  NO_LEADER,
  NO_VOTE,
  type BeginEpochRequest,
  type BeginEpochResponse,
  type ElectionState,
  type EndEpochRequest,
  type EndEpochResponse,
  type FetchRequest,
  type FetchResponse,
  type FetchSnapshotRequest,
  type FetchSnapshotResponse,
  type OffsetAndEpoch,
  type RaftRequest,
  type RaftResponse,
  type VoteRequest,
  type VoteResponse,
} from "./raft-types.js";

export interface QuorumConfig {
  readonly nodeId: number;
  /**
   * Static voter ids (controller.quorum.voters, kraft.version 0); a node not among them is an
   * observer (it replicates but never votes or leads). Empty: a dynamic quorum (KIP-853), whose
   * voters are the latest voter set in the log.
   */
  readonly voters: readonly number[];
  /** A dynamic quorum's controller.quorum.bootstrap.servers, as (negative) ids an observer asks who leads. */
  readonly bootstrapIds?: readonly number[];
  /** This node's metadata directory id (meta.properties), sent with its fetches: a dynamic voter is (id, directory id). */
  readonly directoryId?: Uuid;
  readonly electionTimeoutMs: number;
  readonly fetchTimeoutMs: number;
  readonly electionBackoffMaxMs: number;
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
  readonly fetchMaxBytes: number;
  /** Most snapshot bytes asked for in one FetchSnapshot. */
  readonly fetchSnapshotMaxBytes: number;
}

export interface QuorumEffects {
  /** Sends a request; its answer (or failure) comes back through handleResponse (requestFailed) with the same id. */
  send(to: number, request: RaftRequest, id: number): void;
  /** Must be durable when it returns. */
  saveElectionState(state: ElectionState): void;
  /** A uniformly random number in [0, 1). */
  random(): number;
  /** Leadership is known to have changed (leaderId NO_LEADER: an election is on). */
  leaderChanged?(epoch: number, leaderId: number): void;
  /** The visible high watermark advanced (told once per advance). */
  highWatermarkChanged?(highWatermark: bigint): void;
}

/** What the leader knows of one replica (DescribeQuorum reports it). */
export interface ReplicaProgress {
  readonly nodeId: number;
  /** The directory id it fetches with (Fetch v17); undefined when it sent none. */
  directoryId?: Uuid;
  /** The offset it last fetched at (everything before it is on its disk); -1 before its first fetch. */
  endOffset: bigint;
  lastFetchMs: number;
  lastCaughtUpMs: number;
  /** Our log end when it last fetched (Kafka's rule for lastCaughtUpMs: reaching it by the next fetch counts). */
  lastFetchLeaderEnd?: bigint;
}

/** The answer to a voter change (AddRaftVoter, RemoveRaftVoter, UpdateRaftVoter): where its VotersRecord is, or why not. */
export type VoterChangeResult =
  | { ok: true; offset: bigint }
  | { ok: false; error: "NOT_LEADER_OR_FOLLOWER" | "UNSUPPORTED_VERSION" | "REQUEST_TIMED_OUT" | "DUPLICATE_VOTER" | "VOTER_NOT_FOUND" | "INVALID_REQUEST"; message: string };

type Role =
  | { name: "unattached"; electionDeadline: number }
  | { name: "candidate"; granted: Set<number>; responded: Set<number>; electionDeadline: number; backingOffUntil?: number }
  | {
      name: "follower";
      fetchDeadline: number;
      snapshotFetch?: SnapshotFetch;
      /** Heard from the leader when it was last fetched from (and it did not resign since): a dynamic quorum's follower refuses votes then. */
      heardFromLeader?: boolean;
    }
  | {
      name: "leader";
      epochStart: bigint;
      /** Every replica that fetched from us (voters and observers alike; which is which depends on the voter set) and ourselves. */
      replicas: Map<number, ReplicaProgress>;
      acked: Set<number>;
      checkQuorumDeadline: number;
    }
  | { name: "resigned"; electionDeadline: number };

export type RoleName = Role["name"];

/** A follower behind the leader's log start downloads the leader's snapshot piece by piece. */
interface SnapshotFetch {
  readonly id: OffsetAndEpoch;
  readonly parts: Buffer[];
  position: bigint;
}

interface InFlight {
  id: number;
  kind: RaftRequest["kind"];
  epoch: number;
  deadline: number;
}

export class QuorumMachine {
  private epoch: number;
  private votedId: number;
  private leaderId: number;
  private role: Role;
  private hw = 0n;
  /** The high watermark last told to effects.highWatermarkChanged. */
  private reportedHw = 0n;
  private readonly inFlight = new Map<number, InFlight>();
  private nextRequestId = 1;
  private readonly retryAt = new Map<number, number>();
  /** Round-robin position when looking for the leader among the voters. */
  private probe = 0;

  constructor(
    private readonly config: QuorumConfig,
    readonly log: RaftLog,
    private readonly effects: QuorumEffects,
    saved: ElectionState,
    now: number,
  ) {
    if (new Set(config.voters).size !== config.voters.length) throw new Error(`duplicate voter ids in ${config.voters.join(",")}`);
    this.epoch = saved.epoch;
    this.votedId = saved.votedId;
    this.leaderId = saved.leaderId;
    // A restarted leader does not resume leading: it waits for the next election like everyone.
    if (this.leaderId === config.nodeId) this.leaderId = NO_LEADER;
    this.role =
      this.leaderId !== NO_LEADER ? { name: "follower", fetchDeadline: now + config.fetchTimeoutMs } : { name: "unattached", electionDeadline: this.electionDeadline(now) };
    // A lone voter need not wait for anyone.
    if (this.isVoter && this.majority === 1) this.startElection(now);
  }

  // ── Queries ─────────────────────────────────────────────────────────────────────────────────

  get isVoter(): boolean {
    return this.voters.includes(this.config.nodeId);
  }

  /** kraft.version 1: the voter set is the log's (no static voters configured). */
  get isDynamic(): boolean {
    return this.config.voters.length === 0;
  }

  get isLeader(): boolean {
    return this.role.name === "leader";
  }

  get roleName(): RoleName {
    return this.role.name;
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  get currentLeader(): number {
    return this.leaderId;
  }

  /** Offsets below this are committed. On a follower, only the part it has on disk. */
  /** What a majority holds, as this node knows it (not capped by its own disk: a leader removed from the voters commits without it). */
  get committedOffset(): bigint {
    return this.hw;
  }

  get highWatermark(): bigint {
    const flushed = this.log.flushedEnd;
    return this.hw < flushed ? this.hw : flushed;
  }

  /** The voter ids: the static ones, or the latest voter set in the log (uncommitted included, as KIP-853 says). */
  get voters(): readonly number[] {
    return this.isDynamic ? this.log.latestVoterIds : this.config.voters;
  }

  /** The leader's view of every replica, voters first (for DescribeQuorum); empty elsewhere. */
  replicaProgress(): { voters: ReplicaProgress[]; observers: ReplicaProgress[] } {
    if (this.role.name !== "leader") return { voters: [], observers: [] };
    const replicas = this.role.replicas;
    const copy = (r: ReplicaProgress): ReplicaProgress => (r.nodeId === this.config.nodeId ? { ...r, endOffset: this.log.endOffset, lastFetchMs: -1 } : { ...r });
    const voters = this.voters;
    return {
      voters: voters.map((id) => copy(replicas.get(id) ?? unknownProgress(id))),
      observers: [...replicas.values()].filter((r) => !voters.includes(r.nodeId)).map(copy),
    };
  }

  /** When the machine next needs a tick (absent other input). */
  nextDeadline(): number {
    let next = Infinity;
    const role = this.role;
    if (role.name === "unattached" || role.name === "resigned") next = role.electionDeadline;
    else if (role.name === "candidate") next = role.backingOffUntil ?? role.electionDeadline;
    else if (role.name === "follower") next = role.fetchDeadline;
    else next = role.checkQuorumDeadline;
    for (const f of this.inFlight.values()) next = Math.min(next, f.deadline);
    for (const t of this.retryAt.values()) next = Math.min(next, t);
    return next;
  }

  // ── Writing (leader only) ───────────────────────────────────────────────────────────────────

  /**
   * Appends one batch of record values in the current epoch; it is committed once the high
   * watermark passes its last offset. Returns null when this node is not the leader.
   */
  append(values: readonly Buffer[], now: number): OffsetAndEpoch | null {
    if (this.role.name !== "leader" || values.length === 0) return null;
    const batch = dataBatch(this.log.endOffset, this.epoch, values, now);
    this.log.append([batch]);
    return { offset: batch.lastOffset, epoch: this.epoch };
  }

  // ── Voter changes (leader only, dynamic quorums: KIP-853) ────────────────────────────────────

  /** Adds an observer that has caught up as a voter: appends the new voter set (it counts at once). */
  addVoter(voter: Voter, now: number): VoterChangeResult {
    const refused = this.voterChangeRefused("add");
    if (refused) return refused;
    const voters = this.log.latestVoters ?? [];
    if (findVoter(voters, voter.id)) return { ok: false, error: "DUPLICATE_VOTER", message: `node ${voter.id} is already a voter` };
    const progress = (this.role as { replicas: Map<number, ReplicaProgress> }).replicas.get(voter.id);
    if (!progress || progress.directoryId !== voter.directoryId) {
      return { ok: false, error: "REQUEST_TIMED_OUT", message: `node ${voter.id} with directory ${voter.directoryId} is not fetching from the leader as an observer` };
    }
    if (progress.lastCaughtUpMs < 0 || progress.lastCaughtUpMs < now - this.config.fetchTimeoutMs) {
      return { ok: false, error: "REQUEST_TIMED_OUT", message: `node ${voter.id} has not caught up with the leader's log` };
    }
    return this.appendVoters([...voters, voter], now);
  }

  /** Removes a voter (the leader too: it resigns once the change is committed). */
  removeVoter(id: number, directoryId: Uuid, now: number): VoterChangeResult {
    const refused = this.voterChangeRefused("remove");
    if (refused) return refused;
    const voters = this.log.latestVoters ?? [];
    const voter = findVoter(voters, id);
    if (!voter || voter.directoryId !== directoryId) return { ok: false, error: "VOTER_NOT_FOUND", message: `no voter ${id} with directory ${directoryId}` };
    if (voters.length === 1) return { ok: false, error: "INVALID_REQUEST", message: `node ${id} is the only voter` };
    return this.appendVoters(voters.filter((v) => v.id !== id), now);
  }

  /** A voter's endpoints changed (UpdateRaftVoter): records them; offset -1 when nothing changed. */
  updateVoter(voter: Voter, now: number): VoterChangeResult {
    const refused = this.voterChangeRefused("update");
    if (refused) return refused;
    const voters = this.log.latestVoters ?? [];
    const current = findVoter(voters, voter.id);
    if (!current || current.directoryId !== voter.directoryId) return { ok: false, error: "VOTER_NOT_FOUND", message: `no voter ${voter.id} with directory ${voter.directoryId}` };
    if (JSON.stringify(current.endpoints) === JSON.stringify(voter.endpoints)) return { ok: true, offset: -1n };
    return this.appendVoters(voters.map((v) => (v.id === voter.id ? voter : v)), now);
  }

  /** Kafka's preconditions for any voter change: leader, dynamic, a commit in this epoch, no change still uncommitted. */
  private voterChangeRefused(what: string): Extract<VoterChangeResult, { ok: false }> | undefined {
    if (this.role.name !== "leader") return { ok: false, error: "NOT_LEADER_OR_FOLLOWER", message: `node ${this.config.nodeId} is not the quorum leader` };
    if (!this.isDynamic) return { ok: false, error: "UNSUPPORTED_VERSION", message: `cannot ${what} a voter: kraft.version is 0 (static controller.quorum.voters)` };
    if (this.hw <= this.role.epochStart) return { ok: false, error: "REQUEST_TIMED_OUT", message: "the leader has not yet committed an offset in its epoch" };
    if (this.log.latestVotersOffset >= this.hw) return { ok: false, error: "REQUEST_TIMED_OUT", message: "another voter change is not yet committed" };
    return undefined;
  }

  private appendVoters(voters: readonly Voter[], now: number): VoterChangeResult {
    const batch = votersBatch(this.log.endOffset, this.epoch, voters, now);
    this.log.append([batch]);
    // The majority may have changed (a removal can commit what the old set had not).
    this.updateHighWatermark();
    this.sendWhatIsDue(now);
    return { ok: true, offset: batch.lastOffset };
  }

  /** The driver calls this when the log is durable up to `offset`. */
  flushed(offset: bigint, now: number): void {
    this.log.markFlushed(offset);
    if (this.role.name === "leader") this.updateHighWatermark();
    // Either role: the flush may be what the visible high watermark waited for (the leader's
    // majority can be ahead of its own disk).
    this.reportHighWatermark();
    this.sendWhatIsDue(now);
  }

  /** Graceful shutdown of a leader: hand over to the most caught-up voters (EndQuorumEpoch). */
  resign(now: number): void {
    if (this.role.name !== "leader") return;
    const leader = this.role;
    const voters = this.voters;
    const successors = [...leader.replicas.values()]
      .filter((r) => r.nodeId !== this.config.nodeId && voters.includes(r.nodeId))
      .sort((a, b) => (a.endOffset > b.endOffset ? -1 : a.endOffset < b.endOffset ? 1 : 0))
      .map((r) => r.nodeId);
    this.role = { name: "resigned", electionDeadline: this.electionDeadline(now) };
    this.inFlight.clear();
    for (const voter of successors) {
      this.sendRequest(voter, { kind: "endEpoch", epoch: this.epoch, leaderId: this.config.nodeId, preferredSuccessors: successors }, now);
    }
  }

  // ── Time ────────────────────────────────────────────────────────────────────────────────────

  tick(now: number): void {
    for (const [peer, f] of this.inFlight) {
      if (now >= f.deadline) this.requestFailed(peer, f.id, now);
    }
    for (const [peer, t] of this.retryAt) if (now >= t) this.retryAt.delete(peer);
    const role = this.role;
    switch (role.name) {
      case "unattached":
      case "resigned":
        if (now >= role.electionDeadline) {
          if (this.isVoter) this.startElection(now);
          // A leader removed from the voters (or a resigned one no longer among them) looks for the new leader as an observer.
          else if (role.name === "resigned") this.becomeUnattached(this.epoch, now);
          else role.electionDeadline = now + this.config.retryBackoffMs;
        }
        break;
      case "follower":
        if (now >= role.fetchDeadline) {
          // The leader has been silent too long: voters stand for election, observers look again.
          if (this.isVoter) this.startElection(now);
          else this.becomeUnattached(this.epoch, now);
        }
        break;
      case "candidate":
        if (role.backingOffUntil !== undefined) {
          if (now >= role.backingOffUntil) this.startElection(now);
        } else if (now >= role.electionDeadline) {
          role.backingOffUntil = now + Math.floor(this.effects.random() * this.config.electionBackoffMaxMs);
        }
        break;
      case "leader":
        if (now >= role.checkQuorumDeadline) this.checkQuorum(now);
        break;
    }
    this.sendWhatIsDue(now);
  }

  // ── Requests from peers ─────────────────────────────────────────────────────────────────────

  handleRequest(from: number, request: RaftRequest, now: number): RaftResponse {
    let response: RaftResponse;
    switch (request.kind) {
      case "vote":
        response = this.onVote(request, now);
        break;
      case "beginEpoch":
        response = this.onBeginEpoch(request, now);
        break;
      case "endEpoch":
        response = this.onEndEpoch(request, now);
        break;
      case "fetch":
        response = this.onFetch(request, now);
        break;
      case "fetchSnapshot":
        response = this.onFetchSnapshot(request, now);
        break;
    }
    this.sendWhatIsDue(now);
    return response;
  }

  private onVote(req: VoteRequest, now: number): VoteResponse {
    const reply = (granted: boolean, error: VoteResponse["error"] = "NONE"): VoteResponse => ({
      kind: "vote",
      error,
      epoch: this.epoch,
      leaderId: this.leaderId,
      granted,
    });
    // A dynamic quorum's voter set may be behind the candidate's (KIP-853): only a static one refuses strangers.
    if (!this.isDynamic && !this.voters.includes(req.candidateId)) return reply(false, "INCONSISTENT_VOTER_SET");
    if (req.epoch < this.epoch) return reply(false, "FENCED_LEADER_EPOCH");
    // A dynamic quorum's follower that hears from its leader ignores candidates (Raft's §4.2.3): a
    // removed voter that missed its removal must not depose the leader with ever higher epochs.
    if (this.isDynamic && this.role.name === "follower" && this.role.heardFromLeader && now < this.role.fetchDeadline) return reply(false);
    if (req.epoch > this.epoch) this.becomeUnattached(req.epoch, now);
    // A node that does not see itself among the voters may be one whose addition it has not
    // replicated yet (KIP-853): in a dynamic quorum it votes all the same (the candidate counts only its voters).
    if ((!this.isDynamic && !this.isVoter) || this.leaderId !== NO_LEADER) return reply(false);
    const ours = this.log.lastOffsetAndEpoch;
    const upToDate = req.lastEpoch > ours.epoch || (req.lastEpoch === ours.epoch && req.lastOffset >= ours.offset);
    if (this.votedId !== NO_VOTE) {
      // A dynamic quorum's candidate that hears of a better log than its own steps back for a
      // while: a voter behind several voter changes may be unable to win (its voters are not the
      // others'), and by standing again first every time it would keep the others from winning.
      if (this.isDynamic && this.role.name === "candidate" && this.votedId === this.config.nodeId && upToDate && !(req.lastEpoch === ours.epoch && req.lastOffset === ours.offset)) {
        this.role = { name: "unattached", electionDeadline: now + this.config.electionTimeoutMs + this.randomElectionTimeout() };
      }
      return reply(this.votedId === req.candidateId);
    }
    if (!upToDate) return reply(false);
    this.votedId = req.candidateId;
    this.saveElectionState();
    // Having voted, give the candidate a full election timeout before standing ourselves.
    this.role = { name: "unattached", electionDeadline: this.electionDeadline(now) };
    return reply(true);
  }

  private onBeginEpoch(req: BeginEpochRequest, now: number): BeginEpochResponse {
    if (req.epoch < this.epoch) return { kind: "beginEpoch", error: "FENCED_LEADER_EPOCH", epoch: this.epoch, leaderId: this.leaderId };
    if (req.epoch > this.epoch || this.leaderId !== req.leaderId || this.role.name !== "follower") {
      this.becomeFollower(req.epoch, req.leaderId, now);
    }
    return { kind: "beginEpoch", error: "NONE", epoch: this.epoch, leaderId: this.leaderId };
  }

  private onEndEpoch(req: EndEpochRequest, now: number): EndEpochResponse {
    if (req.epoch < this.epoch) return { kind: "endEpoch", error: "FENCED_LEADER_EPOCH", epoch: this.epoch, leaderId: this.leaderId };
    if (req.epoch > this.epoch || this.leaderId !== req.leaderId) this.becomeFollower(req.epoch, req.leaderId, now);
    if (this.role.name === "follower") this.role.heardFromLeader = false; // it resigned: candidates may be heard
    if (this.role.name === "follower" && this.isVoter) {
      // The most caught-up successor stands at once; the others give it a head start.
      const position = req.preferredSuccessors.indexOf(this.config.nodeId);
      const delay = position < 0 ? this.randomElectionTimeout() : Math.min(this.config.electionBackoffMaxMs, position * this.config.retryBackoffMs * 2 ** position);
      this.role.fetchDeadline = Math.min(this.role.fetchDeadline, now + delay);
    }
    return { kind: "endEpoch", error: "NONE", epoch: this.epoch, leaderId: this.leaderId };
  }

  private onFetch(req: FetchRequest, now: number): FetchResponse {
    const reply = (error: FetchResponse["error"], extra: Partial<FetchResponse> = {}): FetchResponse => ({
      kind: "fetch",
      error,
      epoch: this.epoch,
      leaderId: this.leaderId,
      highWatermark: this.highWatermark,
      logStartOffset: this.log.startOffset,
      batches: [],
      ...extra,
    });
    if (req.epoch < this.epoch) return reply("FENCED_LEADER_EPOCH");
    if (req.epoch > this.epoch) return reply("UNKNOWN_LEADER_EPOCH");
    if (this.role.name !== "leader") return reply("NOT_LEADER_OR_FOLLOWER");
    const leader = this.role;
    // Below our log start (or diverging somewhere we no longer have): the follower must start
    // again from our latest snapshot (KIP-630).
    const snapshot = this.log.latestSnapshot;
    if (snapshot && req.fetchOffset < this.log.startOffset) return reply("NONE", { snapshotId: snapshot.id });
    if (req.fetchOffset > 0n || req.lastFetchedEpoch > 0) {
      const ours = this.log.endOffsetForEpoch(req.lastFetchedEpoch);
      if (snapshot && ours.epoch < 0) return reply("NONE", { snapshotId: snapshot.id });
      if (ours.epoch !== req.lastFetchedEpoch || ours.offset < req.fetchOffset) return reply("NONE", { divergingEpoch: ours });
    }
    const isVoter = this.voters.includes(req.replicaId);
    let progress = leader.replicas.get(req.replicaId);
    if (!progress && req.replicaId >= 0) {
      progress = { nodeId: req.replicaId, endOffset: -1n, lastFetchMs: now, lastCaughtUpMs: -1 };
      leader.replicas.set(req.replicaId, progress);
    }
    if (progress) {
      progress.endOffset = req.fetchOffset;
      if (req.replicaDirectoryId !== undefined) progress.directoryId = req.replicaDirectoryId;
      // Kafka's rule: caught up now when at our end, or as of its previous fetch when it reached our end of then.
      if (req.fetchOffset >= this.log.endOffset) progress.lastCaughtUpMs = now;
      else if (progress.lastFetchLeaderEnd !== undefined && req.fetchOffset >= progress.lastFetchLeaderEnd) progress.lastCaughtUpMs = progress.lastFetchMs;
      progress.lastFetchMs = now;
      progress.lastFetchLeaderEnd = this.log.endOffset;
      if (isVoter) leader.acked.add(req.replicaId);
    }
    if (isVoter) this.updateHighWatermark();
    return reply("NONE", { batches: this.log.read(req.fetchOffset, req.maxBytes) });
  }

  /** A piece of one of our snapshots (the latest, unless it was newer when the download began), for a follower behind our log start (leader only, as in KRaft). */
  private onFetchSnapshot(req: FetchSnapshotRequest, now: number): FetchSnapshotResponse {
    const reply = (error: FetchSnapshotResponse["error"], extra: Partial<FetchSnapshotResponse> = {}): FetchSnapshotResponse => ({
      kind: "fetchSnapshot",
      error,
      epoch: this.epoch,
      leaderId: this.leaderId,
      snapshotId: req.snapshotId,
      size: -1n,
      position: -1n,
      bytes: Buffer.alloc(0),
      ...extra,
    });
    if (req.epoch < this.epoch) return reply("FENCED_LEADER_EPOCH");
    if (req.epoch > this.epoch) return reply("UNKNOWN_LEADER_EPOCH");
    if (this.role.name !== "leader") return reply("NOT_LEADER_OR_FOLLOWER");
    // A voter downloading a snapshot is in touch (check-quorum must not count it as gone).
    const voter = this.role.replicas.get(req.replicaId);
    if (voter) voter.lastFetchMs = now;
    const snapshot = this.log.snapshotFor(req.snapshotId);
    if (!snapshot) return reply("SNAPSHOT_NOT_FOUND");
    const size = BigInt(snapshot.bytes.length);
    if (req.position < 0n || req.position >= size) return reply("POSITION_OUT_OF_RANGE");
    const from = Number(req.position);
    const bytes = snapshot.bytes.subarray(from, from + Math.max(1, req.maxBytes));
    return reply("NONE", { size, position: req.position, bytes });
  }

  // ── Responses and failures ──────────────────────────────────────────────────────────────────

  handleResponse(from: number, id: number, response: RaftResponse, now: number): void {
    const sent = this.inFlight.get(from);
    // A late answer to a request we gave up on, or that an earlier role sent.
    if (!sent || sent.id !== id || sent.kind !== response.kind) return;
    this.inFlight.delete(from);
    if (response.epoch > this.epoch) {
      // (Told that we lead an epoch we do not know: a leadership lost with a restart; wait for the next.)
      if (response.leaderId !== NO_LEADER && response.leaderId !== this.config.nodeId) this.becomeFollower(response.epoch, response.leaderId, now);
      else this.becomeUnattached(response.epoch, now);
    } else if (sent.epoch === this.epoch) {
      switch (response.kind) {
        case "vote":
          this.onVoteResponse(from, response, now);
          break;
        case "beginEpoch":
          if (this.role.name === "leader" && response.error === "NONE") this.role.acked.add(from);
          break;
        case "endEpoch":
          break;
        case "fetch":
          this.onFetchResponse(from, response, now);
          break;
        case "fetchSnapshot":
          this.onFetchSnapshotResponse(from, response, now);
          break;
      }
    }
    this.sendWhatIsDue(now);
  }

  /** A request got no answer (connection refused or lost, or timed out). */
  requestFailed(to: number, id: number, now: number): void {
    if (this.inFlight.get(to)?.id !== id) return;
    this.inFlight.delete(to);
    this.retryAt.set(to, now + this.config.retryBackoffMs);
    // An observer asking a dead voter for the leader tries the next one.
    if (!this.isVoter && this.leaderId === to) this.becomeUnattached(this.epoch, now);
  }

  private onVoteResponse(from: number, response: VoteResponse, now: number): void {
    if (this.role.name !== "candidate") return;
    this.role.responded.add(from);
    if (response.leaderId !== NO_LEADER && response.epoch === this.epoch) {
      this.becomeFollower(this.epoch, response.leaderId, now);
      return;
    }
    if (response.error === "NONE" && response.granted) {
      this.role.granted.add(from);
      if (this.grantedVoters(this.role.granted) >= this.majority) this.becomeLeader(now);
    }
  }

  private onFetchResponse(from: number, response: FetchResponse, now: number): void {
    if (response.error !== "NONE") {
      // Someone who is not the leader told us who is (or that it does not know).
      if (response.leaderId !== NO_LEADER && response.leaderId !== this.leaderId && response.leaderId !== this.config.nodeId && response.epoch >= this.epoch) {
        this.becomeFollower(response.epoch, response.leaderId, now);
      } else {
        this.retryAt.set(from, now + this.config.retryBackoffMs);
      }
      return;
    }
    if (this.role.name !== "follower" || from !== this.leaderId) {
      // An observer that asked a bootstrap server learns who leads; it fetches from the leader by id next.
      if (from < 0 && response.leaderId >= 0 && response.leaderId !== this.config.nodeId && response.epoch >= this.epoch) {
        this.becomeFollower(response.epoch, response.leaderId, now);
        return;
      }
      // An observer that asked around found the leader itself.
      if (response.leaderId !== from || response.epoch !== this.epoch) return;
      this.becomeFollower(response.epoch, from, now);
    }
    if (this.role.name !== "follower") return;
    this.role.fetchDeadline = now + this.config.fetchTimeoutMs;
    this.role.heardFromLeader = true;
    if (response.divergingEpoch) {
      this.truncateToDivergence(response.divergingEpoch);
      return;
    }
    if (response.snapshotId) {
      // Our log ends before the leader's starts: what we miss exists only as its snapshot.
      this.role.snapshotFetch = { id: response.snapshotId, parts: [], position: 0n };
      return;
    }
    const batches = response.batches.filter((b) => b.baseOffset >= this.log.endOffset);
    if (batches.length > 0 && batches[0]!.baseOffset === this.log.endOffset) this.log.append(batches);
    if (response.highWatermark > this.hw) {
      this.hw = response.highWatermark;
      this.reportHighWatermark();
    }
  }

  private onFetchSnapshotResponse(from: number, response: FetchSnapshotResponse, now: number): void {
    const role = this.role;
    if (role.name !== "follower" || from !== this.leaderId || !role.snapshotFetch) return;
    const fetch = role.snapshotFetch;
    if (response.error === "SNAPSHOT_NOT_FOUND" || response.error === "POSITION_OUT_OF_RANGE") {
      // The leader moved on to a newer snapshot: fetch again to learn which.
      role.snapshotFetch = undefined;
      return;
    }
    if (response.error !== "NONE") {
      if (response.leaderId !== NO_LEADER && response.leaderId !== this.leaderId && response.epoch >= this.epoch) {
        this.becomeFollower(response.epoch, response.leaderId, now);
      } else {
        this.retryAt.set(from, now + this.config.retryBackoffMs);
      }
      return;
    }
    role.fetchDeadline = now + this.config.fetchTimeoutMs;
    if (response.snapshotId.offset !== fetch.id.offset || response.snapshotId.epoch !== fetch.id.epoch || response.position !== fetch.position) return;
    fetch.parts.push(response.bytes);
    fetch.position += BigInt(response.bytes.length);
    if (fetch.position < response.size) return;
    role.snapshotFetch = undefined;
    if (fetch.id.offset < this.hw) throw new Error(`raft: snapshot ending at ${fetch.id.offset} is below the committed ${this.hw}`);
    this.log.installSnapshot({ id: fetch.id, bytes: Buffer.concat(fetch.parts) });
    // A leader sends only committed snapshots: the high watermark is at least its end.
    if (fetch.id.offset > this.hw) this.hw = fetch.id.offset;
    this.reportHighWatermark();
  }

  /** KRaft's rule: cut at the end of the leader's diverging epoch, or of our own largest epoch below it. */
  private truncateToDivergence(diverging: OffsetAndEpoch): void {
    const ours = this.log.endOffsetForEpoch(diverging.epoch);
    let offset: bigint;
    if (diverging.epoch === 0) offset = diverging.offset < this.log.endOffset ? diverging.offset : this.log.endOffset;
    else if (ours.epoch === diverging.epoch) offset = ours.offset < diverging.offset ? ours.offset : diverging.offset;
    else offset = ours.offset;
    if (offset < 0n) offset = this.log.startOffset;
    if (offset < this.hw) throw new Error(`raft: asked to truncate to ${offset}, below the committed ${this.hw}`);
    this.log.truncateTo(offset);
  }

  // ── Transitions ─────────────────────────────────────────────────────────────────────────────

  private startElection(now: number): void {
    this.inFlight.clear(); // whatever the old role asked is moot
    this.epoch += 1;
    this.votedId = this.config.nodeId;
    this.leaderId = NO_LEADER;
    this.saveElectionState();
    this.role = { name: "candidate", granted: new Set([this.config.nodeId]), responded: new Set(), electionDeadline: this.electionDeadline(now) };
    this.effects.leaderChanged?.(this.epoch, NO_LEADER);
    if (this.majority === 1) this.becomeLeader(now);
  }

  private becomeLeader(now: number): void {
    this.inFlight.clear(); // whatever the old role asked is moot
    const granted = this.role.name === "candidate" ? [...this.role.granted] : [this.config.nodeId];
    this.leaderId = this.config.nodeId;
    this.saveElectionState();
    const epochStart = this.log.endOffset;
    const replicas = new Map<number, ReplicaProgress>();
    for (const id of this.voters) replicas.set(id, unknownProgress(id));
    replicas.set(this.config.nodeId, replicas.get(this.config.nodeId) ?? unknownProgress(this.config.nodeId));
    this.role = {
      name: "leader",
      epochStart,
      replicas,
      acked: new Set([this.config.nodeId]),
      checkQuorumDeadline: now + this.checkQuorumTimeoutMs,
    };
    this.log.append([leaderChangeBatch(epochStart, this.epoch, this.config.nodeId, this.voters, granted, now)]);
    // A voter set known only from the bootstrap checkpoint goes into the log (as Kafka's leader
    // does), so a replica fetching the log from its start learns it.
    if (this.isDynamic && !this.log.logHoldsVoters && this.log.latestVoters) {
      this.log.append([votersBatch(this.log.endOffset, this.epoch, this.log.latestVoters, now, true)]);
    }
    this.effects.leaderChanged?.(this.epoch, this.leaderId);
  }

  private becomeFollower(epoch: number, leaderId: number, now: number): void {
    this.inFlight.clear(); // whatever the old role asked is moot
    const changed = epoch !== this.epoch || leaderId !== this.leaderId;
    if (epoch !== this.epoch) this.votedId = NO_VOTE;
    this.epoch = epoch;
    this.leaderId = leaderId;
    if (changed) this.saveElectionState();
    this.role = { name: "follower", fetchDeadline: now + this.config.fetchTimeoutMs };
    if (changed) this.effects.leaderChanged?.(epoch, leaderId);
  }

  private becomeUnattached(epoch: number, now: number): void {
    this.inFlight.clear(); // whatever the old role asked is moot
    const changed = epoch !== this.epoch || this.leaderId !== NO_LEADER;
    if (epoch !== this.epoch) this.votedId = NO_VOTE;
    this.epoch = epoch;
    this.leaderId = NO_LEADER;
    if (changed) this.saveElectionState();
    this.role = { name: "unattached", electionDeadline: this.electionDeadline(now) };
    if (changed) this.effects.leaderChanged?.(epoch, NO_LEADER);
  }

  /** A leader that has not heard from a majority within 1.5 fetch timeouts steps down (KRaft's check-quorum). */
  private checkQuorum(now: number): void {
    if (this.role.name !== "leader") return;
    const since = now - this.checkQuorumTimeoutMs;
    let heard = this.isVoter ? 1 : 0;
    for (const id of this.voters) {
      const r = this.role.replicas.get(id);
      if (r && r.nodeId !== this.config.nodeId && r.lastFetchMs >= since) heard++;
    }
    if (heard >= this.majority) this.role.checkQuorumDeadline = now + this.checkQuorumTimeoutMs;
    else this.resign(now);
  }

  // ── Helpers ─────────────────────────────────────────────────────────────────────────────────

  /** Sends whatever the current role owes its peers and is not already in flight. */
  private sendWhatIsDue(now: number): void {
    this.resignIfRemoved(now);
    const role = this.role;
    if (role.name === "candidate" && role.backingOffUntil === undefined) {
      const vote: VoteRequest = {
        kind: "vote",
        epoch: this.epoch,
        candidateId: this.config.nodeId,
        lastEpoch: this.log.lastEpoch,
        lastOffset: this.log.endOffset,
      };
      for (const voter of this.voters) {
        if (voter !== this.config.nodeId && !role.responded.has(voter)) this.sendRequest(voter, vote, now);
      }
    } else if (role.name === "leader") {
      for (const voter of this.voters) {
        if (!role.acked.has(voter)) this.sendRequest(voter, { kind: "beginEpoch", epoch: this.epoch, leaderId: this.config.nodeId }, now);
      }
    } else if (role.name === "follower") {
      if (role.snapshotFetch) {
        const fetch = role.snapshotFetch;
        this.sendRequest(
          this.leaderId,
          { kind: "fetchSnapshot", replicaId: this.config.nodeId, epoch: this.epoch, snapshotId: fetch.id, position: fetch.position, maxBytes: this.config.fetchSnapshotMaxBytes },
          now,
        );
      } else if (this.log.flushedEnd === this.log.endOffset) {
        // Fetch again only once what we have is on disk: the offset we fetch at is a promise.
        this.sendRequest(this.leaderId, this.fetchRequest(), now);
      }
    } else if (role.name === "unattached" && !this.isVoter && this.probeTargets.length > 0) {
      // An observer asks the voters (or the bootstrap servers) in turn who leads.
      const targets = this.probeTargets;
      const voter = targets[this.probe % targets.length]!;
      if (!this.inFlight.has(voter) && !this.retryAt.has(voter)) {
        this.probe++;
        this.sendRequest(voter, this.fetchRequest(), now);
      }
    }
  }

  /**
   * Who an observer asks for the leader: the voters, and a dynamic quorum's bootstrap servers too
   * (a node with no voter set knows only them; one whose voters all left still finds the leader
   * if a bootstrap server knows it).
   */
  private get probeTargets(): readonly number[] {
    const voters = this.voters.filter((id) => id !== this.config.nodeId);
    return [...voters, ...(this.config.bootstrapIds ?? [])];
  }

  /** A leader whose removal from the voters has committed steps down (KIP-853). */
  private resignIfRemoved(now: number): void {
    if (this.role.name === "leader" && this.isDynamic && !this.isVoter && this.hw > this.log.latestVotersOffset) this.resign(now);
  }

  private grantedVoters(granted: ReadonlySet<number>): number {
    let n = 0;
    for (const id of this.voters) if (granted.has(id)) n++;
    return n;
  }

  private fetchRequest(): FetchRequest {
    return {
      kind: "fetch",
      replicaId: this.config.nodeId,
      ...(this.config.directoryId !== undefined ? { replicaDirectoryId: this.config.directoryId } : {}),
      epoch: this.epoch,
      fetchOffset: this.log.endOffset,
      lastFetchedEpoch: this.log.lastEpoch,
      maxBytes: this.config.fetchMaxBytes,
    };
  }

  private sendRequest(to: number, request: RaftRequest, now: number): void {
    if (to === this.config.nodeId || this.inFlight.has(to) || this.retryAt.has(to)) return;
    const id = this.nextRequestId++;
    this.inFlight.set(to, { id, kind: request.kind, epoch: this.epoch, deadline: now + this.config.requestTimeoutMs });
    this.effects.send(to, request, id);
  }

  private updateHighWatermark(): void {
    if (this.role.name !== "leader") return;
    const replicas = this.role.replicas;
    replicas.get(this.config.nodeId)!.endOffset = this.log.flushedEnd;
    const offsets = this.voters.map((id) => replicas.get(id)?.endOffset ?? -1n).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
    const candidate = offsets[this.majority - 1];
    if (candidate === undefined) return;
    // Only an offset past this epoch's first record may commit: earlier entries commit with it.
    if (candidate > this.role.epochStart && candidate > this.hw) {
      this.hw = candidate;
      this.reportHighWatermark();
    }
  }

  /** Tells effects of every advance of the visible high watermark (min of hw and flushed end), once. */
  private reportHighWatermark(): void {
    const visible = this.highWatermark;
    if (visible <= this.reportedHw) return;
    this.reportedHw = visible;
    this.effects.highWatermarkChanged?.(visible);
  }

  private saveElectionState(): void {
    this.effects.saveElectionState({ epoch: this.epoch, votedId: this.votedId, leaderId: this.leaderId });
  }

  private get majority(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  private get checkQuorumTimeoutMs(): number {
    return Math.floor(this.config.fetchTimeoutMs * 1.5);
  }

  private randomElectionTimeout(): number {
    return this.config.electionTimeoutMs + Math.floor(this.effects.random() * this.config.electionTimeoutMs);
  }

  private electionDeadline(now: number): number {
    return now + this.randomElectionTimeout();
  }
}

function unknownProgress(nodeId: number): ReplicaProgress {
  return { nodeId, endOffset: -1n, lastFetchMs: -1, lastCaughtUpMs: -1 };
}
