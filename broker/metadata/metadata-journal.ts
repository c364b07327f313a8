// An append-only, fsynced file of metadata records: [int32 length][uint32 crc32c][record] …
// It is the single-node stand-in for the replicated __cluster_metadata log: the image is
// rebuilt by replaying it, and a torn tail (crash mid-write) is cut off on open.
import { crc32c } from "@node-rs/crc32";
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import type { Logger } from "pino";

const HEADER_BYTES = 8;

export class MetadataJournal {
  private constructor(
    private fd: number,
    private size: number,
  ) {}

  /** Opens (creating if needed) the journal, returning it and every intact record in order. */
  static open(path: string, log: Logger): { journal: MetadataJournal; records: Buffer[] } {
    const content = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
    const records: Buffer[] = [];
    let at = 0;
    while (at + HEADER_BYTES <= content.length) {
      const length = content.readInt32BE(at);
      const crc = content.readUInt32BE(at + 4);
      const end = at + HEADER_BYTES + length;
      if (length < 0 || end > content.length) break;
      const record = content.subarray(at + HEADER_BYTES, end);
      if (crc32c(record) >>> 0 !== crc) break;
      records.push(Buffer.from(record));
      at = end;
    }
    const fd = openSync(path, existsSync(path) ? "r+" : "w+");
    if (at < content.length) {
      log.warn({ path, validBytes: at, fileBytes: content.length }, "metadata journal: truncating torn tail");
      ftruncateSync(fd, at);
      fsyncSync(fd);
    }
    return { journal: new MetadataJournal(fd, at), records };
  }

  /** Appends records atomically enough for recovery (a torn write is cut on the next open) and fsyncs. */
  append(records: Buffer[]): void {
    const parts: Buffer[] = [];
    for (const record of records) {
      const header = Buffer.allocUnsafe(HEADER_BYTES);
      header.writeInt32BE(record.length, 0);
      header.writeUInt32BE(crc32c(record) >>> 0, 4);
      parts.push(header, record);
    }
    const bytes = Buffer.concat(parts);
    writeSync(this.fd, bytes, 0, bytes.length, this.size);
    fsyncSync(this.fd);
    this.size += bytes.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}
