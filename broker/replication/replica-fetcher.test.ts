import path from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ApiCall, ConnectionError, KafkaConnection } from "../client/kafka-connection.js";
import { errorCode } from "../protocol/errors.js";
import * as FetchReq from "../protocol/generated/fetch-request.gen.js";
import * as FetchRes from "../protocol/generated/fetch-response.gen.js";
import * as ListOffsetsReq from "../protocol/generated/list-offsets-request.gen.js";
import * as ListOffsetsRes from "../protocol/generated/list-offsets-response.gen.js";
import { Reader, type Uuid, Writer } from "../protocol/primitives.js";
import type { PartitionLog } from "../storage/index.js";
import { batch, clientAppend, openLog, readAll, removeDir, tempDir } from "../storage/test-support.js";
import { outOfRangeAction, ReplicaFetcher } from "./replica-fetcher.js";

const TOPIC = "topic";
const TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAQ" as Uuid;
const LEADER_EPOCH = 1;
const FOLLOWER_ID = 2;

/**
 * The leader end of the fetcher's connection, in process: requests and responses go through the
 * generated codecs at the fetcher's versions, and are answered from a real leader PartitionLog
 * the way broker/handlers/fetch/replica-fetch.ts and 02-list-offsets.ts answer a replica.
 */
class FakeLeader {
  closed = false;
  readonly listOffsetsRequests: ListOffsetsReq.ListOffsetsRequest[] = [];
  /** Answers ListOffsets with this error instead of the log end. */
  listOffsetsError: number | undefined;

  constructor(private readonly log: PartitionLog) {}

  close(): void {
    this.closed = true;
  }

  async send(call: ApiCall<unknown, unknown>, request: unknown): Promise<unknown> {
    if (this.closed) throw new ConnectionError("fake leader: connection closed");
    const w = new Writer();
    call.write(w, call.version, request);
    const wire = new Reader(w.finish());
    const out = new Writer();
    if (call.apiKey === 1) {
      FetchRes.writeFetchResponse(out, call.version, await this.fetch(FetchReq.readFetchRequest(wire, call.version)));
    } else if (call.apiKey === 2) {
      ListOffsetsRes.writeListOffsetsResponse(out, call.version, this.listOffsets(ListOffsetsReq.readListOffsetsRequest(wire, call.version)));
    } else {
      throw new Error(`fake leader: api ${call.apiKey} not served`);
    }
    return call.read(new Reader(out.finish()), call.version);
  }

  private async fetch(request: FetchReq.FetchRequest): Promise<FetchRes.FetchResponse> {
    const log = this.log;
    const responses: FetchRes.FetchableTopicResponse[] = [];
    let any = false;
    for (const t of request.topics) {
      const partitions: FetchRes.PartitionData[] = [];
      for (const p of t.partitions) {
        const data: FetchRes.PartitionData = { ...FetchRes.defaultPartitionData(), partitionIndex: p.partition, logStartOffset: log.logStartOffset };
        if (p.lastFetchedEpoch >= 0 && p.fetchOffset > 0n) {
          const ours = log.endOffsetForEpoch(p.lastFetchedEpoch);
          if (ours.epoch !== p.lastFetchedEpoch || ours.endOffset < p.fetchOffset) {
            partitions.push({ ...data, highWatermark: log.highWatermark, divergingEpoch: { epoch: ours.epoch, endOffset: ours.endOffset } });
            continue;
          }
        }
        const read = await log.read(p.fetchOffset, p.partitionMaxBytes, { upperBound: "logEnd", minOneMessage: true });
        if ("error" in read) {
          partitions.push({ ...data, errorCode: errorCode(read.error), highWatermark: log.highWatermark });
          continue;
        }
        if (read.records.length > 0) any = true;
        partitions.push({ ...data, highWatermark: read.highWatermark, lastStableOffset: read.lastStableOffset, records: read.records });
      }
      responses.push({ topic: t.topic, topicId: t.topicId, partitions });
    }
    // Nothing new: a short wait stands in for the long poll.
    if (!any) await new Promise((resolve) => setTimeout(resolve, 5));
    return { ...FetchRes.defaultFetchResponse(), responses };
  }

