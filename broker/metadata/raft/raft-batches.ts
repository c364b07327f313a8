// Record batches of the metadata log, in Kafka's __cluster_metadata layout: data batches whose
// record values are framed metadata records, and control batches (LeaderChange at the start of
// every epoch; snapshot header and footer) whose key is (version int16, type int16).
import { Writer, ZERO_UUID } from "../../protocol/primitives.js";
import { buildRecordBatch, decodeRecords, isRecordsError, RecordBatchView } from "../../protocol/records.js";
import { writeLeaderChangeMessage } from "../../protocol/generated/leader-change-message.gen.js";
import type { RaftBatch } from "./raft-types.js";

/** Kafka's ControlRecordType values used by the metadata log. */
export const ControlRecordType = { leaderChange: 2, snapshotHeader: 3, snapshotFooter: 4 } as const;

/** The header fields the quorum needs, read from a batch's bytes. */
export function toRaftBatch(bytes: Buffer): RaftBatch {
  const view = new RecordBatchView(bytes, 0);
  return {
    baseOffset: view.baseOffset,
    lastOffset: view.baseOffset + BigInt(view.lastOffsetDelta),
    epoch: view.partitionLeaderEpoch,
    bytes,
  };
}

export function dataBatch(baseOffset: bigint, epoch: number, values: readonly Buffer[], nowMs: number): RaftBatch {
  const timestamp = BigInt(nowMs);
  const bytes = buildRecordBatch(
    values.map((value) => ({ value, timestamp })),
    { baseOffset, partitionLeaderEpoch: epoch },
  );
  return toRaftBatch(bytes);
}

function controlBatch(baseOffset: bigint, epoch: number, type: number, value: Buffer, nowMs: number): RaftBatch {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  const bytes = buildRecordBatch([{ key, value, timestamp: BigInt(nowMs) }], { baseOffset, partitionLeaderEpoch: epoch, control: true });
  return toRaftBatch(bytes);
}

/** The LeaderChange control batch a new leader writes first in its epoch. */
export function leaderChangeBatch(
  baseOffset: bigint,
  epoch: number,
  leaderId: number,
  voters: readonly number[],
  grantingVoters: readonly number[],
  nowMs: number,
): RaftBatch {
  const w = new Writer(64);
  const version = 0;
  // The message opens with its own version field: nothing goes before it (Kafka's ControlRecordUtils).
  const asVoter = (voterId: number) => ({ voterId, voterDirectoryId: ZERO_UUID });
  writeLeaderChangeMessage(w, version, {
    version,
    leaderId,
    voters: voters.map(asVoter),
    grantingVoters: grantingVoters.map(asVoter),
  });
  return controlBatch(baseOffset, epoch, ControlRecordType.leaderChange, Buffer.from(w.finish()), nowMs);
}

export function isControlBatch(batch: RaftBatch): boolean {
  return new RecordBatchView(batch.bytes, 0).isControl;
}

/** The record values of a data batch (framed metadata records), in offset order. */
export function batchValues(batch: RaftBatch): Buffer[] {
  const decoded = decodeRecords(new RecordBatchView(batch.bytes, 0));
  if (isRecordsError(decoded)) throw new Error(`metadata log batch at ${batch.baseOffset}: ${decoded.message}`);
  return decoded.records.map((r) => {
    if (r.value === null) throw new Error(`metadata log batch at ${batch.baseOffset}: a record without a value`);
    return r.value;
  });
}
