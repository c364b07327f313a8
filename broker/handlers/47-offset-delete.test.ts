import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import { errorCode } from "../protocol/errors.js";
import { writeOffsetDeleteRequest } from "../protocol/generated/offset-delete-request.gen.js";
import { readOffsetDeleteResponse } from "../protocol/generated/offset-delete-response.gen.js";
import { offsetDeleteHandler } from "./47-offset-delete.js";
import { standaloneCommit } from "../coordinator/group/testing/requests.js";

describe("OffsetDelete handler", () => {
  it("serves v0", () => {
    expect([offsetDeleteHandler.minVersion, offsetDeleteHandler.maxVersion]).toEqual([0, 0]);
  });

  it("deletes a group's offsets, and refuses an unknown group", async () => {
    const t = await startTestCoordinator();
    await t.coordinator.commitOffsets(standaloneCommit("g", "orders", 0, 1n));
    const ctx = groupHandlerContext(t, 47, 0);
    const r = await exchange(offsetDeleteHandler, ctx, writeOffsetDeleteRequest, readOffsetDeleteResponse, {
      groupId: "g",
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0 }] }],
    });
    expect(r).toEqual({ errorCode: 0, throttleTimeMs: 0, topics: [{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
    expect(t.coordinator.fetchOffsets({ groupId: "g", memberId: null, memberEpoch: -1, topics: null, requireStable: false }).topics).toEqual([]);
    const missing = await exchange(offsetDeleteHandler, ctx, writeOffsetDeleteRequest, readOffsetDeleteResponse, { groupId: "nope", topics: [] });
    expect(missing.errorCode).toBe(errorCode("GROUP_ID_NOT_FOUND"));
  });
});
