import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
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
});
