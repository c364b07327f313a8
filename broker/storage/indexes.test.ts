import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCheckpoint, readOffsetCheckpoint, splitTopicPartition, writeCheckpoint, writeOffsetCheckpoint } from "./checkpoint-file.js";
import { LeaderEpochCache } from "./leader-epoch-cache.js";
import { OffsetIndex } from "./offset-index.js";
import { TimeIndex } from "./time-index.js";
import { removeDir, tempDir } from "./test-support.js";

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => removeDir(dir));

describe("OffsetIndex", () => {
  it("finds the last entry at or below an offset", () => {
    const idx = new OffsetIndex(path.join(dir, "x.index"), 100, 10);
    idx.append(105, 50);
    idx.append(110, 120);
    idx.append(120, 400);
    idx.append(115, 500); // not monotonic: ignored
    expect(idx.lookup(99)).toEqual({ offset: 100, position: 0 });
    expect(idx.lookup(104)).toEqual({ offset: 100, position: 0 });
    expect(idx.lookup(105)).toEqual({ offset: 105, position: 50 });
    expect(idx.lookup(119)).toEqual({ offset: 110, position: 120 });
    expect(idx.lookup(1000)).toEqual({ offset: 120, position: 400 });
    // The first entry at or above: where the batch holding the offset starts at the latest.
    expect([99, 105, 106, 119, 120, 121].map((o) => idx.positionAtOrAbove(o))).toEqual([50, 50, 120, 400, 400, undefined]);
    idx.truncateToOffset(110);
    expect(idx.entries).toBe(1);
  });

  it("persists Kafka's layout and reloads with a sanity check", () => {
    const file = path.join(dir, "00000000000000000100.index");
    const idx = new OffsetIndex(file, 100, 1000);
    for (let i = 1; i <= 100; i++) idx.append(100 + i * 3, i * 64);
    idx.persist();
    idx.append(500, 10_000);
    idx.persist();
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(101 * 8);
    expect([bytes.readInt32BE(0), bytes.readInt32BE(4)]).toEqual([3, 64]);
    const loaded = OffsetIndex.load(file, 100, 1000, 20_000)!;
    expect(loaded.lookup(160)).toEqual({ offset: 160, position: 20 * 64 });
    expect(OffsetIndex.load(file, 100, 1000, 5_000)).toBeUndefined(); // points past the log
    idx.truncateToOffset(200);
    idx.persist();
    expect(fs.statSync(file).size).toBe(33 * 8);
    fs.appendFileSync(file, Buffer.from([1, 2]));
    expect(OffsetIndex.load(file, 100, 1000, 20_000)).toBeUndefined();
  });

  it("reports full at segment.index.bytes / 8 entries", () => {
    const idx = new OffsetIndex(path.join(dir, "y.index"), 0, 3);
    for (let i = 1; i <= 5; i++) idx.append(i, i * 10);
    expect(idx.isFull).toBe(true);
    expect(idx.entries).toBe(3);
  });
});

describe("TimeIndex", () => {
  it("appends only increasing timestamps and looks up by time", () => {
    const file = path.join(dir, "00000000000000000000.timeindex");
    const idx = new TimeIndex(file, 0, 100);
    idx.maybeAppend(1000, 5);
    idx.maybeAppend(900, 8);
    idx.maybeAppend(2000, 9);
    expect(idx.entries).toBe(2);
    expect(idx.lookup(500)).toEqual({ timestamp: -1, offset: 0 });
    expect(idx.lookup(1500)).toEqual({ timestamp: 1000, offset: 5 });
    idx.persist();
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(24);
    expect([bytes.readBigInt64BE(12), bytes.readInt32BE(20)]).toEqual([2000n, 9]);
    expect(TimeIndex.load(file, 0, 100, 100)!.lookup(3000)).toEqual({ timestamp: 2000, offset: 9 });
  });
});

describe("LeaderEpochCache", () => {
  it("answers endOffsetFor as Kafka does", () => {
    const c = new LeaderEpochCache(path.join(dir, "leader-epoch-checkpoint"));
    c.assign(1, 0);
    c.assign(1, 5); // same epoch, later offset: no change
    c.assign(3, 10);
    c.assign(4, 20);
    expect(c.all).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 4, startOffset: 20 },
    ]);
    expect(c.endOffsetFor(4, 25)).toEqual({ epoch: 4, endOffset: 25 });
    expect(c.endOffsetFor(3, 25)).toEqual({ epoch: 3, endOffset: 20 });
    expect(c.endOffsetFor(2, 25)).toEqual({ epoch: 1, endOffset: 10 });
    expect(c.endOffsetFor(0, 25)).toEqual({ epoch: 0, endOffset: 0 });
    expect(c.endOffsetFor(5, 25)).toEqual({ epoch: -1, endOffset: -1 });
    expect(c.endOffsetFor(-1, 25)).toEqual({ epoch: -1, endOffset: -1 });
    expect(c.epochForOffset(15)).toBe(3);
  });

  it("removes conflicting entries, truncates both ends and persists Kafka's format", () => {
    const file = path.join(dir, "leader-epoch-checkpoint");
    const c = new LeaderEpochCache(file);
    c.assign(1, 0);
    c.assign(2, 10);
    c.assign(3, 20);
    c.assign(2, 15); // an older epoch at a later offset (a new leader's history): later entries go
    expect(c.all).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 15 },
    ]);
    c.assign(5, 30);
    c.truncateFromEnd(30);
    c.truncateFromStart(12);
    expect(c.all).toEqual([
      { epoch: 1, startOffset: 12 },
      { epoch: 2, startOffset: 15 },
    ]);
    c.persist();
    expect(fs.readFileSync(file, "utf8")).toBe("0\n2\n1 12\n2 15\n");
    expect(LeaderEpochCache.load(file).cache.all).toEqual(c.all);
    fs.writeFileSync(file, "0\n3\n1 12\n");
    expect(LeaderEpochCache.load(file).valid).toBe(false);
  });
});

describe("checkpoint files", () => {
  it("writes and reads Kafka's text format", () => {
    const file = path.join(dir, "recovery-point-offset-checkpoint");
    writeOffsetCheckpoint(
      file,
      new Map([
        ["my-topic-0", 42],
        ["a-b-c-12", 7],
      ]),
    );
    expect(fs.readFileSync(file, "utf8")).toBe("0\n2\nmy-topic 0 42\na-b-c 12 7\n");
    expect(readOffsetCheckpoint(file)).toEqual(
      new Map([
        ["my-topic-0", 42],
        ["a-b-c-12", 7],
      ]),
    );
    expect(readOffsetCheckpoint(path.join(dir, "missing"))).toEqual(new Map());
    writeCheckpoint(file, ["x"]);
    expect(() => readCheckpoint(file, 3)).toThrow();
    expect(splitTopicPartition("t-1")).toEqual({ topic: "t", partition: 1 });
    expect(splitTopicPartition("t-x")).toBeUndefined();
    expect(splitTopicPartition("t-01")).toBeUndefined();
  });
});
