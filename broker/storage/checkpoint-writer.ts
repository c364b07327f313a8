// A checkpoint file that the broker rewrites while it serves clients, written off the event loop.
//
// The periodic checkpoints (high watermarks every 5 s, recovery points, log start and cleaner
// offsets every 60 s) used to be written with a blocking fsync on the event loop. Under writeback
// pressure one fsync can take 100 ms and more, and every client of the broker waited for it.
// Kafka writes them from a scheduler thread; here the temp file is written and fdatasync'ed in
// libuv's pool, and only the rename (a metadata change, no flush) happens on the loop.
//
// Writes to one file land in the order they were asked for: async writes run one at a time (calls
// made while one runs coalesce into one write of the newest lines), and an async write whose lines
// predate a blocking write (start-up, deletion, shutdown) is dropped instead of renamed over it.
import fs from "node:fs";
import path from "node:path";
import { checkpointText, writeCheckpoint } from "./checkpoint-file.js";
import { nodeFileIo, writeFileDurably } from "./file-io.js";

interface QueuedWrite {
  lines: readonly string[];
  /** Blocking writes made before these lines were taken. */
  syncWritesSeen: number;
  done: Promise<void>;
}

export class CheckpointWriter {
  private syncWrites = 0;
  private queued: QueuedWrite | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Writes now, blocking the event loop (start-up, log deletion, shutdown). */
  writeSync(lines: readonly string[]): void {
    this.syncWrites++;
    writeCheckpoint(this.path, lines);
  }

  /** Writes without blocking; resolves once these lines (or newer ones) are durable in the file. */
  write(lines: readonly string[]): Promise<void> {
    if (this.queued) {
      this.queued.lines = lines;
      this.queued.syncWritesSeen = this.syncWrites;
      return this.queued.done;
    }
    const queued: QueuedWrite = { lines, syncWritesSeen: this.syncWrites, done: Promise.resolve() };
    queued.done = this.chain.then(() => {
      this.queued = undefined;
      return this.writeQueued(queued);
    });
    this.queued = queued;
    this.chain = queued.done.catch(() => undefined);
    return queued.done;
  }

  /** Resolves once no async write is queued or running (failures are the writers' to report). */
  idle(): Promise<void> {
    return this.chain;
  }

  private async writeQueued(w: QueuedWrite): Promise<void> {
    const tmp = `${this.path}.async.tmp`;
    await writeFileDurably(tmp, checkpointText(w.lines));
    if (w.syncWritesSeen !== this.syncWrites) {
      await fs.promises.rm(tmp, { force: true });
      return;
    }
    // Synchronous, so no blocking write can slip in between the check above and the rename.
    fs.renameSync(tmp, this.path);
    await nodeFileIo.syncDir(path.dirname(this.path));
  }
}
