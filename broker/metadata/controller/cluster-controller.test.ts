import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Uuid } from "../../protocol/primitives.js";
import { MetadataStore } from "../metadata-store.js";
import { singleNodeQuorumOptions } from "../quorum-options.js";
import { ClusterController } from "./cluster-controller.js";

const log = pino({ level: "silent" });
const CLUSTER = "cluster-controller-test";
const INCARNATION_A = "AAAAAAAAAAAAAAAAAAAAAg" as Uuid;
const INCARNATION_B = "AAAAAAAAAAAAAAAAAAAAAw" as Uuid;

async function setup() {
  const metadata = await MetadataStore.openReady(singleNodeQuorumOptions(1, CLUSTER, mkdtempSync(join(tmpdir(), "millrace-controller-")), log));
  let now = 1_000_000;
  const controller = new ClusterController({ clusterId: CLUSTER, sessionTimeoutMs: 9000, metadata, logger: log, now: () => now });
  const advance = (ms: number) => (now += ms);
  const register = (brokerId: number, incarnationId = INCARNATION_A, clusterId = CLUSTER) =>
    controller.register({ brokerId, clusterId, incarnationId, endpoints: [{ name: "PLAINTEXT", host: "h", port: 9092 + brokerId, securityProtocol: 0 }], rack: `r${brokerId}` });
  return { metadata, controller, advance, register };
}

let opened: MetadataStore[] = [];
afterEach(async () => {
  await Promise.all(opened.map((m) => m.close()));
  opened = [];
});

describe("ClusterController", () => {
  it("registers a broker fenced, with its offset as epoch, and unfences it once it has caught up", async () => {
    const { metadata, controller, register } = await setup();
    opened.push(metadata);
    const reg = await register(2);
    expect(reg.error).toBe("NONE");
    const b = metadata.image.brokers.get(2)!;
    expect(b).toMatchObject({ epoch: reg.brokerEpoch, fenced: true, rack: "r2" });
    const behind = await controller.heartbeat({ brokerId: 2, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: reg.brokerEpoch - 1n, wantFence: false, wantShutDown: false });
    expect(behind).toMatchObject({ error: "NONE", isCaughtUp: false, isFenced: true });
    const caughtUp = await controller.heartbeat({ brokerId: 2, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: reg.brokerEpoch, wantFence: false, wantShutDown: false });
    expect(caughtUp).toMatchObject({ error: "NONE", isCaughtUp: true, isFenced: false });
    expect(metadata.image.brokers.get(2)!.fenced).toBe(false);
    // A retry of the same incarnation gets the same registration.
    expect((await register(2)).brokerEpoch).toBe(reg.brokerEpoch);
  });

  it("refuses a second live process with the same id, a stale epoch and another cluster", async () => {
    const { metadata, controller, register, advance } = await setup();
    opened.push(metadata);
    const reg = await register(2);
    await controller.heartbeat({ brokerId: 2, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: reg.brokerEpoch, wantFence: false, wantShutDown: false });
    expect((await register(2, INCARNATION_B)).error).toBe("DUPLICATE_BROKER_REGISTRATION");
    expect((await register(3, INCARNATION_A, "another-cluster")).error).toBe("INCONSISTENT_CLUSTER_ID");
    expect((await controller.heartbeat({ brokerId: 2, brokerEpoch: 999n, currentMetadataOffset: 0n, wantFence: false, wantShutDown: false })).error).toBe("STALE_BROKER_EPOCH");
    // Once its session has lapsed and it is fenced, a new incarnation may take the id.
    advance(9001);
    await controller.fenceExpired();
    expect(metadata.image.brokers.get(2)!.fenced).toBe(true);
    const again = await register(2, INCARNATION_B);
    expect(again.error).toBe("NONE");
    expect(again.brokerEpoch).toBeGreaterThan(reg.brokerEpoch);
  });

  it("fences a silent broker after the session timeout, not before", async () => {
    const { metadata, controller, register, advance } = await setup();
    opened.push(metadata);
    const reg = await register(2);
    await controller.heartbeat({ brokerId: 2, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: reg.brokerEpoch, wantFence: false, wantShutDown: false });
    advance(8999);
    await controller.fenceExpired();
    expect(metadata.image.brokers.get(2)!.fenced).toBe(false);
    advance(2);
    await controller.fenceExpired();
    expect(metadata.image.brokers.get(2)!.fenced).toBe(true);
  });

  it("lets a broker asking to shut down go, fenced and marked in controlled shutdown", async () => {
    const { metadata, controller, register } = await setup();
    opened.push(metadata);
    const reg = await register(2);
    const res = await controller.heartbeat({ brokerId: 2, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: reg.brokerEpoch, wantFence: false, wantShutDown: true });
    expect(res).toMatchObject({ error: "NONE", shouldShutDown: true, isFenced: true });
    expect(metadata.image.brokers.get(2)).toMatchObject({ fenced: true, inControlledShutdown: true });
  });
});
