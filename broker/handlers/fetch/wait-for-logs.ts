// The long poll of a fetch: wait until one of the logs signals something new (a new high
// watermark; for followers also newly written records), the deadline passes or the connection
// closes. Shared by consumer fetches (01-fetch.ts) and follower fetches (replica-fetch.ts).
import type { PartitionLog } from "../../storage/index.js";
import type { RequestContext } from "../handler.js";

export function waitForLogs(ctx: RequestContext, logs: readonly PartitionLog[], deadline: number, opts: { written: boolean }): Promise<void> {
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
