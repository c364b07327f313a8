// A deterministic simulation of a metadata quorum: QuorumMachines wired by a simulated network
// with delays, drops, partitions and crash-restarts (losing whatever was not flushed), driven
// by a seeded random schedule. Nodes take snapshots of their committed log and drop the log's
// front below them (KIP-630), so a node that was down or cut off long enough catches up through
// FetchSnapshot. It checks Raft's safety properties on every step: one leader per epoch,
// committed batches never change on any node (where two nodes both hold them), every new leader
// holds all of them or a snapshot covering them, and every snapshot equals the committed log it
// replaces. With `voterChanges` the quorum is dynamic (KIP-853): the initial voters start from a
// bootstrap checkpoint, the other nodes find the leader through them as bootstrap servers, and
// the leader is asked now and then to add a node or remove a voter; then it also checks that a
// leader never holds more than one uncommitted voter change.
// Used by quorum-simulation.test.ts; a failing seed replays exactly.
import { createHash } from "node:crypto";
import type { Uuid } from "../../protocol/primitives.js";
import { RaftLog } from "./raft-log.js";
import { QuorumMachine, type QuorumConfig } from "./quorum-machine.js";
import { NO_LEADER, NO_VOTE, type ElectionState, type OffsetAndEpoch, type RaftBatch, type RaftRequest, type RaftResponse, type RaftSnapshot } from "./raft-types.js";
import { planRetention } from "./snapshot-retention.js";
import { buildSnapshot } from "./snapshot-file.js";
import { votersInBatch, type Voter } from "./voter-set.js";

/** mulberry32: a small seeded generator, enough for schedules. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A log that counts truncations, so a flush scheduled before one is not applied after it. */
class SimLog extends RaftLog {
  generation = 0;
  installs = 0;
  override truncateTo(offset: bigint): void {
    if (offset < this.endOffset) this.generation++;
    super.truncateTo(offset);
  }
  override installSnapshot(snapshot: RaftSnapshot): void {
    this.generation++;
    this.installs++;
    super.installSnapshot(snapshot);
  }
}

/**
 * A simulated snapshot stands for the state after the committed batches before its end: a hash
 * chained over their bytes, padded so FetchSnapshot needs several pieces.
 */
const SNAPSHOT_PADDING = 100;
const EMPTY_CHAIN = createHash("sha256").update("").digest();

function chain(previous: Buffer, batches: readonly RaftBatch[]): Buffer {
  let h = previous;
  for (const b of batches) h = createHash("sha256").update(h).update(b.bytes).digest();
  return h;
}

function snapshotBytes(hash: Buffer): Buffer {
  return Buffer.concat([hash, Buffer.alloc(SNAPSHOT_PADDING, 0x2e)]);
}

/** Offsets a node's committed log must grow past its latest snapshot before it takes another. */
const SNAPSHOT_EVERY_OFFSETS = 8n;

interface SimNode {
  id: number;
  up: boolean;
  log: SimLog;
  machine: QuorumMachine;
  election: ElectionState;
  /** The high watermark the machine last reported (what a driver resolves waiting writers with). */
  reportedHw: bigint;
  /** Snapshots on this node's disk, oldest first (the log starts at the oldest). */
  snapshots: RaftSnapshot[];
}

interface Event {
  at: number;
  seq: number;
  run: () => void;
}

export interface SimulationOptions {
  seed: number;
  voters: number;
  observers?: number;
  /** Simulated milliseconds of faults before everything heals. */
  faultMs: number;
  /** Simulated milliseconds after healing in which a record must commit everywhere. */
  settleMs: number;
  /** Take snapshots and drop the log's front below them (metadata.max.retention.bytes 0). */
  snapshots?: boolean;
  /** One node goes down for a third of the fault time, so it must catch up through a snapshot. */
  longOutage?: boolean;
  /**
   * A dynamic quorum (KIP-853): the `voters` initial voters start from a bootstrap checkpoint, the
   * observers know only them (as bootstrap servers), and voters are added and removed during the
   * faults. (Not combined with `snapshots`: the simulated snapshots are hashes, without a voter set.)
   */
  voterChanges?: boolean;
}

export interface SimulationReport {
  seed: number;
  committedBatches: number;
  elections: number;
  crashes: number;
  partitions: number;
  proposals: number;
  /** Simulated ms from healing until a record proposed then is committed on every node. */
  recoveryMs: number;
  snapshotsTaken: number;
  /** Snapshots fetched from a leader with FetchSnapshot and installed. */
  snapshotInstalls: number;
  /** Voter changes a leader accepted (with voterChanges). */
  voterChanges: number;
}

