// The consumer byte rate on a consumer's Fetch, as Kafka applies it: the response is bounded to
// what the quota lets through in one window (limit × (samples − 1) windows), the bytes read are
// counted, and a fetch that takes the client over its quota is answered with no records (the
// client fetches the same offsets again once the throttle time has passed) and its bytes are
// taken back, since they were not sent. Followers' fetches never reach here (replication).
import type { RequestContext } from "../../handlers/handler.js";
import { quotaClientOf } from "./connection-throttle.js";
import { CONSUMER_BYTE_RATE } from "./quota-keys.js";

export interface FetchQuota {
  /** The most this fetch may return. */
  readonly maxBytes: number;
  /** Counts the bytes read; > 0: answer empty with this throttle time. */
  recordAndThrottleMs(bytes: number): number;
}

/** The consumer quota of this request, or null when none applies (the usual case, one property read). */
export function fetchQuotaFor(ctx: RequestContext): FetchQuota | null {
  const quotas = ctx.broker.quotas;
  if (!quotas || quotas.idle) return null;
  const client = quotaClientOf(ctx);
  if (quotas.limitFor(CONSUMER_BYTE_RATE, client) === null) return null;
  return {
    maxBytes: Math.max(1, Math.floor(Math.min(quotas.maxValueInWindow(CONSUMER_BYTE_RATE, client), 2 ** 31 - 1))),
    recordAndThrottleMs(bytes) {
      const throttleMs = quotas.recordAndThrottleMs(CONSUMER_BYTE_RATE, client, bytes);
      if (throttleMs > 0) quotas.unrecord(CONSUMER_BYTE_RATE, client, bytes);
      return throttleMs;
    },
  };
}
