import { afterEach, describe, expect, it } from "vitest";
import type { PartitionState } from "../metadata/metadata-image.js";
import type { PartitionLog } from "../storage/index.js";
import { batch, clientAppend, openLog, removeDir, tempDir } from "../storage/test-support.js";
import { LeaderState } from "./leader-state.js";

const state = (isr: number[]): PartitionState => ({ partition: 0, leader: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1, 2, 3], isr, addingReplicas: [], removingReplicas: [] });

describe("LeaderState", () => {
  let dir: string;
  let log: PartitionLog;
  afterEach(async () => {
    await log.close();
    removeDir(dir);
  });

  it("moves the high watermark on its own writes when it is the whole ISR, and waits for followers otherwise", async () => {
    dir = await tempDir();
    log = await openLog(dir);
    log.setExternalHighWatermark(true);
    const leader = new LeaderState("t", 0, log, 1, state([1, 2]), 0);
    await log.append(batch(["a", "b"]), clientAppend);
    expect(log.highWatermark).toBe(0n); // follower 2 has not fetched
    leader.recordFetch(2, 2n, 10);
    expect(log.highWatermark).toBe(2n);

    // The ISR shrank to the leader: a write commits as soon as it is written.
    leader.state = state([1]);
    await log.append(batch(["c"]), clientAppend);
    expect(log.highWatermark).toBe(3n);

    leader.close();
    await log.append(batch(["d"]), clientAppend);
    expect(log.highWatermark).toBe(3n); // no longer leading: nothing moves it
  });

  it("keeps a reopened leader's checkpointed high watermark until its followers fetch; alone in the ISR it commits its log", async () => {
    dir = await tempDir();
    const before = await openLog(dir);
    await before.append(batch(["a", "b", "c", "d"]), clientAppend);
    await before.close();
    // Reopened after a crash: offsets 2 and 3 were written here but never committed.
    log = await openLog(dir, {}, { externalHighWatermark: true, highWatermark: 2n });
    const leader = new LeaderState("t", 0, log, 1, state([1, 2, 3]), 0);
    leader.advanceHighWatermark();
    expect(log.highWatermark).toBe(2n);
    leader.recordFetch(2, 4n, 10);
    expect(log.highWatermark).toBe(2n); // follower 3 may not have them
    leader.recordFetch(3, 3n, 10);
    expect(log.highWatermark).toBe(3n);
    leader.close();

    const alone = new LeaderState("t", 0, log, 1, state([1]), 0);
    alone.advanceHighWatermark();
    expect(log.highWatermark).toBe(4n);
    alone.close();
  });

  it("leaves a partition with one replica to the log's own rule", async () => {
    dir = await tempDir();
    log = await openLog(dir);
    log.setExternalHighWatermark(true); // so only LeaderState could move it here
    const leader = new LeaderState("t", 0, log, 1, { ...state([1]), replicas: [1] }, 0);
    await log.append(batch(["a"]), clientAppend);
    expect(log.highWatermark).toBe(0n);
    leader.close();
  });
});
