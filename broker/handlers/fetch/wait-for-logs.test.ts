// A fetch's reads are awaited, so an append can land after the read found nothing and before the
// long poll subscribes. The poll must still see it: a missed write held a follower's fetch (and
// with it every acks=all produce) until the fetch's maxWaitMs.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultFetchPartition, defaultFetchRequest, defaultFetchTopic } from "../../protocol/generated/fetch-request.gen.js";
import type { FetchResponse } from "../../protocol/generated/fetch-response.gen.js";
import type { PartitionLog } from "../../storage/index.js";
import { fetchHandler } from "../01-fetch.js";
import { startTestBroker, type TestBroker } from "../test-fixtures.js";
import { noteSignals, waitForLogs } from "./wait-for-logs.js";

// Far beyond the test's timeout: a poll that misses a signal fails the test by timing out.
const NEVER_MS = 600_000;

describe("long poll and signals between read and wait", () => {
  let broker: TestBroker;
  let log: PartitionLog;
  beforeEach(async () => {
    broker = await startTestBroker();
    await broker.createTopic("t", 1);
    log = broker.services.logs.getLog("t", 0)!;
  });
  afterEach(() => broker.close());

  it("a high watermark moved since the counts were noted ends the wait at once", async () => {
    const noted = noteSignals([log], { written: false });
    await broker.produce("t", 0, [{ value: "a" }]);
    await waitForLogs(broker.context(1, 12), [log], noted, Date.now() + NEVER_MS, { written: false });
  }, 10_000);

  it("counts writes only for waits that ask for them", async () => {
    // A replicated leader: writes do not move the high watermark until followers have them.
    log.setExternalHighWatermark(true);
    const consumer = log.signalCount({ written: false });
    const follower = log.signalCount({ written: true });
    await broker.produce("t", 0, [{ value: "a" }]);
    expect(log.signalCount({ written: false })).toBe(consumer);
    expect(log.signalCount({ written: true })).toBe(follower + 1);
    await waitForLogs(broker.context(1, 12), [log], [follower], Date.now() + NEVER_MS, { written: true });
  }, 10_000);

  it("a consumer fetch whose read raced an append answers with the appended records", async () => {
    const realRead = log.read.bind(log);
    // The first read finds nothing; the append lands (and is written) before its result returns.
    vi.spyOn(log, "read").mockImplementationOnce(async (...args) => {
      const empty = await realRead(...args);
      await broker.produce("t", 0, [{ value: "a" }]);
      return empty;
    });
    const request = {
      ...defaultFetchRequest(),
      maxWaitMs: NEVER_MS,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ ...defaultFetchTopic(), topic: "t", partitions: [{ ...defaultFetchPartition(), partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    };
    const response = (await fetchHandler.handle(request, broker.context(1, 12))) as FetchResponse;
    expect(response.responses[0]!.partitions[0]!.records!.length).toBeGreaterThan(0);
  }, 10_000);
});