export class QuorumSimulation {
  private now = 0;
  private seq = 0;
  private readonly queue: Event[] = [];
  private readonly random: () => number;
  private readonly nodes = new Map<number, SimNode>();
  private readonly cut = new Set<string>();
  private dropRate = 0;
  private readonly leaders = new Map<number, number>();
  /** Committed batches by base offset: what every node must agree on forever. */
  private readonly committed = new Map<bigint, RaftBatch>();
  private committedEnd = 0n;
  private proposals = 0;
  private stats = { elections: 0, crashes: 0, partitions: 0, snapshotsTaken: 0, snapshotInstalls: 0, voterChanges: 0 };
  /** A dynamic quorum's initial voters: its bootstrap servers (-2, -3, … stand for them). */
  private readonly initialVoters: number[];
  private readonly bootstrap: RaftSnapshot | undefined;
  /** Nodes that have been voters (initial, or added by an accepted change). */
  private readonly everVoter = new Set<number>();
  /** The hash chain over the committed batches, by the offset after each (what snapshots must equal). */
  private readonly chainAt = new Map<bigint, Buffer>([[0n, EMPTY_CHAIN]]);
  private chainEnd = 0n;
  private readonly config: Omit<QuorumConfig, "nodeId">;

  constructor(private readonly opts: SimulationOptions) {
    this.random = seededRandom(opts.seed);
    const voters = Array.from({ length: opts.voters }, (_, i) => i + 1);
    if (opts.voterChanges && opts.snapshots) throw new Error("voterChanges cannot be combined with snapshots in the simulation");
    this.initialVoters = voters;
    for (const id of voters) this.everVoter.add(id);
    this.bootstrap = opts.voterChanges
      ? { id: { offset: 0n, epoch: 0 }, bytes: buildSnapshot({ offset: 0n, epoch: 0 }, [], -1n, 0, voters.map(simVoter)) }
      : undefined;
    this.config = {
      voters: opts.voterChanges ? [] : voters,
      ...(opts.voterChanges ? { bootstrapIds: voters.map((_, i) => -2 - i) } : {}),
      electionTimeoutMs: 1000,
      fetchTimeoutMs: 2000,
      electionBackoffMaxMs: 1000,
      requestTimeoutMs: 500,
      retryBackoffMs: 20,
      fetchMaxBytes: 4096,
      fetchSnapshotMaxBytes: 64,
    };
    const ids = [...voters, ...Array.from({ length: opts.observers ?? 0 }, (_, i) => 100 + i)];
    for (const id of ids) {
      const log = new SimLog();
      // The initial voters were formatted with --initial-controllers; the others know no voter set.
      if (this.bootstrap && voters.includes(id)) log.addSnapshot(this.bootstrap);
      const node: SimNode = { id, up: true, log, election: { epoch: 0, votedId: NO_VOTE, leaderId: NO_LEADER }, machine: undefined!, reportedHw: 0n, snapshots: [] };
      this.nodes.set(id, node);
      node.machine = this.newMachine(node);
    }
  }

  run(): SimulationReport {
    for (const node of this.nodes.values()) this.scheduleTick(node);
    this.scheduleFault(this.now + 100);
    this.scheduleProposal(this.now + 10);
    if (this.opts.voterChanges) this.scheduleVoterChange(this.now + 1000);
    if (this.opts.longOutage) this.scheduleLongOutage();
    const faultEnd = this.opts.faultMs;
    this.runUntil(faultEnd);
    this.heal();
    const healedAt = this.now;
    // Propose after healing until a proposal commits on every node; one made by a leader that
    // lost its epoch before committing may be truncated away, so a new leader proposes again.
    let target: { offset: bigint; epoch: number } | undefined;
    const deadline = healedAt + this.opts.settleMs;
    while (this.now < deadline) {
      this.runUntil(this.now + 50);
      const leader = [...this.nodes.values()].find((n) => n.up && n.machine.isLeader);
      if (leader && (target === undefined || target.epoch !== leader.machine.currentEpoch)) {
        target = leader.machine.append([Buffer.from(`final-${this.opts.seed}`)], this.now) ?? undefined;
        this.scheduleFlush(leader);
      }
      // Judged by what each machine reported: a commit nobody is told of leaves writers waiting.
      if (target !== undefined && this.mustCatchUp(leader).every((n) => n.reportedHw > target!.offset)) {
        this.countInstalls();
        return { seed: this.opts.seed, committedBatches: this.committed.size, proposals: this.proposals, recoveryMs: this.now - healedAt, ...this.stats };
      }
    }
    const state = [...this.nodes.values()].map(
      (n) =>
        `${n.id}:${n.machine.roleName}@${n.machine.currentEpoch} hw=${n.machine.highWatermark} reported=${n.reportedHw} start=${n.log.startOffset} end=${n.log.endOffset}` +
        (this.opts.voterChanges ? ` voters=${n.machine.voters.join("+")} voted=${n.election.votedId}` : ""),
    );
    throw new Error(`seed ${this.opts.seed}: no progress ${this.opts.settleMs} ms after healing (${state.join(", ")})`);
  }

