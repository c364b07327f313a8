import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import { errorCode } from "../protocol/errors.js";
import { writeOffsetCommitRequest, type OffsetCommitRequest } from "../protocol/generated/offset-commit-request.gen.js";
import { readOffsetCommitResponse } from "../protocol/generated/offset-commit-response.gen.js";
import { offsetCommitHandler } from "./08-offset-commit.js";

function request(overrides: Partial<OffsetCommitRequest> = {}): OffsetCommitRequest {
  return {
    groupId: "g",
    generationIdOrMemberEpoch: -1,
    memberId: "",
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 2, commitTimestamp: -1n, committedMetadata: "m" }] }],
    ...overrides,
  };
}

describe("OffsetCommit handler", () => {
  it("serves v0 to v9", () => {
    expect([offsetCommitHandler.minVersion, offsetCommitHandler.maxVersion]).toEqual([0, 9]);
  });

  it("commits at v9, v2 (retention time) and v0", async () => {
    const t = await startTestCoordinator();
    for (const version of [9, 2, 0]) {
      const r = await exchange(offsetCommitHandler, groupHandlerContext(t, 8, version), writeOffsetCommitRequest, readOffsetCommitResponse, request({ retentionTimeMs: version === 2 ? 60_000n : -1n }));
      expect(r.topics).toEqual([{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: 0 }] }]);
    }
    const fetched = t.coordinator.fetchOffsets({ groupId: "g", memberId: null, memberEpoch: -1, topics: null, requireStable: false });
    expect(fetched.topics[0]!.partitions[0]!.committedOffset).toBe(42n);
  });

  it("answers per-partition errors", async () => {
    const t = await startTestCoordinator();
    const r = await exchange(offsetCommitHandler, groupHandlerContext(t, 8, 8), writeOffsetCommitRequest, readOffsetCommitResponse, request({ generationIdOrMemberEpoch: 3, memberId: "m" }));
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(errorCode("ILLEGAL_GENERATION"));
  });
});
