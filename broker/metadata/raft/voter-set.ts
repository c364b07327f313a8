// The voter set of a dynamic quorum (KIP-853, kraft.version 1): voters are (node id, directory
// id) pairs with an endpoint per controller listener, written to the metadata log and to
// snapshots as control records — KRaftVersionRecord (type 5) and VotersRecord (type 6). The
// quorum always uses the latest voter set in its log, committed or not (KIP-853's rule), so a
// change counts from the moment its record is appended.
import { Reader, Writer, type Uuid } from "../../protocol/primitives.js";
import { buildRecordBatch, decodeRecords, isRecordsError, RecordBatchView, batchViews } from "../../protocol/records.js";
import { readKRaftVersionRecord, writeKRaftVersionRecord } from "../../protocol/generated/kraft-version-record.gen.js";
import { readVotersRecord, writeVotersRecord } from "../../protocol/generated/voters-record.gen.js";
import { toRaftBatch } from "./raft-batches.js";
import type { RaftBatch } from "./raft-types.js";

/** Kafka's ControlRecordType values for the voter set. */
export const VoterControlType = { kraftVersion: 5, voters: 6 } as const;

/** kraft.version 1: the voter set lives in the log (0: static controller.quorum.voters). */
export const KRAFT_VERSION_DYNAMIC = 1;

export interface VoterEndpoint {
  /** The listener name (a controller listener). */
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface Voter {
  readonly id: number;
  readonly directoryId: Uuid;
  readonly endpoints: readonly VoterEndpoint[];
}

export type VoterSet = readonly Voter[];

export function voterIds(voters: VoterSet): number[] {
  return voters.map((v) => v.id);
}

export function findVoter(voters: VoterSet, id: number): Voter | undefined {
  return voters.find((v) => v.id === id);
}

/** A VotersRecord value (it opens with its own version field, as Kafka's ControlRecordUtils reads it). */
export function votersRecordValue(voters: VoterSet): Buffer {
  const w = new Writer(64);
  writeVotersRecord(w, 0, {
    version: 0,
    voters: voters.map((v) => ({
      voterId: v.id,
      voterDirectoryId: v.directoryId,
      endpoints: v.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port })),
      kRaftVersionFeature: { minSupportedVersion: 0, maxSupportedVersion: KRAFT_VERSION_DYNAMIC },
    })),
  });
  return Buffer.from(w.finish());
}

export function readVotersRecordValue(value: Buffer): VoterSet {
  const record = readVotersRecord(new Reader(value), 0);
  return record.voters.map((v) => ({
    id: v.voterId,
    directoryId: v.voterDirectoryId,
    endpoints: v.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port })),
  }));
}

export function kraftVersionRecordValue(kraftVersion: number): Buffer {
  const w = new Writer(8);
  writeKRaftVersionRecord(w, 0, { version: 0, kRaftVersion: kraftVersion });
  return Buffer.from(w.finish());
}

export function readKRaftVersionRecordValue(value: Buffer): number {
  return readKRaftVersionRecord(new Reader(value), 0).kRaftVersion;
}

function controlKey(type: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return key;
}

/** The records of a voter-set control batch: KRaftVersionRecord (when asked) then VotersRecord. */
function voterRecords(voters: VoterSet, withKraftVersion: boolean, timestamp: bigint): { key: Buffer; value: Buffer; timestamp: bigint }[] {
  const records = [{ key: controlKey(VoterControlType.voters), value: votersRecordValue(voters), timestamp }];
  if (withKraftVersion) records.unshift({ key: controlKey(VoterControlType.kraftVersion), value: kraftVersionRecordValue(KRAFT_VERSION_DYNAMIC), timestamp });
  return records;
}

/** A control batch with the voter set (and kraft.version 1 first when `withKraftVersion`). */
export function votersBatch(baseOffset: bigint, epoch: number, voters: VoterSet, nowMs: number, withKraftVersion = false): RaftBatch {
  const bytes = buildRecordBatch(voterRecords(voters, withKraftVersion, BigInt(nowMs)), { baseOffset, partitionLeaderEpoch: epoch, control: true });
  return toRaftBatch(bytes);
}

/** The same records as a snapshot's control batch (snapshots hold the voter set after their header). */
export function votersSnapshotBatch(baseOffset: bigint, epoch: number, voters: VoterSet, nowMs: number): Buffer {
  return buildRecordBatch(voterRecords(voters, true, BigInt(nowMs)), { baseOffset, partitionLeaderEpoch: epoch, control: true });
}

/** The voter set a batch holds (its last VotersRecord), if it is a control batch with one. */
export function votersInBatch(bytes: Buffer): VoterSet | undefined {
  const view = new RecordBatchView(bytes, 0);
  if (!view.isControl) return undefined;
  const decoded = decodeRecords(view);
  if (isRecordsError(decoded)) return undefined;
  let voters: VoterSet | undefined;
  for (const r of decoded.records) {
    if (r.key && r.key.length >= 4 && r.key.readInt16BE(2) === VoterControlType.voters && r.value) voters = readVotersRecordValue(r.value);
  }
  return voters;
}

/** The last voter set in a run of RecordBatches (a snapshot's bytes), if any. */
export function votersInBatches(bytes: Buffer): VoterSet | undefined {
  let voters: VoterSet | undefined;
  for (const view of batchViews(bytes)) {
    const found = votersInBatch(bytes.subarray(view.pos, view.pos + view.size));
    if (found) voters = found;
  }
  return voters;
}
