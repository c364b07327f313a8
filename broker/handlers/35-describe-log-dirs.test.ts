import { resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import {
  readDescribeLogDirsRequest,
  writeDescribeLogDirsRequest,
  type DescribeLogDirsRequest,
} from "../protocol/generated/describe-log-dirs-request.gen.js";
import {
  readDescribeLogDirsResponse,
  writeDescribeLogDirsResponse,
  type DescribeLogDirsResponse,
} from "../protocol/generated/describe-log-dirs-response.gen.js";
import { describeLogDirsHandler } from "./35-describe-log-dirs.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

describe("DescribeLogDirs", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
    await broker.createTopic("a", 2);
    await broker.createTopic("b", 1);
    await broker.produce("a", 1, [{ value: "x".repeat(100) }]);
  });
  afterEach(() => broker.close());

  async function describeDirs(version: number, request: DescribeLogDirsRequest) {
    const response = (await describeLogDirsHandler.handle(request, broker.context(35, version))) as DescribeLogDirsResponse;
    return roundTripResponse(writeDescribeLogDirsResponse, readDescribeLogDirsResponse, version, response);
  }

  it("serves v1 to v4", () => {
    expect([describeLogDirsHandler.minVersion, describeLogDirsHandler.maxVersion]).toEqual([1, 4]);
  });

  it("lists every partition of the log dir with its size, and the volume's space (v4)", async () => {
    const r = await describeDirs(4, { topics: null });
    expect(r.errorCode).toBe(0);
    expect(r.results).toHaveLength(1);
    const dir = r.results[0]!;
    expect(dir).toMatchObject({ errorCode: 0, logDir: resolve(broker.logDir) });
    expect(dir.totalBytes).toBeGreaterThan(0n);
    expect(dir.usableBytes).toBeGreaterThan(0n);
    expect(dir.usableBytes).toBeLessThanOrEqual(dir.totalBytes);
    const sizes = new Map(dir.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p])));
    expect([...sizes.keys()].sort()).toEqual(["a-0", "a-1", "b-0"]);
    expect(sizes.get("a-0")!.partitionSize).toBe(0n);
    expect(sizes.get("a-1")!.partitionSize).toBeGreaterThan(100n);
    expect(sizes.get("a-1")).toMatchObject({ offsetLag: 0n, isFutureKey: false });
  });

  it("lists only the requested partitions", async () => {
    const r = await describeDirs(1, { topics: [{ topic: "a", partitions: [1, 9] }, { topic: "zzz", partitions: [0] }] });
    expect(r.results[0]!.topics).toEqual([{ name: "a", partitions: [expect.objectContaining({ partitionIndex: 1 })] }]);
    // v1 carries no volume sizes: they read back as the defaults.
    expect(r.results[0]!.totalBytes).toBe(-1n);
  });

  it("reports a log dir holding an offline log as KAFKA_STORAGE_ERROR", async () => {
    const log = broker.services.logs.getLog("b", 0)!;
    Object.defineProperty(log, "offline", { get: () => true });
    const r = await describeDirs(4, { topics: null });
    expect(r.results[0]).toMatchObject({ errorCode: errorCode("KAFKA_STORAGE_ERROR"), topics: [] });
  });

  it("round-trips the oldest and newest request versions", () => {
    for (const v of [1, 4]) {
      for (const request of [{ topics: null }, { topics: [{ topic: "a", partitions: [0, 2] }] }]) {
        expect(roundTripRequest(writeDescribeLogDirsRequest, readDescribeLogDirsRequest, v, request)).toEqual(request);
      }
    }
  });
});