  private listOffsets(request: ListOffsetsReq.ListOffsetsRequest): ListOffsetsRes.ListOffsetsResponse {
    this.listOffsetsRequests.push(request);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          ...ListOffsetsRes.defaultListOffsetsPartitionResponse(),
          partitionIndex: p.partitionIndex,
          errorCode: this.listOffsetsError ?? 0,
          // A replica (replicaId >= 0) asking for the latest offset gets the log end.
          offset: this.listOffsetsError === undefined && request.replicaId >= 0 ? this.log.logEndOffset : -1n,
          leaderEpoch: LEADER_EPOCH,
        })),
      })),
    };
  }
}

/** Collects the fetcher's log lines (pino objects) for assertions. */
function capturingLogger(lines: Record<string, unknown>[]) {
  return pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
}

describe("outOfRangeAction", () => {
  const ours = { logStartOffset: 10n, logEndOffset: 20n };

  it("starts empty at the leader's log start when our log ends below it", () => {
    expect(outOfRangeAction(ours, 25n)).toEqual({ kind: "start-at", offset: 25n, reason: "below-leader-log-start" });
    expect(outOfRangeAction({ logStartOffset: 0n, logEndOffset: 0n }, 6n)).toEqual({ kind: "start-at", offset: 6n, reason: "below-leader-log-start" });
  });

  it("asks for the leader's log end when the Fetch answer cannot tell", () => {
    expect(outOfRangeAction(ours, 20n)).toEqual({ kind: "ask-leader-end" });
    expect(outOfRangeAction(ours, 5n)).toEqual({ kind: "ask-leader-end" });
  });

  it("truncates to the leader's log end, fully when it is below our log start", () => {
    expect(outOfRangeAction(ours, 5n, 15n)).toEqual({ kind: "truncate", offset: 15n });
    expect(outOfRangeAction(ours, 5n, 10n)).toEqual({ kind: "truncate", offset: 10n });
    expect(outOfRangeAction(ours, 0n, 7n)).toEqual({ kind: "start-at", offset: 7n, reason: "leader-log-end-below-our-log-start" });
  });

  it("fetches again when our log end is inside the leader's log after all", () => {
    expect(outOfRangeAction(ours, 5n, 20n)).toEqual({ kind: "retry", leaderLogEnd: 20n });
    expect(outOfRangeAction(ours, 20n, 30n)).toEqual({ kind: "retry", leaderLogEnd: 30n });
  });
});

