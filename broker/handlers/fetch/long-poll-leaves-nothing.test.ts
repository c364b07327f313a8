// A long-polled fetch must leave nothing behind on its connection once answered: a waiter that
// stayed subscribed to the connection's end kept the handler's records alive for as long as the
// connection lived (a follower's replication connection lives for ever).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultFetchPartition, defaultFetchRequest, defaultFetchTopic } from "../../protocol/generated/fetch-request.gen.js";
import type { FetchResponse } from "../../protocol/generated/fetch-response.gen.js";
import { CloseSignal } from "../../network/close-signal.js";
import { fetchHandler } from "../01-fetch.js";
import { startTestBroker, type TestBroker } from "../test-fixtures.js";

describe("long-polled Fetch", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
    await broker.createTopic("t", 1);
  });
  afterEach(() => broker.close());

  const request = (fetchOffset: bigint, maxWaitMs: number) => ({
    ...defaultFetchRequest(),
    maxWaitMs,
    minBytes: 1,
    maxBytes: 1 << 20,
    topics: [{ ...defaultFetchTopic(), topic: "t", partitions: [{ ...defaultFetchPartition(), partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
  });

  it("unsubscribes from the connection's end when the wait times out or records arrive", async () => {
    const closed = new CloseSignal();
    const ctx = broker.context(1, 12, { closed });
    // Nothing to read: the poll runs to its deadline.
    const empty = (await fetchHandler.handle(request(0n, 20), ctx)) as FetchResponse;
    expect(empty.responses[0]!.partitions[0]!.records?.length ?? 0).toBe(0);
    expect(closed.waiterCount).toBe(0);
    // Records written during the poll end it early.
    const waiting = fetchHandler.handle(request(0n, 30_000), ctx) as Promise<FetchResponse>;
    await broker.produce("t", 0, [{ value: "a" }]);
    const answered = await waiting;
    expect(answered.responses[0]!.partitions[0]!.records!.length).toBeGreaterThan(0);
    expect(closed.waiterCount).toBe(0);
  });

  it("stops waiting when the connection closes", async () => {
    const closed = new CloseSignal();
    const waiting = fetchHandler.handle(request(0n, 600_000), broker.context(1, 12, { closed })) as Promise<FetchResponse>;
    closed.close();
    expect((await waiting).responses[0]!.partitions[0]!.records?.length ?? 0).toBe(0);
  }, 10_000);
});
