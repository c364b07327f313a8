import { describe, expect, it } from "vitest";
import type { BrokerRegistration } from "../metadata/metadata-image.js";
import { NodeProgress, nodeReadiness, type ReadinessMetadata } from "./node-readiness.js";

function registration(id: number, state: Partial<Pick<BrokerRegistration, "fenced" | "inControlledShutdown">> = {}): BrokerRegistration {
  return { id, epoch: 5n, incarnationId: Buffer.alloc(16) as never, endpoints: [], rack: null, fenced: false, inControlledShutdown: false, ...state };
}

function metadata(leaderId: number, highWatermark: bigint, brokers: BrokerRegistration[] = []): ReadinessMetadata {
  return { quorum: { leaderId, highWatermark }, image: { brokers: new Map(brokers.map((b) => [b.id, b])) } };
}

function progress(state: Partial<NodeProgress>): NodeProgress {
  return Object.assign(new NodeProgress(), state);
}

describe("nodeReadiness", () => {
  it("is not ready while the metadata store opens", () => {
    expect(nodeReadiness(1, ["controller"], new NodeProgress())).toEqual({ ready: false, reasons: ["the metadata store is opening"] });
  });

  it("a controller waits for a quorum leader, then for the high watermark, then for its replay", () => {
    const roles = ["controller"];
    expect(nodeReadiness(1, roles, progress({ metadata: metadata(-1, 0n) })).reasons).toEqual(["the metadata quorum has no leader"]);
    expect(nodeReadiness(1, roles, progress({ metadata: metadata(2, 0n) })).reasons).toEqual(["the metadata quorum's high watermark is not known yet (leader 2)"]);
    expect(nodeReadiness(1, roles, progress({ metadata: metadata(2, 7n) })).reasons).toEqual(["the metadata log is not replayed up to the high watermark yet"]);
    expect(nodeReadiness(1, roles, progress({ metadata: metadata(2, 7n), metadataReplayed: true }))).toEqual({ ready: true, reasons: [] });
  });

  it("a broker needs an unfenced registration and its listeners", () => {
    const roles = ["broker"];
    const replayed = { metadataReplayed: true, brokerListenersUp: true };
    expect(nodeReadiness(4, roles, progress({ ...replayed, metadata: metadata(1, 9n) })).reasons).toEqual(["broker 4 is not registered with the controller"]);
    expect(nodeReadiness(4, roles, progress({ ...replayed, metadata: metadata(1, 9n, [registration(4, { fenced: true })]) })).reasons).toEqual(["broker 4 is fenced"]);
    expect(nodeReadiness(4, roles, progress({ ...replayed, metadata: metadata(1, 9n, [registration(4, { fenced: true, inControlledShutdown: true })]) })).reasons).toEqual([
      "broker 4 is in controlled shutdown",
    ]);
    expect(nodeReadiness(4, roles, progress({ metadataReplayed: true, metadata: metadata(1, 9n, [registration(4)]) })).reasons).toEqual(["the broker listeners are not up yet"]);
    // Another broker's registration says nothing about this one.
    expect(nodeReadiness(4, roles, progress({ ...replayed, metadata: metadata(1, 9n, [registration(5)]) })).ready).toBe(false);
    expect(nodeReadiness(4, roles, progress({ ...replayed, metadata: metadata(1, 9n, [registration(4)]) }))).toEqual({ ready: true, reasons: [] });
  });

  it("a combined node needs both roles ready and names every reason", () => {
    const roles = ["broker", "controller"];
    expect(nodeReadiness(1, roles, progress({ metadata: metadata(-1, 0n) })).reasons).toEqual([
      "the metadata quorum has no leader",
      "broker 1 is not registered with the controller",
      "the broker listeners are not up yet",
    ]);
    expect(nodeReadiness(1, roles, progress({ metadata: metadata(1, 3n, [registration(1)]), metadataReplayed: true, brokerListenersUp: true })).ready).toBe(true);
  });

  it("a stopping node is not ready whatever else holds", () => {
    const ready = { metadata: metadata(1, 3n, [registration(1)]), metadataReplayed: true, brokerListenersUp: true };
    expect(nodeReadiness(1, ["broker", "controller"], progress({ ...ready, stopping: true }))).toEqual({ ready: false, reasons: ["the node is shutting down"] });
  });
});