describe("ReplicaFetcher on OFFSET_OUT_OF_RANGE", () => {
  let dir: string;
  let leaderLog: PartitionLog;
  let followerLog: PartitionLog;
  let leader: FakeLeader;
  let fetcher: ReplicaFetcher | undefined;
  let lines: Record<string, unknown>[];

  beforeEach(async () => {
    dir = await tempDir();
    leaderLog = await openLog(path.join(dir, "leader"), { segmentBytes: 300 });
    followerLog = await openLog(path.join(dir, "follower"), { segmentBytes: 300 }, { externalHighWatermark: true });
    leader = new FakeLeader(leaderLog);
    vi.spyOn(KafkaConnection, "connect").mockImplementation(async () => {
      leader.closed = false;
      return leader as unknown as KafkaConnection;
    });
    lines = [];
  });

  afterEach(async () => {
    if (fetcher) await stopped(fetcher);
    fetcher = undefined;
    vi.restoreAllMocks();
    await leaderLog.close();
    await followerLog.close();
    removeDir(dir);
  });

  function startFetcher(): ReplicaFetcher {
    fetcher = new ReplicaFetcher({
      nodeId: FOLLOWER_ID,
      leaderId: 1,
      endpoint: () => ({ host: "127.0.0.1", port: 9092 }),
      maxWaitMs: 50,
      partitionMaxBytes: 1 << 20,
      backoffMs: 20,
      logger: capturingLogger(lines),
    });
    fetcher.follow({ topic: TOPIC, topicId: TOPIC_ID, partition: 0, leaderEpoch: LEADER_EPOCH, log: followerLog });
    return fetcher;
  }

  /** Stops the fetcher and waits for its loop to finish (so the logs can close under nobody). */
  async function stopped(f: ReplicaFetcher): Promise<void> {
    f.stop();
    await vi.waitFor(() => expect((f as unknown as { running: boolean }).running).toBe(false));
  }

  const values = async (log: PartitionLog) => (await readAll(log)).map((e) => `${e.offset}:${e.value}`);

  it("a new follower of a partition whose log start the leader advanced starts its log there", async () => {
    for (let i = 0; i < 10; i++) await leaderLog.append(batch([`k${i}:v${i}`]), { ...clientAppend, leaderEpoch: LEADER_EPOCH });
    expect(await leaderLog.deleteRecordsBefore(6n)).toEqual({ lowWatermark: 6n });
    expect(leaderLog.segmentList[0]!.baseOffset).toBeGreaterThan(0);

    startFetcher();
    await vi.waitFor(() => expect(followerLog.logEndOffset).toBe(10n));
    await vi.waitFor(() => expect(followerLog.highWatermark).toBe(10n));

    expect(followerLog.logStartOffset).toBe(6n);
    expect(await values(followerLog)).toEqual(["6:v6", "7:v7", "8:v8", "9:v9"]);
    expect(followerLog.latestEpoch).toBe(LEADER_EPOCH);
    const decision = lines.find((l) => l.msg === "fetch offset out of the leader's range; truncating the log fully");
    expect(decision).toMatchObject({ level: 30, topic: TOPIC, partition: 0, offset: 6, logEndOffset: 0, leaderLogStartOffset: 6, reason: "below-leader-log-start" });
    // The Fetch answer was enough: no ListOffsets.
    expect(leader.listOffsetsRequests).toEqual([]);
  });

  it("a follower whose log runs past the leader's end truncates to the end ListOffsets gives", async () => {
    // Batches without a leader epoch: the leader cannot answer divergingEpoch, only out of range.
    for (let i = 0; i < 5; i++) await leaderLog.append(batch([`k${i}:v${i}`]), { ...clientAppend, leaderEpoch: -1 });
    const fetched = await leaderLog.read(0n, 1 << 20, { upperBound: "logEnd", minOneMessage: true });
    if ("error" in fetched) throw new Error(fetched.error);
    await followerLog.appendAsFollower(Buffer.from(fetched.records));
    await followerLog.appendAsFollower(batch(["x:stale5", "y:stale6", "z:stale7"], { baseOffset: 5n }));
    expect(followerLog.logEndOffset).toBe(8n);

    startFetcher();
    await vi.waitFor(() => expect(followerLog.logEndOffset).toBe(5n));
    for (let i = 5; i < 7; i++) await leaderLog.append(batch([`k${i}:v${i}`]), { ...clientAppend, leaderEpoch: -1 });
    await vi.waitFor(() => expect(followerLog.highWatermark).toBe(7n));

    expect(await values(followerLog)).toEqual(["0:v0", "1:v1", "2:v2", "3:v3", "4:v4", "5:v5", "6:v6"]);
    expect(leader.listOffsetsRequests[0]).toMatchObject({
      replicaId: FOLLOWER_ID,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: LEADER_EPOCH, timestamp: -1n }] }],
    });
    const decision = lines.find((l) => l.msg === "fetch offset beyond the leader's log end; truncating");
    expect(decision).toMatchObject({ level: 30, offset: 5, logEndOffset: 8, leaderLogStartOffset: 0 });
  });

  it("backs off without touching the log when the leader's end cannot be listed", async () => {
    for (let i = 0; i < 3; i++) await leaderLog.append(batch([`k${i}:v${i}`]), { ...clientAppend, leaderEpoch: -1 });
    const fetched = await leaderLog.read(0n, 1 << 20, { upperBound: "logEnd", minOneMessage: true });
    if ("error" in fetched) throw new Error(fetched.error);
    await followerLog.appendAsFollower(Buffer.from(fetched.records));
    await followerLog.appendAsFollower(batch(["d:stale3", "e:stale4"], { baseOffset: 3n }));
    leader.listOffsetsError = errorCode("FENCED_LEADER_EPOCH");

    startFetcher();
    await vi.waitFor(() => expect(leader.listOffsetsRequests.length).toBeGreaterThanOrEqual(2));
    expect([followerLog.logStartOffset, followerLog.logEndOffset]).toEqual([0n, 5n]);
    expect(lines.some((l) => typeof l.msg === "string" && l.msg.includes("truncating"))).toBe(false);

    leader.listOffsetsError = undefined;
    await vi.waitFor(() => expect(followerLog.logEndOffset).toBe(3n));
    await vi.waitFor(() => expect(followerLog.highWatermark).toBe(3n));
    expect(await values(followerLog)).toEqual(["0:v0", "1:v1", "2:v2"]);
  });
});
