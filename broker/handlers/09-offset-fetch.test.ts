import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { silentLogger, startTestCoordinator, type TestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import { GroupCoordinator } from "../coordinator/group/group-coordinator.js";
import { partitionFor } from "../coordinator/group/partition-for.js";
import { errorCode } from "../protocol/errors.js";
import { writeOffsetFetchRequest, type OffsetFetchRequest } from "../protocol/generated/offset-fetch-request.gen.js";
import { readOffsetFetchResponse } from "../protocol/generated/offset-fetch-response.gen.js";
import { offsetFetchHandler } from "./09-offset-fetch.js";
import { standaloneCommit } from "../coordinator/group/testing/requests.js";

async function withOffsets(): Promise<TestCoordinator> {
  const t = await startTestCoordinator();
  await t.coordinator.commitOffsets(standaloneCommit("g", "orders", 1, 7n, { leaderEpoch: 4, metadata: "x" }));
  return t;
}

const empty: OffsetFetchRequest = { groupId: "", topics: null, groups: [], requireStable: false };

describe("OffsetFetch handler", () => {
  it("serves v0 to v9", () => {
    expect([offsetFetchHandler.minVersion, offsetFetchHandler.maxVersion]).toEqual([0, 9]);
  });

  it("fetches named partitions (v1) and all partitions (v7)", async () => {
    const t = await withOffsets();
    const v1 = await exchange(offsetFetchHandler, groupHandlerContext(t, 9, 1), writeOffsetFetchRequest, readOffsetFetchResponse, {
      ...empty,
      groupId: "g",
      topics: [{ name: "orders", partitionIndexes: [0, 1] }],
    });
    expect(v1.topics).toEqual([
      {
        name: "orders",
        partitions: [
          { partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", errorCode: 0 },
          { partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: -1, metadata: "x", errorCode: 0 },
        ],
      },
    ]);
    const v7 = await exchange(offsetFetchHandler, groupHandlerContext(t, 9, 7), writeOffsetFetchRequest, readOffsetFetchResponse, { ...empty, groupId: "g", requireStable: true });
    expect(v7.errorCode).toBe(0);
    expect(v7.topics[0]!.partitions).toEqual([{ partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: 4, metadata: "x", errorCode: 0 }]);
  });

  it("fetches several groups at once (v9)", async () => {
    const t = await withOffsets();
    const r = await exchange(offsetFetchHandler, groupHandlerContext(t, 9, 9), writeOffsetFetchRequest, readOffsetFetchResponse, {
      ...empty,
      groups: [
        { groupId: "g", memberId: null, memberEpoch: -1, topics: null },
        { groupId: "none", memberId: null, memberEpoch: -1, topics: [{ name: "orders", partitionIndexes: [0] }] },
      ],
    });
    expect(r.groups).toEqual([
      { groupId: "g", errorCode: 0, topics: [{ name: "orders", partitions: [{ partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: 4, metadata: "x", errorCode: 0 }] }] },
      { groupId: "none", errorCode: 0, topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", errorCode: 0 }] }] },
    ]);
  });

  it("puts a group error on each partition where v0–v1 have no group error", async () => {
    const t = await startTestCoordinator();
    const loading = new GroupCoordinator({ config: t.config, log: t.log, topics: t.topics, logger: silentLogger, timer: t.timer });
    const ctx = groupHandlerContext(t, 9, 0);
    const services = { ...ctx.broker, groups: loading };
    const r = await exchange(offsetFetchHandler, { ...ctx, broker: services }, writeOffsetFetchRequest, readOffsetFetchResponse, {
      ...empty,
      groupId: "g",
      topics: [{ name: "orders", partitionIndexes: [3] }],
    });
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(errorCode("COORDINATOR_LOAD_IN_PROGRESS"));
    const v2 = await exchange(offsetFetchHandler, { ...groupHandlerContext(t, 9, 2), broker: services }, writeOffsetFetchRequest, readOffsetFetchResponse, { ...empty, groupId: "g" });
    expect(v2).toMatchObject({ errorCode: errorCode("COORDINATOR_LOAD_IN_PROGRESS"), topics: [] });
  });

  it("answers NOT_COORDINATOR per group for groups whose partition another broker leads (v8+), and on each partition before v2", async () => {
    const t = await withOffsets();
    // This node leads only the partition of "g" (a cluster coordinator: partitions come with elections).
    const cluster = new GroupCoordinator({ config: t.config, log: t.log, topics: t.topics, logger: silentLogger, timer: t.timer, leadership: { localNodeId: 1, exists: () => true, leaderOf: () => 1, create: async () => undefined } });
    cluster.startup();
    await cluster.onElection(partitionFor("g", t.config.offsetsTopicNumPartitions), 0);
    let other = "other";
    for (let i = 0; partitionFor(other, t.config.offsetsTopicNumPartitions) === partitionFor("g", t.config.offsetsTopicNumPartitions); i++) other = `other-${i}`;
    const ctx = (v: number) => {
      const base = groupHandlerContext(t, 9, v);
      return { ...base, broker: { ...base.broker, groups: cluster } };
    };
    const v8 = await exchange(offsetFetchHandler, ctx(8), writeOffsetFetchRequest, readOffsetFetchResponse, {
      ...empty,
      groups: [
        { groupId: "g", memberId: null, memberEpoch: -1, topics: null },
        { groupId: other, memberId: null, memberEpoch: -1, topics: null },
      ],
    });
    expect(v8.groups.map((g) => [g.groupId, g.errorCode, g.topics.length])).toEqual([
      ["g", 0, 1],
      [other, errorCode("NOT_COORDINATOR"), 0],
    ]);
    const v1 = await exchange(offsetFetchHandler, ctx(1), writeOffsetFetchRequest, readOffsetFetchResponse, { ...empty, groupId: other, topics: [{ name: "orders", partitionIndexes: [0] }] });
    expect(v1.topics[0]!.partitions[0]!.errorCode).toBe(errorCode("NOT_COORDINATOR"));
    await cluster.close();
  });
});
