import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { MetadataLogStore } from "./metadata-log-store.js";
import { dataBatch } from "./raft-batches.js";
import { buildSnapshot, snapshotFileName, writeSnapshotFile } from "./snapshot-file.js";

const logger = pino({ level: process.env.MLS_LOG ?? "silent" });

/** A store in `dir` holding one-record batches in these epochs, durable, then closed. */
async function storeWith(dir: string, ...epochs: number[]): Promise<void> {
  let flushed = 0n;
  const store = await MetadataLogStore.open(dir, logger, (o) => (flushed = o));
  for (const epoch of epochs) store.log.append([dataBatch(store.log.endOffset, epoch, [Buffer.from("x")], 0)]);
  await store.drain();
  expect(flushed).toBe(BigInt(epochs.length));
  await store.close();
}

const snapshot = (offset: bigint, epoch: number) => ({ id: { offset, epoch }, bytes: buildSnapshot({ offset, epoch }, [Buffer.from("state")], 0n, 0) });

describe("MetadataLogStore with snapshots", () => {
  it("opens with the log starting at its oldest snapshot and the newest as the latest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-mls-"));
    await storeWith(dir, 1, 1, 2, 2, 2);
    const partition = join(dir, "__cluster_metadata-0");
    writeSnapshotFile(partition, snapshot(2n, 1));
    writeSnapshotFile(partition, snapshot(4n, 2));
    const store = await MetadataLogStore.open(dir, logger, () => undefined);
    expect([store.log.startOffset, store.log.endOffset, store.log.start.epoch]).toEqual([2n, 5n, 1]);
    expect(store.log.latestSnapshot?.id).toEqual({ offset: 4n, epoch: 2 });
    expect(store.snapshots).toEqual([{ offset: 2n, epoch: 1 }, { offset: 4n, epoch: 2 }]);
    await store.close();
  });

  it("starts the log again at a snapshot the log does not reach (beyond its end, or in another epoch)", async () => {
    for (const [id, why] of [[{ offset: 9n, epoch: 3 }, "beyond the end"], [{ offset: 2n, epoch: 5 }, "epoch differs"]] as const) {
      const dir = mkdtempSync(join(tmpdir(), "millrace-mls-"));
      await storeWith(dir, 1, 1, 1);
      const partition = join(dir, "__cluster_metadata-0");
      writeSnapshotFile(partition, { id, bytes: snapshot(id.offset, id.epoch).bytes });
      const store = await MetadataLogStore.open(dir, logger, () => undefined);
      expect([store.log.startOffset, store.log.endOffset, store.log.lastEpoch], why).toEqual([id.offset, id.offset, id.epoch]);
      store.log.append([dataBatch(id.offset, id.epoch, [Buffer.from("y")], 0)]);
      await store.drain();
      await store.close();
      const reopened = await MetadataLogStore.open(dir, logger, () => undefined);
      expect([reopened.log.startOffset, reopened.log.endOffset], why).toEqual([id.offset, id.offset + 1n]);
      await reopened.close();
    }
  });

  it("installing a snapshot from the leader writes it, forgets older ones and truncates the log fully", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-mls-"));
    await storeWith(dir, 1, 1);
    const partition = join(dir, "__cluster_metadata-0");
    writeSnapshotFile(partition, snapshot(1n, 1));
    const installed: bigint[] = [];
    const store = await MetadataLogStore.open(dir, logger, () => undefined, { onSnapshotInstalled: (s) => installed.push(s.id.offset) });
    store.log.installSnapshot(snapshot(20n, 4));
    expect(installed).toEqual([20n]);
    expect(readdirSync(partition).filter((f) => f.endsWith(".checkpoint"))).toEqual([snapshotFileName({ offset: 20n, epoch: 4 })]);
    await store.drain();
    await store.close();
    const reopened = await MetadataLogStore.open(dir, logger, () => undefined);
    expect([reopened.log.startOffset, reopened.log.endOffset, reopened.log.lastEpoch]).toEqual([20n, 20n, 4]);
    expect(reopened.log.latestSnapshot?.id).toEqual({ offset: 20n, epoch: 4 });
    await reopened.close();
  });
});
