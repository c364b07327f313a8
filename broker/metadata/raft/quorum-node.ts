// Runs a QuorumMachine for real: the metadata log on disk, the quorum-state file, timers, the
// transport to other voters, long-polled fetches from followers, and the two things the rest of
// the node wants from the quorum: "append these records and tell me when they are committed"
// (the active controller) and "here are the newly committed batches, in order" (everyone's image).
// Snapshots (KIP-630): the node writes the ones its image hands it, trims the log's front below
// them as retention allows, serves them to followers behind its log start, and tells its
// image when a snapshot fetched from the leader replaced the log.
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { HostPort } from "../../config/listeners.js";
import type { ClientSecuritySource } from "../../security/client-security-source.js";
import { RecordBatchView } from "../../protocol/records.js";
import type { Uuid } from "../../protocol/primitives.js";
import { isControlBatch } from "./raft-batches.js";
import { MetadataLogStore } from "./metadata-log-store.js";
import { QuorumMachine, type QuorumConfig, type ReplicaProgress, type VoterChangeResult } from "./quorum-machine.js";
import { QuorumStateFile } from "./quorum-state-file.js";
import { QuorumTransport } from "./quorum-transport.js";
import type { FetchRequest, FetchResponse, OffsetAndEpoch, RaftBatch, RaftRequest, RaftResponse, RaftSnapshot } from "./raft-types.js";
import { planRetention } from "./snapshot-retention.js";
import { findVoter, type Voter, type VoterSet } from "./voter-set.js";

export interface QuorumNodeOptions {
  nodeId: number;
  clusterId: string;
  metadataDir: string;
  /**
   * Static voter ids and where they listen (controller.quorum.voters, kraft.version 0); a
   * single-node quorum lists only this node. Empty: a dynamic quorum (KIP-853) whose voters are
   * the log's, found through bootstrapServers.
   */
  voters: ReadonlyMap<number, HostPort | null>;
  /** controller.quorum.bootstrap.servers: where a dynamic quorum's node asks who leads. */
  bootstrapServers?: readonly HostPort[];
  /** This node's metadata directory id (meta.properties directory.id). */
  directoryId?: Uuid;
  /** The controller listener whose endpoint in the voter set other nodes use (the first of controller.listener.names). */
  controllerListenerName?: string;
  electionTimeoutMs: number;
  fetchTimeoutMs: number;
  electionBackoffMaxMs: number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /** metadata.max.retention.bytes / .ms: how much of the log a snapshot may replace (-1: no limit). */
  retentionBytes?: number;
  retentionMs?: number;
  /** metadata.log.segment.bytes */
  segmentBytes?: number;
  /** metadata.log.max.record.bytes.between.snapshots / metadata.log.max.snapshot.interval.ms (the metadata store's snapshot rules). */
  snapshotMaxBytes?: number;
  snapshotIntervalMs?: number;
  /** How QuorumTransport reaches the other voters' controller listener (TLS, SASL); PLAINTEXT when absent. */
  security?: ClientSecuritySource;
  /** Requests to the other voters; QuorumTransport over Kafka connections unless a test brings its own. */
  transport?: Pick<QuorumTransport, "send" | "close">;
  logger: Logger;
}

/** Kafka's defaults for metadata.max.retention.bytes and .ms. */
const DEFAULT_RETENTION_BYTES = 100 * 1024 * 1024;
const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** How long a leader holds a follower's fetch that has nothing new (Kafka uses 500 ms). */
const FETCH_MAX_WAIT_MS = 500;
const FETCH_MAX_BYTES = 8 * 1024 * 1024;
/** How much of a snapshot one FetchSnapshot asks for (the leader may send less). */
const FETCH_SNAPSHOT_MAX_BYTES = 1024 * 1024;
/** How long a resigning leader waits for its successors to hear EndQuorumEpoch. */
const RESIGN_WAIT_MS = 500;

/** What a voter change came to, in Kafka's error names. */
export interface VoterChangeAnswer {
  error: "NONE" | Extract<VoterChangeResult, { ok: false }>["error"];
  message: string | null;
}

