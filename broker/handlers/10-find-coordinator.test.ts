import { describe, expect, it } from "vitest";
import { groupCoordinatorConfig } from "../coordinator/group/group-config.js";
import { GroupCoordinator } from "../coordinator/group/group-coordinator.js";
import type { OffsetsTopicLeadership } from "../coordinator/group/offsets-leadership.js";
import { partitionFor } from "../coordinator/group/partition-for.js";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { MemoryCoordinatorLog } from "../coordinator/group/memory-coordinator-log.js";
import { StaticTopics } from "../coordinator/group/testing/static-topics.js";
import { silentLogger, startTestCoordinator, type TestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import type { BrokerRegistration } from "../metadata/metadata-image.js";
import type { RequestContext } from "./handler.js";
import { errorCode } from "../protocol/errors.js";
import { writeFindCoordinatorRequest } from "../protocol/generated/find-coordinator-request.gen.js";
import { readFindCoordinatorResponse } from "../protocol/generated/find-coordinator-response.gen.js";
import { findCoordinatorHandler } from "./10-find-coordinator.js";

const config = {
  listeners: "PLAINTEXT://0.0.0.0:9092,EXTERNAL://0.0.0.0:9094",
  "advertised.listeners": "PLAINTEXT://broker-1.svc:9092,EXTERNAL://lb.example:443",
  "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT",
};

describe("FindCoordinator handler", () => {
  it("serves v0 to v6", () => {
    expect([findCoordinatorHandler.minVersion, findCoordinatorHandler.maxVersion]).toEqual([0, 6]);
  });

  it("names this broker for a group, at the address of the request's listener (v0–v3)", async () => {
    const t = await startTestCoordinator();
    const v0 = await exchange(findCoordinatorHandler, groupHandlerContext(t, 10, 0, { config }), writeFindCoordinatorRequest, readFindCoordinatorResponse, {
      key: "g",
      keyType: 0,
      coordinatorKeys: [],
    });
    expect(v0).toMatchObject({ errorCode: 0, nodeId: 1, host: "broker-1.svc", port: 9092 });
    const external = groupHandlerContext(t, 10, 3, { config, listenerName: "EXTERNAL" });
    const v3 = await exchange(findCoordinatorHandler, external, writeFindCoordinatorRequest, readFindCoordinatorResponse, { key: "g", keyType: 0, coordinatorKeys: [] });
    expect(v3).toMatchObject({ errorCode: 0, errorMessage: "NONE", nodeId: 1, host: "lb.example", port: 443 });
  });

  it("answers a batch of keys (v4+); transaction coordinators are not available yet", async () => {
    const t = await startTestCoordinator();
    const ctx = groupHandlerContext(t, 10, 6, { config });
    const groups = await exchange(findCoordinatorHandler, ctx, writeFindCoordinatorRequest, readFindCoordinatorResponse, { key: "", keyType: 0, coordinatorKeys: ["a", "b"] });
    expect(groups.coordinators).toEqual([
      { key: "a", nodeId: 1, host: "broker-1.svc", port: 9092, errorCode: 0, errorMessage: "NONE" },
      { key: "b", nodeId: 1, host: "broker-1.svc", port: 9092, errorCode: 0, errorMessage: "NONE" },
    ]);
    const txn = await exchange(findCoordinatorHandler, ctx, writeFindCoordinatorRequest, readFindCoordinatorResponse, { key: "", keyType: 1, coordinatorKeys: ["tx"] });
    expect(txn.coordinators[0]).toMatchObject({ key: "tx", nodeId: -1, errorCode: errorCode("COORDINATOR_NOT_AVAILABLE") });
  });

  it("is not available once the coordinator is closed", async () => {
    const t = await startTestCoordinator();
    await t.coordinator.close();
    const r = await exchange(findCoordinatorHandler, groupHandlerContext(t, 10, 2, { config }), writeFindCoordinatorRequest, readFindCoordinatorResponse, { key: "g", keyType: 0, coordinatorKeys: [] });
    expect(r).toMatchObject({ errorCode: errorCode("COORDINATOR_NOT_AVAILABLE"), nodeId: -1 });
  });

  describe("on a cluster", () => {
    /** Node 1 (this one) leads partition 0, node 2 partition 1, node 3 (fenced) partition 2; partition 3 has no leader. */
    const leaders = new Map<number, number | null>([[0, 1], [1, 2], [2, 3], [3, null]]);
    const groupIn = (p: number) => {
      for (let i = 0; ; i++) if (partitionFor(`g${i}`, 5) === p) return `g${i}`;
    };
    const registration = (id: number, fenced: boolean): BrokerRegistration => ({
      id,
      epoch: 1n,
      incarnationId: "x" as BrokerRegistration["incarnationId"],
      endpoints: [
        { name: "PLAINTEXT", host: `broker-${id}.svc`, port: 9092, securityProtocol: 0 },
        { name: "EXTERNAL", host: `lb-${id}.example`, port: 443, securityProtocol: 0 },
      ],
      rack: null,
      fenced,
      inControlledShutdown: false,
    });

    function clusterContext(t: TestCoordinator, version: number, options: { listenerName?: string; topicExists?: boolean } = {}): { ctx: RequestContext; created: () => number } {
      let exists = options.topicExists ?? true;
      let creations = 0;
      const leadership: OffsetsTopicLeadership = {
        localNodeId: 1,
        exists: () => exists,
        leaderOf: (p) => (exists ? (leaders.get(p) ?? null) : null),
        create: async () => {
          creations++;
          exists = true;
        },
      };
      const coordinator = new GroupCoordinator({ config: groupCoordinatorConfig({ offsetsTopicNumPartitions: 5 }), log: new MemoryCoordinatorLog(), topics: new StaticTopics(), logger: silentLogger, leadership });
      const base = groupHandlerContext(t, 10, version, { config, ...(options.listenerName ? { listenerName: options.listenerName } : {}) });
      const brokers = new Map([1, 2].map((id) => [id, registration(id, false)] as const).concat([[3, registration(3, true)]]));
      const broker = { ...base.broker, groups: coordinator, metadata: { image: { brokers } } } as unknown as RequestContext["broker"];
      return { ctx: { ...base, broker }, created: () => creations };
    }

    it("names the leader of the group's partition at its endpoint for the request's listener", async () => {
      const t = await startTestCoordinator();
      const { ctx } = clusterContext(t, 6);
      const r = await exchange(findCoordinatorHandler, ctx, writeFindCoordinatorRequest, readFindCoordinatorResponse, {
        key: "",
        keyType: 0,
        coordinatorKeys: [groupIn(0), groupIn(1), groupIn(2), groupIn(3)],
      });
      expect(r.coordinators.map((c) => [c.nodeId, c.host, c.port, c.errorCode])).toEqual([
        [1, "broker-1.svc", 9092, 0],
        [2, "broker-2.svc", 9092, 0],
        // A fenced leader, or none at all: not available, the client asks again.
        [-1, "", -1, errorCode("COORDINATOR_NOT_AVAILABLE")],
        [-1, "", -1, errorCode("COORDINATOR_NOT_AVAILABLE")],
      ]);
      const external = clusterContext(t, 3, { listenerName: "EXTERNAL" }).ctx;
      const v3 = await exchange(findCoordinatorHandler, external, writeFindCoordinatorRequest, readFindCoordinatorResponse, { key: groupIn(1), keyType: 0, coordinatorKeys: [] });
      expect(v3).toMatchObject({ errorCode: 0, nodeId: 2, host: "lb-2.example", port: 443 });
    });

    it("creates __consumer_offsets on the first lookup", async () => {
      const t = await startTestCoordinator();
      const { ctx, created } = clusterContext(t, 0, { topicExists: false });
      const r = await exchange(findCoordinatorHandler, ctx, writeFindCoordinatorRequest, readFindCoordinatorResponse, { key: groupIn(1), keyType: 0, coordinatorKeys: [] });
      expect(created()).toBe(1);
      expect(r).toMatchObject({ errorCode: 0, nodeId: 2, host: "broker-2.svc", port: 9092 });
    });
  });
});
