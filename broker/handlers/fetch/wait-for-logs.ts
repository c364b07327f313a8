// The long poll of a fetch: wait until one of the logs signals something new (a new high
// watermark; for followers also newly written records), the deadline passes or the connection
// closes. Shared by consumer fetches (01-fetch.ts) and follower fetches (replica-fetch.ts).
//
// A fetch reads, finds too little and then waits; its reads are awaited, so an append can land
// between the read and the wait. Callers note the logs' signal counts before each read
// (`noteSignals`) and pass them here: a signal since then ends the wait at once instead of being
// missed until the deadline (a follower's missed write held acks=all produces for its maxWaitMs).
import type { PartitionLog } from "../../storage/index.js";
import type { RequestContext } from "../handler.js";

export interface WaitOptions {
  /** Newly written records end the wait too (followers read up to the log end). */
  written: boolean;
}

/** The logs' signal counts, taken before a read. */
export function noteSignals(logs: readonly PartitionLog[], opts: WaitOptions): number[] {
  return logs.map((log) => log.signalCount(opts));
}

export function waitForLogs(ctx: RequestContext, logs: readonly PartitionLog[], noted: readonly number[], deadline: number, opts: WaitOptions): Promise<void> {
  if (logs.some((log, i) => log.signalCount(opts) !== noted[i])) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribes: (() => void)[] = [];
    let settled = false;
    const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
    function done(): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      resolve();
    }
    for (const log of logs) {
      unsubscribes.push(log.onHighWatermark(done));
      if (opts.written) unsubscribes.push(log.onWritten(done));
    }
    unsubscribes.push(ctx.closed.onClose(done));
  });
}
