// The file operations on the data path, behind an interface so tests can count syncs and inject
// disk failures. Plain fds and libuv's positional calls: no FileHandle bookkeeping per call.
import fs from "node:fs";

export interface FileIo {
  /** Writes all of `buffers` at `position` (loops on short writes). */
  writev(fd: number, buffers: readonly Buffer[], position: number): Promise<void>;
  /**
   * The same write on the calling thread (inline-writes.ts says when). Optional: an
   * implementation without it (a test's stalling or failing one) always gets `writev`.
   */
  writevSync?(fd: number, buffers: readonly Buffer[], position: number): void;
  /** Reads up to `length` bytes at `position`; returns the bytes read (short at end of file). */
  read(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  datasync(fd: number): Promise<void>;
  /** fsyncs a directory, so files created in it survive a power loss. */
  syncDir(dir: string): Promise<void>;
}

function writevOnce(fd: number, buffers: readonly Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.writev(fd, buffers as Buffer[], position, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

const NOTHING_LEFT = Buffer.alloc(0);

/** What a (short) write of `written` bytes left of `buffers`: flattened once, empty when all went. */
function unwritten(buffers: readonly Buffer[], written: number): Buffer {
  let total = 0;
  for (const b of buffers) total += b.length;
  return written === total ? NOTHING_LEFT : Buffer.concat(buffers as Buffer[], total).subarray(written);
}

export const nodeFileIo: Required<FileIo> = {
  async writev(fd, buffers, position) {
    let written = await writevOnce(fd, buffers, position);
    let rest = unwritten(buffers, written);
    while (rest.length > 0) {
      const n = await writevOnce(fd, [rest], position + written);
      if (n <= 0) throw new Error(`write made no progress at position ${position + written}`);
      written += n;
      rest = rest.subarray(n);
    }
  },
  writevSync(fd, buffers, position) {
    let written = fs.writevSync(fd, buffers as Buffer[], position);
    let rest = unwritten(buffers, written);
    while (rest.length > 0) {
      const n = fs.writeSync(fd, rest, 0, rest.length, position + written);
      if (n <= 0) throw new Error(`write made no progress at position ${position + written}`);
      written += n;
      rest = rest.subarray(n);
    }
  },
  read(fd, buffer, offset, length, position) {
    return new Promise((resolve, reject) => {
      fs.read(fd, buffer, offset, length, position, (err, n) => (err ? reject(err) : resolve(n)));
    });
  },
  datasync(fd) {
    return new Promise((resolve, reject) => {
      fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()));
    });
  },
  async syncDir(dir) {
    let handle: fs.promises.FileHandle | undefined;
    try {
      handle = await fs.promises.open(dir, "r");
      await handle.sync();
    } catch {
      // As in syncDir below: some filesystems refuse fsync on directories.
    } finally {
      await handle?.close();
    }
  },
};

/** Reads exactly `length` bytes at `position`, or fewer only at end of file. */
export async function readFully(
  io: FileIo,
  fd: number,
  position: number,
  length: number,
  allocate: (size: number) => Buffer = Buffer.allocUnsafe,
): Promise<Buffer> {
  const buf = allocate(length);
  let got = 0;
  while (got < length) {
    const n = await io.read(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** fsyncs a directory so renames and creations in it survive a crash. */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself already happened.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes a small file atomically: temp file, fsync, rename, directory fsync. */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
  syncDir(pathDir(path));
}

function pathDir(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** writeFileAtomic without blocking the event loop on the fsync (snapshots written on roll). */
export async function writeFileAtomicAsync(path: string, data: Buffer): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFileDurably(tmp, data);
  await fs.promises.rename(tmp, path);
}

/** Writes (replacing) a file and fdatasyncs it, off the event loop: the first half of an atomic write. */
export async function writeFileDurably(path: string, data: string | Buffer): Promise<void> {
  const fh = await fs.promises.open(path, "w");
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
