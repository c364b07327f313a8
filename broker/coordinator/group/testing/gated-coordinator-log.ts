// A CoordinatorLog for tests of partition leadership: an in-memory log whose loads and append
// completions can be held back (a load waiting for the high watermark, an append waiting to be
// replicated) and whose appends can fail with a given error (leadership moved, replication timed out).
import type { CoordinatorLog, CoordinatorLogRecord } from "../coordinator-log.js";
import { MemoryCoordinatorLog } from "../memory-coordinator-log.js";

class Gate {
  readonly opened: Promise<void>;
  open!: () => void;
  constructor() {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }
}

export class GatedCoordinatorLog implements CoordinatorLog {
  readonly inner = new MemoryCoordinatorLog();
  private loadGate: Gate | null = null;
  private appendGate: Gate | null = null;
  /** When set, appends (once released) reject with it; the records stay in the log, as a write whose acknowledgement failed. */
  appendError: Error | null = null;
  /** When set, loads fail with it (a read error, or leadership lost while waiting to load). */
  loadError: Error | null = null;
  /** Loads started (readAll calls), per partition. */
  readonly loads = new Map<number, number>();

  holdLoads(): void {
    this.loadGate ??= new Gate();
  }

  releaseLoads(): void {
    this.loadGate?.open();
    this.loadGate = null;
  }

  holdAppends(): void {
    this.appendGate ??= new Gate();
  }

  releaseAppends(): void {
    this.appendGate?.open();
    this.appendGate = null;
  }

  async append(partition: number, records: CoordinatorLogRecord[]): Promise<bigint> {
    const gate = this.appendGate;
    // In the log at once (in call order); only the acknowledgement waits.
    const written = this.inner.append(partition, records);
    if (gate) await gate.opened;
    if (this.appendError) throw this.appendError;
    return written;
  }

  async *readAll(partition: number): AsyncIterable<{ offset: bigint; key: Buffer | null; value: Buffer | null }> {
    this.loads.set(partition, (this.loads.get(partition) ?? 0) + 1);
    const gate = this.loadGate;
    if (gate) await gate.opened;
    if (this.loadError) throw this.loadError;
    yield* this.inner.readAll(partition);
  }
}
