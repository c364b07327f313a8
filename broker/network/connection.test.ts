import { connect, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { produceHandler } from "../handlers/00-produce.js";
import type { ApiHandler } from "../handlers/handler.js";
import { apiVersionsHandler } from "../handlers/18-api-versions.js";
import { writeProduceRequest } from "../protocol/generated/produce-request.gen.js";
import { writeRequestHeader } from "../protocol/generated/request-header.gen.js";
import { Writer } from "../protocol/primitives.js";
import { buildRecordBatch } from "../protocol/records.js";
import { startConnectionHarness, type ConnectionHarness } from "./connection-test-harness.js";

function frame(apiKey: number, version: number, headerVersion: number, writeBody: (w: Writer) => void, correlationId = 7): Buffer {
  const w = new Writer();
  w.int32(0);
  writeRequestHeader(w, headerVersion, { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: "conn-test" });
  writeBody(w);
  const bytes = Buffer.from(w.finish());
  bytes.writeInt32BE(bytes.length - 4, 0);
  return bytes;
}

describe("Connection", () => {
  let h: ConnectionHarness;
  beforeEach(async () => {
    h = await startConnectionHarness([produceHandler, apiVersionsHandler]);
  });
  afterEach(() => h.close());

  it("closes on a failed acks=0 produce with a warn line, not an error with a stack (Kafka logs it at info)", async () => {
    const records = buildRecordBatch([{ value: Buffer.from("v") }]);
    const produce = frame(0, 9, 2, (w) =>
      writeProduceRequest(w, 9, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: "missing", partitionData: [{ index: 0, records }] }] }),
    );
    const { received, closedByBroker } = await h.exchange(produce);
    expect(closedByBroker).toBe(true);
    expect(received.length).toBe(0);
    const closing = h.logs.filter((l) => l.msg.startsWith("closing connection"));
    expect(closing).toMatchObject([{ level: 40, msg: "closing connection: request failed", error: "UNKNOWN_SERVER_ERROR" }]);
    expect(h.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});

function produceFrame(correlationId: number): Buffer {
  const records = buildRecordBatch([{ value: Buffer.from("v") }]);
  return frame(0, 9, 2, (w) =>
    writeProduceRequest(w, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: "t", partitionData: [{ index: 0, records }] }] }),
  correlationId);
}

function apiVersionsFrame(correlationId: number): Buffer {
  return frame(18, 0, 1, () => undefined, correlationId);
}

/** A Produce handler whose answers the test releases: `started` lists correlation ids in the order handlers ran. */
function heldProduceHandler(): { handler: ApiHandler<any, any>; started: number[]; release: (correlationId: number) => void; onStart: (n: number) => Promise<void> } {
  const started: number[] = [];
  const gates = new Map<number, () => void>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const handler: ApiHandler<any, any> = {
    ...produceHandler,
    handle: (_request, ctx) => {
      started.push(ctx.correlationId);
      for (const w of waiters.filter((x) => started.length >= x.n)) w.resolve();
      return new Promise((resolve) => gates.set(ctx.correlationId, () => resolve({ responses: [], throttleTimeMs: 0, nodeEndpoints: [] })));
    },
  };
  return {
    handler,
    started,
    release: (correlationId) => gates.get(correlationId)!(),
    onStart: (n) => (started.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

/** Collects the correlation ids of the response frames arriving on `socket`, in order. */
function correlationIds(socket: Socket): { count: (n: number) => Promise<number[]> } {
  const ids: number[] = [];
  const waiters: { n: number; resolve: (ids: number[]) => void }[] = [];
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 8 && pending.length >= 4 + pending.readInt32BE(0)) {
      ids.push(pending.readInt32BE(4));
      pending = pending.subarray(4 + pending.readInt32BE(0));
    }
    for (const w of waiters.filter((x) => ids.length >= x.n)) w.resolve([...ids]);
  });
  return { count: (n) => (ids.length >= n ? Promise.resolve([...ids]) : new Promise((resolve) => waiters.push({ n, resolve }))) };
}

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.once("error", reject);
  });
}

describe("Connection: Produce requests overlap", () => {
  let h: ConnectionHarness;
  let held: ReturnType<typeof heldProduceHandler>;
  let order: string[];
  let socket: Socket | undefined;
  beforeEach(async () => {
    held = heldProduceHandler();
    order = [];
    const apiVersions: ApiHandler<any, any> = {
      ...apiVersionsHandler,
      handle: (request, ctx) => {
        order.push(`apiVersions ${ctx.correlationId}`);
        return apiVersionsHandler.handle(request, ctx);
      },
    };
    h = await startConnectionHarness([held.handler, apiVersions]);
  });
  afterEach(async () => {
    socket?.destroy();
    await h.close();
  });

  it("starts the next Produce while the one before waits, and answers in request order", async () => {
    socket = await connectTo(h.port);
    const answers = correlationIds(socket);
    socket.write(Buffer.concat([produceFrame(1), produceFrame(2), produceFrame(3)]));
    // All three run although none has answered: a serial connection would hold 2 and 3 back.
    await held.onStart(3);
    expect(held.started).toEqual([1, 2, 3]);
    held.release(3);
    held.release(2);
    held.release(1);
    expect(await answers.count(3)).toEqual([1, 2, 3]);
  });

  it("holds any other request until every earlier Produce is answered", async () => {
    socket = await connectTo(h.port);
    const answers = correlationIds(socket);
    socket.write(Buffer.concat([produceFrame(1), apiVersionsFrame(2), produceFrame(3)]));
    await held.onStart(1);
    // Answering produce 1 is what lets ApiVersions run; produce 3 follows it, not before.
    setImmediate(() => {
      order.push("produce 1 answered");
      held.release(1);
    });
    await answers.count(2);
    await held.onStart(2);
    held.release(3);
    expect(await answers.count(3)).toEqual([1, 2, 3]);
    expect(order).toEqual(["produce 1 answered", "apiVersions 2"]);
    expect(held.started).toEqual([1, 3]);
  });
});
