// The vocabulary of the metadata quorum (KRaft, KIP-595): the messages voters exchange, in a
// transport-free form. raft-wire.ts maps them to Kafka's Vote, BeginQuorumEpoch, EndQuorumEpoch
// and Fetch messages; the simulation test passes them around directly.
import type { Uuid } from "../../protocol/primitives.js";

/** A record batch of the metadata log: Kafka's RecordBatch bytes and the header fields we use. */
export interface RaftBatch {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  /** The leader epoch the batch was written in (the batch's partitionLeaderEpoch). */
  readonly epoch: number;
  readonly bytes: Buffer;
}

/** An (end offset, epoch) pair: where an epoch ends in a log, or a log's last position. */
export interface OffsetAndEpoch {
  readonly offset: bigint;
  readonly epoch: number;
}

export const NO_LEADER = -1;
export const NO_VOTE = -1;

/** Kafka error names the quorum answers with (codes in protocol/errors.ts). */
export type RaftError =
  | "NONE"
  | "FENCED_LEADER_EPOCH"
  | "NOT_LEADER_OR_FOLLOWER"
  | "UNKNOWN_LEADER_EPOCH"
  | "INCONSISTENT_VOTER_SET"
  | "INCONSISTENT_CLUSTER_ID"
  | "BROKER_NOT_AVAILABLE"
  | "SNAPSHOT_NOT_FOUND"
  | "POSITION_OUT_OF_RANGE";

export interface VoteRequest {
  readonly kind: "vote";
  readonly epoch: number;
  readonly candidateId: number;
  readonly lastEpoch: number;
  readonly lastOffset: bigint;
}

export interface BeginEpochRequest {
  readonly kind: "beginEpoch";
  readonly epoch: number;
  readonly leaderId: number;
}

export interface EndEpochRequest {
  readonly kind: "endEpoch";
  readonly epoch: number;
  readonly leaderId: number;
  /** Voters in the order the resigning leader prefers them as successors (most caught up first). */
  readonly preferredSuccessors: readonly number[];
}

export interface FetchRequest {
  readonly kind: "fetch";
  readonly replicaId: number;
  /** The epoch the fetcher believes current (Fetch's currentLeaderEpoch). */
  readonly epoch: number;
  readonly fetchOffset: bigint;
  /** Epoch of the last batch the fetcher has, so the leader can detect divergence. */
  readonly lastFetchedEpoch: number;
  readonly maxBytes: number;
  /** The fetcher's metadata directory id (Fetch v17; KIP-853 tells voters apart by it). */
  readonly replicaDirectoryId?: Uuid;
}

/** A piece of a snapshot, from byte `position` on (KIP-630's FetchSnapshot). */
export interface FetchSnapshotRequest {
  readonly kind: "fetchSnapshot";
  readonly replicaId: number;
  readonly epoch: number;
  readonly snapshotId: OffsetAndEpoch;
  readonly position: bigint;
  readonly maxBytes: number;
}

export type RaftRequest = VoteRequest | BeginEpochRequest | EndEpochRequest | FetchRequest | FetchSnapshotRequest;

export interface VoteResponse {
  readonly kind: "vote";
  readonly error: RaftError;
  readonly epoch: number;
  readonly leaderId: number;
  readonly granted: boolean;
}

export interface BeginEpochResponse {
  readonly kind: "beginEpoch";
  readonly error: RaftError;
  readonly epoch: number;
  readonly leaderId: number;
}

export interface EndEpochResponse {
  readonly kind: "endEpoch";
  readonly error: RaftError;
  readonly epoch: number;
  readonly leaderId: number;
}

export interface FetchResponse {
  readonly kind: "fetch";
  readonly error: RaftError;
  readonly epoch: number;
  readonly leaderId: number;
  readonly highWatermark: bigint;
  readonly logStartOffset: bigint;
  /** Set when the fetcher's log diverges: truncate to where this epoch ends, then fetch again. */
  readonly divergingEpoch?: OffsetAndEpoch;
  /** Set when the fetch offset is below the leader's log start: fetch this snapshot instead (FetchSnapshot). */
  readonly snapshotId?: OffsetAndEpoch;
  readonly batches: readonly RaftBatch[];
  /** Where the leader named listens (Fetch v16+ NodeEndpoints): how a node that knows no voters reaches it. The machine ignores it. */
  readonly leaderEndpoint?: { readonly host: string; readonly port: number };
}

export interface FetchSnapshotResponse {
  readonly kind: "fetchSnapshot";
  readonly error: RaftError;
  readonly epoch: number;
  readonly leaderId: number;
  readonly snapshotId: OffsetAndEpoch;
  /** The snapshot's whole size in bytes. */
  readonly size: bigint;
  readonly position: bigint;
  readonly bytes: Buffer;
}

export type RaftResponse = VoteResponse | BeginEpochResponse | EndEpochResponse | FetchResponse | FetchSnapshotResponse;

/** A snapshot of the state machine up to `id.offset` (exclusive): its file's bytes, RecordBatches. */
export interface RaftSnapshot {
  readonly id: OffsetAndEpoch;
  readonly bytes: Buffer;
}

/** What must survive a restart before a vote is granted or an epoch is joined (Kafka's quorum-state file). */
export interface ElectionState {
  readonly epoch: number;
  readonly votedId: number;
  readonly leaderId: number;
}
