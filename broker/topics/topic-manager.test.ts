import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startTestBroker, type TestBroker } from "../handlers/test-fixtures.js";

/** For vi.waitFor: throws (so it retries) until the topic is in the metadata image. */
function committed<T>(topic: T | undefined): T {
  if (topic === undefined) throw new Error("topic not committed yet");
  return topic;
}

describe("TopicManager with many partitions", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(() => broker.close());

  it("keeps the event loop turning while it creates many logs", async () => {
    let turns = 0;
    let running = true;
    const spin = () => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    await broker.services.topics.createTopic("wide", { partitions: 160, replicationFactor: 1 }, new Map());
    running = false;
    // One turn per LOGS_PER_YIELD logs at least; without yielding there was none.
    expect(turns).toBeGreaterThanOrEqual(160 / 16);
    expect(broker.services.logs.getLog("wide", 159)).toBeDefined();
  });

  it("stops creating the logs of a topic deleted meanwhile", async () => {
    const { topics, metadata, logs } = broker.services;
    const creating = topics.createTopic("doomed", { partitions: 200, replicationFactor: 1 }, new Map());
    // Deleted as soon as the topic is committed, while its logs are still being created.
    const topic = await vi.waitFor(() => committed(metadata.topic("doomed")), { timeout: 5000, interval: 1 });
    await topics.deleteTopic(topic);
    await creating;
    const left = Array.from({ length: 200 }, (_, p) => logs.getLog("doomed", p)).filter(Boolean);
    expect(left).toEqual([]);
  });
});

describe("TopicManager ordering of log work per topic name", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(() => broker.close());

  it("lets a topic be created, deleted and created again at once without stray logs", async () => {
    const { topics, metadata, logs } = broker.services;
    const first = topics.createTopic("again", { partitions: 100, replicationFactor: 1 }, new Map());
    const topic = await vi.waitFor(() => committed(metadata.topic("again")), { timeout: 5000, interval: 1 });
    const deleted = topics.deleteTopic(topic);
    await vi.waitFor(() => expect(metadata.topic("again")).toBeUndefined(), { timeout: 5000, interval: 1 });
    const second = topics.createTopic("again", { partitions: 3, replicationFactor: 1 }, new Map());
    await Promise.all([first, deleted]);
    const recreated = await second;
    expect(recreated.ok).toBe(true);
    const id = metadata.topic("again")!.topicId;
    expect([0, 1, 2].map((p) => logs.getLog("again", p)?.topicId)).toEqual([id, id, id]);
    expect(logs.getLog("again", 3)).toBeUndefined();
  });
});