  /**
   * The nodes that must see the final record: all of them, except in a dynamic quorum a node
   * removed from the voters and not added back. Cut off when it was removed, it may stand for
   * election for ever at epochs nobody follows (no pre-vote yet, KIP-996); Kafka's operators stop
   * a removed controller.
   */
  private mustCatchUp(leader: SimNode | undefined): SimNode[] {
    const nodes = [...this.nodes.values()];
    if (!this.opts.voterChanges || !leader) return nodes;
    const voters = leader.machine.voters;
    return nodes.filter((n) => voters.includes(n.id) || !this.everVoter.has(n.id));
  }

  // ── Event loop ──────────────────────────────────────────────────────────────────────────────

  private at(at: number, run: () => void): void {
    const event = { at, seq: this.seq++, run };
    // Binary insertion keeps the queue ordered by (time, sequence): deterministic.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.queue[mid]!;
      if (e.at < at || (e.at === at && e.seq < event.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, event);
  }

  private runUntil(end: number): void {
    while (this.queue.length > 0 && this.queue[0]!.at <= end) {
      const event = this.queue.shift()!;
      this.now = event.at;
      event.run();
      this.check();
    }
    this.now = end;
  }

  private between(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  // ── Nodes ───────────────────────────────────────────────────────────────────────────────────

  private newMachine(node: SimNode): QuorumMachine {
    return new QuorumMachine({ ...this.config, nodeId: node.id, directoryId: simVoter(node.id).directoryId }, node.log, {
      send: (to, request, id) => this.send(node, to, request, id),
      saveElectionState: (state) => {
        node.election = state;
      },
      random: this.random,
      highWatermarkChanged: (hw) => {
        node.reportedHw = hw;
      },
      leaderChanged: (epoch, leaderId) => {
        if (leaderId !== node.id) return;
        this.stats.elections++;
        const known = this.leaders.get(epoch);
        if (known !== undefined && known !== node.id) throw new Error(`seed ${this.opts.seed}: two leaders in epoch ${epoch}: ${known} and ${node.id}`);
        this.leaders.set(epoch, node.id);
        this.checkLeaderCompleteness(node);
      },
    }, node.election, this.now);
  }

  private scheduleTick(node: SimNode): void {
    const machine = node.machine;
    this.at(this.now + 10, () => {
      if (!node.up || node.machine !== machine) return;
      machine.tick(this.now);
      if (this.opts.snapshots) this.maybeSnapshot(node);
      this.scheduleFlush(node);
      this.scheduleTick(node);
    });
  }

  /** Writes reach the disk a little later, in order; a truncation in between voids the flush. */
  private scheduleFlush(node: SimNode): void {
    const { log, machine } = node;
    if (log.flushedEnd === log.endOffset) return;
    const target = log.endOffset;
    const generation = log.generation;
    this.at(this.now + this.between(1, 8), () => {
      if (!node.up || node.machine !== machine || log.generation !== generation) return;
      machine.flushed(target, this.now);
      this.scheduleFlush(node);
    });
  }

  private crash(node: SimNode, downMs: number): void {
    node.up = false;
    this.stats.crashes++;
    this.at(this.now + downMs, () => {
      // What survives: the election state (saved synchronously) and the flushed prefix of the log.
      // Snapshots are durable when taken or installed, and the log starts at the oldest one.
      const durable = node.log.range(node.log.startOffset, node.log.flushedEnd).filter((b) => b.lastOffset < node.log.flushedEnd);
      this.countInstalls(node);
      this.keepInstalled(node);
      const log = new SimLog(node.log.start);
      if (this.bootstrap && this.initialVoters.includes(node.id)) log.addSnapshot(this.bootstrap);
      log.append(durable);
      log.markFlushed(log.endOffset);
      for (const s of node.snapshots) log.addSnapshot(s);
      node.log = log;
      node.up = true;
      node.reportedHw = 0n;
      node.machine = this.newMachine(node);
      this.scheduleTick(node);
    });
  }

  /** Like a node's metadata store: snapshot the committed log now and then, then drop what retention allows. */
  private maybeSnapshot(node: SimNode): void {
    const { log } = node;
    this.keepInstalled(node);
    const latest = node.snapshots.at(-1);
    const from = latest?.id.offset ?? log.startOffset;
    const hw = node.machine.highWatermark;
    if (hw < from + SNAPSHOT_EVERY_OFFSETS) return;
    const batches = log.range(from, hw).filter((b) => b.lastOffset < hw);
    if (batches.length === 0) return;
    const end = batches.at(-1)!.lastOffset + 1n;
    const previous = latest ? latest.bytes.subarray(0, 32) : EMPTY_CHAIN;
    const snapshot: RaftSnapshot = { id: log.snapshotIdAt(end), bytes: snapshotBytes(chain(previous, batches)) };
    log.addSnapshot(snapshot);
    node.snapshots.push(snapshot);
    this.stats.snapshotsTaken++;
    const plan = planRetention({
      logStart: log.startOffset,
      snapshots: node.snapshots.map((s) => s.id),
      batches: log.range(log.startOffset, log.endOffset).map((b) => ({ baseOffset: b.baseOffset, lastOffset: b.lastOffset, sizeBytes: b.bytes.length, maxTimestamp: this.now })),
      retentionBytes: 0,
      retentionMs: -1,
      nowMs: this.now,
    });
    if (plan.newStart) log.dropPrefix(plan.newStart);
    const doomed = (s: RaftSnapshot) => plan.deleteSnapshots.some((d: OffsetAndEpoch) => d.offset === s.id.offset && d.epoch === s.id.epoch);
    for (const s of node.snapshots.filter(doomed)) log.forgetSnapshot(s.id);
    node.snapshots = node.snapshots.filter((s) => !doomed(s));
  }

  /** A snapshot fetched from the leader is on disk already (it replaced every older one). */
  private keepInstalled(node: SimNode): void {
    const installed = node.log.latestSnapshot;
    if (installed && !node.snapshots.includes(installed)) node.snapshots = [installed];
  }

  /** Adds up FetchSnapshot installs of a node's current log (or of every node's). */
  private countInstalls(only?: SimNode): void {
    for (const node of only ? [only] : this.nodes.values()) {
      this.stats.snapshotInstalls += node.log.installs;
      node.log.installs = 0;
    }
  }

  // ── Network ─────────────────────────────────────────────────────────────────────────────────

  private linkUp(a: number, b: number): boolean {
    return !this.cut.has(`${a}-${b}`) && !this.cut.has(`${b}-${a}`);
  }

  private deliverable(from: number, to: number): boolean {
    return this.linkUp(from, to) && this.random() >= this.dropRate;
  }

  private send(from: SimNode, to: number, request: RaftRequest, id: number): void {
    const sender = from.machine;
    // A bootstrap server (negative id) is one of the initial voters; its answer comes back as from that id.
    const target = this.nodes.get(to < 0 ? this.initialVoters[-2 - to]! : to)!;
    if (!this.deliverable(from.id, target.id)) return; // lost: the sender times out
    this.at(this.now + this.between(1, 15), () => {
      if (!target.up || !this.linkUp(from.id, target.id)) return;
      const response = target.machine.handleRequest(from.id, request, this.now);
      this.scheduleFlush(target);
      this.reply(target.id, from, sender, response, request, id, to);
    });
  }

  private reply(from: number, to: SimNode, machine: QuorumMachine, response: RaftResponse, request: RaftRequest, id: number, as = from): void {
    if (!this.deliverable(from, to.id)) return;
    // An empty fetch answer waits a little, as a long poll would.
    const idle = request.kind === "fetch" && response.kind === "fetch" && response.batches.length === 0 && !response.divergingEpoch;
    this.at(this.now + this.between(1, 15) + (idle ? 50 : 0), () => {
      if (!to.up || to.machine !== machine || !this.linkUp(from, to.id)) return;
      machine.handleResponse(as, id, response, this.now);
      this.scheduleFlush(to);
    });
  }

  // ── Faults and load ─────────────────────────────────────────────────────────────────────────

  private scheduleFault(at: number): void {
    this.at(at, () => {
      if (this.now >= this.opts.faultMs) return;
      const ids = [...this.nodes.keys()];
      const pick = ids[Math.floor(this.random() * ids.length)]!;
      const node = this.nodes.get(pick)!;
      const kind = this.random();
      if (kind < 0.3) {
        if (node.up) this.crash(node, this.between(50, 3000));
      } else if (kind < 0.55) {
        // Isolate one node from everyone for a while.
        this.stats.partitions++;
        const links = ids.filter((id) => id !== pick).map((id) => `${pick}-${id}`);
        for (const l of links) this.cut.add(l);
        this.at(this.now + this.between(200, 5000), () => links.forEach((l) => this.cut.delete(l)));
      } else if (kind < 0.75) {
        // Cut one link (asymmetric views of the cluster).
        const other = ids.filter((id) => id !== pick)[Math.floor(this.random() * (ids.length - 1))]!;
        this.stats.partitions++;
        const link = `${pick}-${other}`;
        this.cut.add(link);
        this.at(this.now + this.between(200, 5000), () => this.cut.delete(link));
      } else if (kind < 0.85) {
        this.dropRate = this.random() * 0.3;
      } else {
        this.dropRate = 0;
      }
      this.scheduleFault(this.now + this.between(100, 1500));
    });
  }

  private scheduleProposal(at: number): void {
    this.at(at, () => {
      if (this.now >= this.opts.faultMs) return;
      const leader = [...this.nodes.values()].find((n) => n.up && n.machine.isLeader);
      if (leader) {
        const values = Array.from({ length: this.between(1, 3) }, () => Buffer.from(`r${this.proposals++}`));
        leader.machine.append(values, this.now);
        this.scheduleFlush(leader);
      }
      this.scheduleProposal(this.now + this.between(5, 60));
    });
  }

  /** Asks the leader, now and then, to add a node that is not a voter or to remove a voter (it may refuse). */
  private scheduleVoterChange(at: number): void {
    this.at(at, () => {
      if (this.now >= this.opts.faultMs) return;
      const leader = [...this.nodes.values()].find((n) => n.up && n.machine.isLeader);
      if (leader) {
        const voters = leader.machine.voters;
        const others = [...this.nodes.keys()].filter((id) => !voters.includes(id));
        const add = others.length > 0 && (voters.length <= 2 || this.random() < 0.5);
        const result = add
          ? leader.machine.addVoter(simVoter(others[Math.floor(this.random() * others.length)]!), this.now)
          : (() => {
              const id = voters[Math.floor(this.random() * voters.length)]!;
              return leader.machine.removeVoter(id, simVoter(id).directoryId, this.now);
            })();
        if (result.ok) {
          this.stats.voterChanges++;
          for (const id of leader.machine.voters) this.everVoter.add(id);
        }
        this.scheduleFlush(leader);
      }
      this.scheduleVoterChange(this.now + this.between(300, 2500));
    });
  }

  private scheduleLongOutage(): void {
    const ids = [...this.nodes.keys()];
    const node = this.nodes.get(ids[Math.floor(this.random() * ids.length)]!)!;
    this.at(Math.floor(this.opts.faultMs / 3), () => {
      if (node.up) this.crash(node, Math.floor(this.opts.faultMs / 3));
    });
  }

  private heal(): void {
    this.cut.clear();
    this.dropRate = 0;
  }

  // ── Invariants ──────────────────────────────────────────────────────────────────────────────

  /** How far each machine's committed prefix has been compared (a restarted node starts again from 0). */
  private readonly checkedUpTo = new WeakMap<QuorumMachine, bigint>();

  private check(): void {
    for (const node of this.nodes.values()) {
      if (!node.up) continue;
      if (this.opts.voterChanges && node.machine.isLeader) this.checkOneVoterChange(node);
      const hw = node.machine.highWatermark;
      const from = this.checkedUpTo.get(node.machine) ?? node.log.startOffset;
      if (hw <= from) continue;
      for (const batch of node.log.range(from, hw)) {
        if (batch.lastOffset >= hw) break;
        const known = this.committed.get(batch.baseOffset);
        if (!known) {
          if (batch.baseOffset !== this.committedEnd) {
            throw new Error(`seed ${this.opts.seed}: node ${node.id} committed a batch at ${batch.baseOffset}, after a gap from ${this.committedEnd}`);
          }
          this.committed.set(batch.baseOffset, batch);
          this.committedEnd = batch.lastOffset + 1n;
        } else if (!known.bytes.equals(batch.bytes)) {
          throw new Error(`seed ${this.opts.seed}: node ${node.id} has a different committed batch at ${batch.baseOffset}`);
        }
        this.checkedUpTo.set(node.machine, batch.lastOffset + 1n);
      }
    }
    for (const node of this.nodes.values()) if (node.up) this.checkSnapshots(node);
  }

  /** Hashes newly committed batches into the chain, in offset order. */
  private extendChain(): void {
    while (this.chainEnd < this.committedEnd) {
      const batch = this.committed.get(this.chainEnd)!;
      const next = batch.lastOffset + 1n;
      this.chainAt.set(next, chain(this.chainAt.get(this.chainEnd)!, [batch]));
      this.chainEnd = next;
    }
  }

  /** KIP-853's rule: a leader appends a voter change only when no other is uncommitted. */
  private checkOneVoterChange(node: SimNode): void {
    const hw = node.machine.committedOffset;
    // (A leader copying the bootstrap checkpoint's voter set into the log changes nothing.)
    const changes = node.log.range(hw, node.log.endOffset).filter((b) => {
      const voters = b.lastOffset >= hw ? votersInBatch(b.bytes) : undefined;
      return voters !== undefined && JSON.stringify(voters) !== JSON.stringify(node.log.votersAt(b.baseOffset));
    });
    // A new leader may not know yet that its predecessor's changes committed; it appends one of
    // its own only once everything before its epoch is committed, and then only one.
    const own = changes.filter((b) => b.epoch === node.machine.currentEpoch);
    if (own.length > 0 && changes.length > 1) throw new Error(`seed ${this.opts.seed}: leader ${node.id} holds ${changes.length} uncommitted voter changes`);
  }

  private readonly checkedSnapshots = new WeakSet<RaftSnapshot>();

  /** Every snapshot a node holds or serves equals the committed log it replaces. */
  private checkSnapshots(node: SimNode): void {
    const snapshots = [...node.snapshots];
    const latest = node.log.latestSnapshot;
    if (latest) snapshots.push(latest);
    for (const snapshot of snapshots) {
      // A bootstrap checkpoint (offset 0) replaces nothing.
      if (this.checkedSnapshots.has(snapshot) || snapshot.id.offset === 0n) continue;
      if (snapshot.id.offset > this.committedEnd) {
        throw new Error(`seed ${this.opts.seed}: node ${node.id} has a snapshot at ${snapshot.id.offset}, beyond everything committed (${this.committedEnd})`);
      }
      this.extendChain();
      const expected = this.chainAt.get(snapshot.id.offset);
      if (!expected || !expected.equals(snapshot.bytes.subarray(0, 32))) {
        throw new Error(`seed ${this.opts.seed}: node ${node.id}'s snapshot at ${snapshot.id.offset} differs from the committed log it replaces`);
      }
      const committedBatch = [...this.committed.values()].find((b) => b.lastOffset + 1n === snapshot.id.offset);
      if (committedBatch && committedBatch.epoch !== snapshot.id.epoch) {
        throw new Error(`seed ${this.opts.seed}: node ${node.id}'s snapshot at ${snapshot.id.offset} has epoch ${snapshot.id.epoch}, the log ${committedBatch.epoch}`);
      }
      this.checkedSnapshots.add(snapshot);
    }
  }

  /** Raft's leader completeness: a new leader's log holds every committed batch (or a snapshot does, checked apart). */
  private checkLeaderCompleteness(node: SimNode): void {
    for (const [offset, batch] of this.committed) {
      if (offset < node.log.startOffset) continue;
      const mine = node.log.range(offset, offset + 1n)[0];
      if (!mine || mine.baseOffset !== offset || !mine.bytes.equals(batch.bytes)) {
        throw new Error(`seed ${this.opts.seed}: leader ${node.id} (epoch ${node.machine?.currentEpoch}) lacks committed batch at ${offset}`);
      }
    }
  }
}

/** A simulated node as a voter: its directory id derives from its id. */
function simVoter(id: number): Voter {
  return { id, directoryId: Buffer.alloc(16, id).toString("base64url") as Uuid, endpoints: [{ name: "CONTROLLER", host: `node-${id}`, port: 9093 }] };
}
