import { describe, expect, it } from "vitest";
import { readLeaderChangeMessage } from "../../protocol/generated/leader-change-message.gen.js";
import { Reader } from "../../protocol/primitives.js";
import { decodeRecords, isRecordsError, RecordBatchView } from "../../protocol/records.js";
import { ControlRecordType, leaderChangeBatch } from "./raft-batches.js";

describe("LeaderChange control batch", () => {
  it("holds the LeaderChangeMessage as Kafka reads it (the value starts with the message's own version)", () => {
    const batch = leaderChangeBatch(7n, 3, 2, [1, 2, 3], [2, 3], 1000);
    const view = new RecordBatchView(batch.bytes, 0);
    expect([view.isControl, view.partitionLeaderEpoch, view.baseOffset]).toEqual([true, 3, 7n]);
    const decoded = decodeRecords(view);
    if (isRecordsError(decoded)) throw new Error(decoded.message);
    const record = decoded.records[0]!;
    expect(record.key!.readInt16BE(2)).toBe(ControlRecordType.leaderChange);
    const r = new Reader(record.value!);
    const message = readLeaderChangeMessage(r, 0);
    expect(message.leaderId).toBe(2);
    expect(message.voters.map((v) => v.voterId)).toEqual([1, 2, 3]);
    expect(message.grantingVoters.map((v) => v.voterId)).toEqual([2, 3]);
  });
});