const ZERO_DIRECTORY_ID = "AAAAAAAAAAAAAAAAAAAAAA" as Uuid;

/** Bootstrap servers have no node ids: they stand in as -2, -3, … (as in Kafka's raft client). */
function bootstrapId(index: number): number {
  return -2 - index;
}

function bootstrapIndex(id: number): number {
  return -2 - id;
}

export class NotLeaderError extends Error {
  constructor(readonly leaderId: number) {
    super(leaderId >= 0 ? `not the quorum leader (node ${leaderId} is)` : "not the quorum leader (an election is on)");
  }
}

interface PendingAppend {
  lastOffset: bigint;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class QuorumNode {
  private machine!: QuorumMachine;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending: PendingAppend[] = [];
  private readonly waiters = new Set<() => void>();
  /** The high watermark last sent to each fetching replica. */
  private readonly highWatermarkSent = new Map<number, bigint>();
  /** Requests to peers not yet answered (a resigning leader waits a little for its EndQuorumEpoch). */
  private readonly sending = new Set<Promise<RaftResponse>>();
  private readonly events = new EventEmitter();
  /** Leader endpoints learned from fetch answers (a dynamic quorum's node may know no voter yet). */
  private readonly learnedEndpoints = new Map<number, HostPort>();
  /** Batches before this offset have been handed to committed-batch listeners. */
  private applied: bigint;
  /** Where `applied` began at start-up: the latest snapshot's end, or the log start. */
  private readonly startApplied: bigint;
  private closed = false;

  private constructor(
    private readonly opts: QuorumNodeOptions,
    private readonly store: MetadataLogStore,
    private readonly transport: Pick<QuorumTransport, "send" | "close">,
  ) {
    this.applied = store.log.latestSnapshot?.id.offset ?? store.log.startOffset;
    this.startApplied = this.applied;
  }

  static async start(opts: QuorumNodeOptions): Promise<QuorumNode> {
    const log = opts.logger;
    let node: QuorumNode | undefined;
    const store = await MetadataLogStore.open(opts.metadataDir, log, (offset) => node?.onFlushed(offset), {
      ...(opts.segmentBytes !== undefined ? { segmentBytes: opts.segmentBytes } : {}),
      onSnapshotInstalled: (snapshot) => node?.onSnapshotInstalled(snapshot),
    });
    const transport =
      opts.transport ??
      new QuorumTransport({
        nodeId: opts.nodeId,
        clusterId: opts.clusterId,
        endpointOf: (id) => node?.endpointOf(id),
        requestTimeoutMs: opts.requestTimeoutMs,
        fetchMaxWaitMs: FETCH_MAX_WAIT_MS,
        logger: log,
        security: opts.security,
      });
    node = new QuorumNode(opts, store, transport);
    node.init();
    return node;
  }

  private init(): void {
    const stateFile = new QuorumStateFile(this.store.dir);
    const config: QuorumConfig = {
      nodeId: this.opts.nodeId,
      voters: [...this.opts.voters.keys()],
      bootstrapIds: (this.opts.bootstrapServers ?? []).map((_, i) => bootstrapId(i)),
      ...(this.opts.directoryId !== undefined ? { directoryId: this.opts.directoryId } : {}),
      electionTimeoutMs: this.opts.electionTimeoutMs,
      fetchTimeoutMs: this.opts.fetchTimeoutMs,
      electionBackoffMaxMs: this.opts.electionBackoffMaxMs,
      requestTimeoutMs: this.opts.requestTimeoutMs,
      retryBackoffMs: this.opts.retryBackoffMs,
      fetchMaxBytes: FETCH_MAX_BYTES,
      fetchSnapshotMaxBytes: FETCH_SNAPSHOT_MAX_BYTES,
    };
    const log = this.opts.logger;
    this.machine = new QuorumMachine(
      config,
      this.store.log,
      {
        send: (to, request, id) => this.send(to, request, id),
        saveElectionState: (state) => stateFile.write(state),
        random: Math.random,
        leaderChanged: (epoch, leaderId) => {
          log.info({ epoch, leaderId, role: this.machine?.roleName ?? "leader" }, "metadata quorum leader changed");
          // Queued so listeners see a fully constructed node even for the lone voter's first election.
          queueMicrotask(() => this.onLeaderChanged(epoch, leaderId));
        },
        highWatermarkChanged: () => queueMicrotask(() => this.onHighWatermark()),
      },
      stateFile.read(),
      Date.now(),
    );
    this.afterInput();
  }

  // ── What the node asks of the quorum ────────────────────────────────────────────────────────

  get nodeId(): number {
    return this.opts.nodeId;
  }

  get isLeader(): boolean {
    return this.machine.isLeader;
  }

  get leaderId(): number {
    return this.machine.currentLeader;
  }

  get epoch(): number {
    return this.machine.currentEpoch;
  }

  get highWatermark(): bigint {
    return this.machine.highWatermark;
  }

  get voterIds(): readonly number[] {
    return this.machine.voters;
  }

  /** kraft.version 1: the voter set lives in the log (no controller.quorum.voters). */
  get isDynamic(): boolean {
    return this.machine.isDynamic;
  }

  /** The voters with their directory ids and endpoints (static voters: no directory id, this node's controller listener name). */
  voterSet(): VoterSet {
    if (this.machine.isDynamic) return this.store.log.latestVoters ?? [];
    const name = this.opts.controllerListenerName ?? "CONTROLLER";
    return [...this.opts.voters].map(([id, endpoint]) => ({
      id,
      directoryId: ZERO_DIRECTORY_ID,
      endpoints: endpoint ? [{ name, host: endpoint.host, port: endpoint.port }] : [],
    }));
  }

  /** Where node `id` listens for quorum traffic, if known (negative ids are the bootstrap servers). */
  endpointOf(id: number): HostPort | undefined {
    if (id < 0) return this.opts.bootstrapServers?.[bootstrapIndex(id)];
    const fixed = this.opts.voters.get(id);
    if (fixed) return fixed;
    const voter = findVoter(this.store.log.latestVoters ?? [], id);
    const endpoint = voter?.endpoints.find((e) => e.name === this.opts.controllerListenerName) ?? voter?.endpoints[0];
    return endpoint ? { host: endpoint.host, port: endpoint.port } : this.learnedEndpoints.get(id);
  }

  /** AddRaftVoter: resolves once the new voter set is committed (or with why not). */
  addVoter(voter: Voter, timeoutMs: number): Promise<VoterChangeAnswer> {
    return this.changeVoters((now) => this.machine.addVoter(voter, now), timeoutMs, { change: "add", voterId: voter.id });
  }

  /** RemoveRaftVoter: resolves once the voter set without it is committed (or with why not). */
  removeVoter(id: number, directoryId: Uuid, timeoutMs: number): Promise<VoterChangeAnswer> {
    return this.changeVoters((now) => this.machine.removeVoter(id, directoryId, now), timeoutMs, { change: "remove", voterId: id });
  }

  /** UpdateRaftVoter: records a voter's new endpoints. */
  updateVoter(voter: Voter, timeoutMs: number): Promise<VoterChangeAnswer> {
    return this.changeVoters((now) => this.machine.updateVoter(voter, now), timeoutMs, { change: "update", voterId: voter.id });
  }

  private async changeVoters(change: (now: number) => VoterChangeResult, timeoutMs: number, what: { change: string; voterId: number }): Promise<VoterChangeAnswer> {
    if (this.closed) return { error: "NOT_LEADER_OR_FOLLOWER", message: "metadata quorum closed" };
    const result = change(Date.now());
    this.wakeFetchers();
    this.afterInput();
    if (!result.ok) {
      this.opts.logger.info({ ...what, error: result.error, reason: result.message }, "metadata quorum voter change refused");
      return { error: result.error, message: result.message };
    }
    if (result.offset < 0n) return { error: "NONE", message: null };
    this.opts.logger.info({ ...what, offset: result.offset, voters: this.machine.voters }, "metadata quorum voter change appended");
    let timer: NodeJS.Timeout | undefined;
    const committed = new Promise<VoterChangeAnswer>((resolve) => {
      this.pending.push({
        lastOffset: result.offset,
        resolve: () => resolve({ error: "NONE", message: null }),
        reject: (err) => resolve({ error: "NOT_LEADER_OR_FOLLOWER", message: err.message }),
      });
    });
    const timedOut = new Promise<VoterChangeAnswer>((resolve) => {
      timer = setTimeout(() => resolve({ error: "REQUEST_TIMED_OUT", message: `the voter change at offset ${result.offset} was not committed within ${timeoutMs} ms` }), timeoutMs);
    });
    const answer = await Promise.race([committed, timedOut]);
    clearTimeout(timer);
    this.opts.logger.info({ ...what, offset: result.offset, error: answer.error, voters: this.machine.voters }, "metadata quorum voter change done");
    return answer;
  }

  /** Batches before this offset have been applied by every committed-batch listener. */
  get appliedEnd(): bigint {
    return this.applied;
  }

  get logEndOffset(): bigint {
    return this.store.log.endOffset;
  }

  replicaProgress(): { voters: ReplicaProgress[]; observers: ReplicaProgress[] } {
    return this.machine.replicaProgress();
  }

  /** Appends records as the leader; resolves once they are committed (and applied by listeners). */
  append(values: readonly Buffer[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error("metadata quorum closed"));
    const written = this.machine.append(values, Date.now());
    if (!written) return Promise.reject(new NotLeaderError(this.machine.currentLeader));
    this.wakeFetchers();
    this.afterInput();
    return new Promise((resolve, reject) => this.pending.push({ lastOffset: written.offset, resolve, reject }));
  }

  /** Every committed data batch, once, in order — from the start of the log on (or from the snapshot loaded). */
  onCommitted(listener: (batches: readonly RaftBatch[]) => void): void {
    this.events.on("committed", listener);
  }

  /** The snapshot the committed state starts from at start-up (the latest on disk), if any. */
  get startSnapshot(): RaftSnapshot | undefined {
    const latest = this.store.log.latestSnapshot;
    return latest && latest.id.offset === this.startApplied ? latest : undefined;
  }

  /**
   * A snapshot fetched from the leader replaced the whole log: the state is the snapshot's, and
   * committed batches continue from its end.
   */
  onSnapshotLoaded(listener: (snapshot: RaftSnapshot) => void): void {
    this.events.on("snapshot", listener);
  }

  /** The newest snapshot on this node, if any. */
  get latestSnapshotId(): OffsetAndEpoch | undefined {
    return this.store.log.latestSnapshot?.id;
  }

  get logStartOffset(): bigint {
    return this.store.log.startOffset;
  }

  /**
   * Saves a snapshot of the state after every batch before `endOffset` (which listeners have
   * applied), then deletes the log's front where the snapshots and retention allow.
   */
  saveSnapshot(endOffset: bigint, build: (id: OffsetAndEpoch, voters: VoterSet | undefined) => Buffer): { id: OffsetAndEpoch; path: string } {
    if (this.closed) throw new Error("metadata quorum closed");
    if (endOffset > this.applied) throw new Error(`snapshot at ${endOffset} is beyond what is applied (${this.applied})`);
    const id = this.store.log.snapshotIdAt(endOffset);
    // A dynamic quorum's snapshot holds the voter set in force at its end: the log before it may go.
    const voters = this.machine.isDynamic ? this.store.log.votersAt(endOffset) : undefined;
    const path = this.store.saveSnapshot({ id, bytes: build(id, voters) });
    this.applyRetention();
    return { id, path };
  }

  onLeaderChange(listener: (epoch: number, leaderId: number) => void): void {
    this.events.on("leader", listener);
  }

  /** Resolves once everything committed when this was called has been handed to listeners. */
  async caughtUp(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // A fresh node knows no high watermark until the quorum has a leader; wait for one first.
    await this.until(() => this.machine.highWatermark > 0n, deadline, "a committed metadata offset");
    const target = this.machine.highWatermark;
    await this.until(() => this.applied >= target, deadline, `metadata applied up to ${target}`);
  }

  // ── Requests from peers (handlers) ──────────────────────────────────────────────────────────

  handle(from: number, request: Exclude<RaftRequest, FetchRequest>): RaftResponse {
    const response = this.machine.handleRequest(from, request, Date.now());
    this.afterInput();
    return response;
  }

  /** A follower's fetch: answered at once when there is news, else held up to maxWaitMs for some. */
  async fetch(request: FetchRequest, maxWaitMs: number): Promise<FetchResponse> {
    const deadline = Date.now() + maxWaitMs;
    const answer = () => {
      const response = this.machine.handleRequest(request.replicaId, request, Date.now()) as FetchResponse;
      this.afterInput();
      return response;
    };
    // The request does not say which high watermark the follower knows; the last one we sent it
    // stands in. (Comparing with the watermark at the request's arrival held a fetch the full wait
    // when the watermark had moved just before or by this very fetch, and every node but the
    // leader learned of each commit ~500 ms late.)
    const known = this.highWatermarkSent.get(request.replicaId) ?? -1n;
    for (let response = answer(); ; response = answer()) {
      const news = response.error !== "NONE" || response.batches.length > 0 || response.divergingEpoch !== undefined || response.snapshotId !== undefined || response.highWatermark > known;
      const remaining = deadline - Date.now();
      if (news || remaining <= 0 || this.closed) {
        if (response.error === "NONE") this.highWatermarkSent.set(request.replicaId, response.highWatermark);
        const leaderEndpoint = response.leaderId >= 0 ? this.endpointOf(response.leaderId) : undefined;
        return leaderEndpoint ? { ...response, leaderEndpoint } : response;
      }
      await this.nextChange(remaining);
    }
  }

  /**
   * A leader about to stop hands leadership over (EndQuorumEpoch to the most caught-up voters
   * first) and waits, briefly, for them to hear it. Call it before closing listeners: the
   * followers then elect a successor at once instead of waiting out their fetch timeout.
   */
  async handOver(): Promise<void> {
    if (this.closed || !this.machine.isLeader || this.machine.voters.length === 1) return;
    this.machine.resign(Date.now());
    this.afterInput();
    // Bounded: a dead peer must not hold up shutdown.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, RESIGN_WAIT_MS)));
    await Promise.race([Promise.allSettled([...this.sending]), bound]);
    clearTimeout(timer);
  }

  /** Clean shutdown: hand over if leading, then drain and close the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.handOver();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.transport.close();
    this.wakeFetchers();
    for (const p of this.pending.splice(0)) p.reject(new Error("metadata quorum closed"));
    await this.store.close();
  }

  // ── Internals ───────────────────────────────────────────────────────────────────────────────

  private send(to: number, request: RaftRequest, id: number): void {
    const sending = this.transport.send(to, request);
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending)).catch(() => undefined);
    sending.then(
      (response) => {
        if (this.closed) return;
        if (response.kind === "fetch" && response.leaderEndpoint && response.leaderId >= 0) this.learnedEndpoints.set(response.leaderId, response.leaderEndpoint);
        this.machine.handleResponse(to, id, response, Date.now());
        this.afterInput();
      },
      (err: Error) => {
        if (this.closed) return;
        this.opts.logger.debug({ peer: to, kind: request.kind, err: err.message }, "quorum request failed");
        this.machine.requestFailed(to, id, Date.now());
        this.afterInput();
      },
    );
  }

  /** Moves the log start to a snapshot where retention says the log before it may go; deletes unneeded snapshots. */
  private applyRetention(): void {
    const log = this.store.log;
    const plan = planRetention({
      logStart: log.startOffset,
      snapshots: this.store.snapshots,
      batches: log.range(log.startOffset, log.endOffset).map((b) => ({
        baseOffset: b.baseOffset,
        lastOffset: b.lastOffset,
        sizeBytes: b.bytes.length,
        maxTimestamp: Number(new RecordBatchView(b.bytes, 0).maxTimestamp),
      })),
      retentionBytes: this.opts.retentionBytes ?? DEFAULT_RETENTION_BYTES,
      retentionMs: this.opts.retentionMs ?? DEFAULT_RETENTION_MS,
      nowMs: Date.now(),
    });
    if (plan.newStart) {
      this.store.dropPrefix(plan.newStart);
      this.opts.logger.info({ logStartOffset: plan.newStart.offset, epoch: plan.newStart.epoch }, "metadata log start moved to a snapshot");
    }
    for (const id of plan.deleteSnapshots) {
      this.store.deleteSnapshot(id);
      this.opts.logger.info({ snapshotOffset: id.offset, snapshotEpoch: id.epoch }, "metadata snapshot deleted");
    }
  }

  private onSnapshotInstalled(snapshot: RaftSnapshot): void {
    this.opts.logger.info(
      { snapshotOffset: snapshot.id.offset, snapshotEpoch: snapshot.id.epoch, bytes: snapshot.bytes.length, leaderId: this.machine.currentLeader },
      "metadata snapshot fetched from the leader; the log starts again at its end",
    );
    // Queued like the high watermark report that follows it, so listeners see the snapshot first.
    queueMicrotask(() => {
      this.applied = snapshot.id.offset;
      this.events.emit("snapshot", snapshot);
    });
  }

  private onFlushed(offset: bigint): void {
    if (this.closed) return;
    this.machine.flushed(offset, Date.now());
    this.afterInput();
  }

  private onHighWatermark(): void {
    const hw = this.machine.highWatermark;
    if (hw > this.applied) {
      const batches = this.store.log.range(this.applied, hw).filter((b) => b.lastOffset < hw);
      if (batches.length > 0) {
        this.applied = batches.at(-1)!.lastOffset + 1n;
        const data = batches.filter((b) => !isControlBatch(b));
        if (data.length > 0) this.events.emit("committed", data);
      }
    }
    // Listeners have applied everything up to the high watermark: now the writers may hear of it.
    const done = this.pending.filter((p) => p.lastOffset < hw);
    if (done.length > 0) {
      this.pending.splice(0, done.length);
      for (const p of done) p.resolve();
    }
    this.wakeFetchers();
  }

  private onLeaderChanged(epoch: number, leaderId: number): void {
    this.highWatermarkSent.clear();
    if (leaderId !== this.opts.nodeId) {
      // What we appended as leader may or may not commit later; the writers must not wait for it.
      for (const p of this.pending.splice(0)) p.reject(new NotLeaderError(leaderId));
    }
    this.wakeFetchers();
    this.events.emit("leader", epoch, leaderId);
  }

  /** Resolves at the next append, high watermark or leader change, or after timeoutMs. */
  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.add(wake);
    });
  }

  private wakeFetchers(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }

  /** Runs the machine's timers: one timeout, always set for its next deadline. */
  private afterInput(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.machine.nextDeadline() - Date.now(), 60_000));
    this.timer = setTimeout(() => {
      this.machine.tick(Date.now());
      this.afterInput();
    }, delay);
  }

  private until(condition: () => boolean, deadline: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (condition()) {
          this.events.off("committed", check);
          this.events.off("leader", check);
          clearInterval(poll);
          resolve();
        } else if (Date.now() >= deadline) {
          this.events.off("committed", check);
          this.events.off("leader", check);
          clearInterval(poll);
          reject(new Error(`metadata quorum: timed out waiting for ${what}`));
        }
      };
      // Events cover most changes; the interval covers the rest (and the deadline).
      const poll = setInterval(check, 20);
      this.events.on("committed", check);
      this.events.on("leader", check);
      check();
    });
  }
}
