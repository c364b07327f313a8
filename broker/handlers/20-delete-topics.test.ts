import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import { readDeleteTopicsRequest, writeDeleteTopicsRequest, type DeleteTopicsRequest } from "../protocol/generated/delete-topics-request.gen.js";
import { readDeleteTopicsResponse, writeDeleteTopicsResponse, type DeleteTopicsResponse } from "../protocol/generated/delete-topics-response.gen.js";
import { ZERO_UUID, type Uuid } from "../protocol/primitives.js";
import { deleteTopicsHandler } from "./20-delete-topics.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

const byNames = (...names: string[]): DeleteTopicsRequest => ({ topics: [], topicNames: names, timeoutMs: 30000 });
const byEntries = (...topics: { name: string | null; topicId: Uuid }[]): DeleteTopicsRequest => ({ topics, topicNames: [], timeoutMs: 30000 });

describe("DeleteTopics", () => {
  let broker: TestBroker;
  afterEach(() => broker?.close());

  async function del(version: number, req: DeleteTopicsRequest) {
    const response = (await deleteTopicsHandler.handle(req, broker.context(20, version))) as DeleteTopicsResponse;
    return roundTripResponse(writeDeleteTopicsResponse, readDeleteTopicsResponse, version, response).responses;
  }

  it("serves v1 to v6", () => {
    expect([deleteTopicsHandler.minVersion, deleteTopicsHandler.maxVersion]).toEqual([1, 6]);
  });

  it("deletes topics by name: metadata and logs", async () => {
    broker = await startTestBroker();
    await broker.createTopic("a", 2);
    await broker.createTopic("b");
    const r = await del(1, byNames("a", "missing"));
    expect(r.map((t) => [t.name, t.errorCode])).toEqual([
      ["a", 0],
      ["missing", errorCode("UNKNOWN_TOPIC_OR_PARTITION")],
    ]);
    expect(broker.services.metadata.topic("a")).toBeUndefined();
    expect(broker.services.logs.getLog("a", 0)).toBeUndefined();
    expect(existsSync(join(broker.logDir, "a-0"))).toBe(false);
    expect(broker.services.metadata.topic("b")).toBeDefined();
  });

  it("deletes by id from v6, and checks names and ids as KRaft does", async () => {
    broker = await startTestBroker();
    const a = await broker.createTopic("a");
    const b = await broker.createTopic("b");
    const c = await broker.createTopic("c");
    const unknownId = "AAAAAAAAAAAAAAAAAAAAAQ" as Uuid;
    const r = await del(
      6,
      byEntries(
        { name: null, topicId: a.topicId },
        { name: "b", topicId: ZERO_UUID },
        { name: "b", topicId: ZERO_UUID },
        { name: null, topicId: ZERO_UUID },
        { name: "x", topicId: unknownId },
        { name: null, topicId: unknownId },
        { name: "c", topicId: ZERO_UUID },
        { name: null, topicId: c.topicId },
      ),
    );
    expect(r.map((t) => [t.name, t.topicId, t.errorCode, t.errorMessage])).toEqual([
      ["a", a.topicId, 0, null],
      ["b", ZERO_UUID, errorCode("INVALID_REQUEST"), "Duplicate topic name."],
      [null, ZERO_UUID, errorCode("INVALID_REQUEST"), "Neither topic name nor id were specified."],
      ["x", unknownId, errorCode("INVALID_REQUEST"), "You may not specify both topic name and topic id."],
      [null, unknownId, errorCode("UNKNOWN_TOPIC_ID"), null],
      ["c", c.topicId, errorCode("INVALID_REQUEST"), "The provided topic name maps to an ID that was already supplied."],
      [null, c.topicId, errorCode("INVALID_REQUEST"), "The provided topic name maps to an ID that was already supplied."],
    ]);
    expect(broker.services.metadata.topic("a")).toBeUndefined();
    expect(broker.services.metadata.topicById(b.topicId)).toBeDefined();
    expect(broker.services.metadata.topicById(c.topicId)).toBeDefined();
  });

  it("refuses internal topics", async () => {
    broker = await startTestBroker();
    await broker.createTopic("__consumer_offsets", 1, { "cleanup.policy": "compact" });
    const [r] = await del(5, byNames("__consumer_offsets"));
    expect(r).toMatchObject({
      errorCode: errorCode("INVALID_TOPIC_EXCEPTION"),
      errorMessage: "Topic __consumer_offsets is a kafka internal topic and is not allowed to be marked for deletion.",
    });
    expect(broker.services.metadata.topic("__consumer_offsets")).toBeDefined();
  });

  it("refuses everything when delete.topic.enable is false", async () => {
    broker = await startTestBroker({ config: { "delete.topic.enable": "false" } });
    await broker.createTopic("a");
    expect((await del(3, byNames("a")))[0]!.errorCode).toBe(errorCode("TOPIC_DELETION_DISABLED"));
    expect((await del(2, byNames("a")))[0]!.errorCode).toBe(errorCode("INVALID_REQUEST"));
    expect(broker.services.metadata.topic("a")).toBeDefined();
  });

  it("keeps a deleted topic deleted across a restart", async () => {
    broker = await startTestBroker();
    await broker.createTopic("a");
    await del(6, byEntries({ name: "a", topicId: ZERO_UUID }));
    broker = await broker.restart();
    expect(broker.services.metadata.topic("a")).toBeUndefined();
    expect(broker.services.logs.getLog("a", 0)).toBeUndefined();
  });

  it("round-trips the oldest and newest request versions", () => {
    const v1 = byNames("a", "b");
    expect(roundTripRequest(writeDeleteTopicsRequest, readDeleteTopicsRequest, 1, v1)).toEqual(v1);
    const v6 = byEntries({ name: "a", topicId: ZERO_UUID }, { name: null, topicId: "AAAAAAAAAAAAAAAAAAAAAQ" as Uuid });
    expect(roundTripRequest(writeDeleteTopicsRequest, readDeleteTopicsRequest, 6, v6)).toEqual(v6);
  });
});
