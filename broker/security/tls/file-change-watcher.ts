// Tells when a listener's TLS sources change: the content of its key and trust store files, or
// the settings naming them (a dynamic config change). It polls: every interval it asks for the
// current sources, reads each file and compares a SHA-256 of the settings and the files' bytes
// with the last one seen.
//
// Why polling and not fs.watch: Kubernetes updates a mounted Secret by writing a new directory and
// swapping the `..data` symlink, so the file path never sees a write; fs.watch follows the old
// inode (or the symlink) and misses it, and tools that replace a file by rename behave alike.
// Reading a few KB every couple of seconds is cheap and catches every kind of replacement,
// including an edit in place that keeps the mtime. A file that is missing or unreadable for a
// moment counts as a change, so the reload reports it (and keeps the old context).
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

export const DEFAULT_POLL_INTERVAL_MS = 2000;

export interface WatchedSources {
  readonly files: readonly string[];
  /** The settings the files are used with (any text that changes when they do). */
  readonly settings?: string;
}

export class FileChangeWatcher {
  private timer: NodeJS.Timeout | undefined;
  private lastSeen = "";
  private polling = false;

  constructor(
    private readonly sources: () => WatchedSources,
    private readonly onChange: () => void,
    private readonly intervalMs = DEFAULT_POLL_INTERVAL_MS,
  ) {}

  /** Records the current state and starts polling. */
  async start(): Promise<void> {
    this.lastSeen = await this.fingerprint();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const now = await this.fingerprint();
      if (now !== this.lastSeen && this.timer !== undefined) {
        this.lastSeen = now;
        this.onChange();
      }
    } finally {
      this.polling = false;
    }
  }

  private async fingerprint(): Promise<string> {
    const { files, settings } = this.sources();
    const hash = createHash("sha256");
    hash.update(settings ?? "");
    hash.update("\0");
    for (const file of files) {
      try {
        hash.update(await readFile(file));
      } catch (err) {
        hash.update(`unreadable:${(err as NodeJS.ErrnoException).code ?? "error"}`);
      }
      hash.update("\0");
    }
    return hash.digest("hex");
  }
}
