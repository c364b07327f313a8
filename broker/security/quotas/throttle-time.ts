// How long a client that went over its quota is held, as Kafka computes it.

/**
 * A rate quota (bytes, request time): the delay X that brings the observed rate O, measured over
 * a window W, down to the quota T if nothing more comes: O × W / (W + X) = T, so X = (O − T) / T × W.
 * `maxMs` bounds it where Kafka does (the request quota: one sample window); a quota of 0 holds
 * the client for `zeroQuotaMs`.
 */
export function rateThrottleMs(observed: number, quota: number, windowSizeMs: number, maxMs = Infinity, zeroQuotaMs = maxMs): number {
  if (observed <= quota) return 0;
  if (quota <= 0) return Math.min(Math.round(zeroQuotaMs), 2 ** 31 - 1);
  const ms = Math.round(((observed - quota) / quota) * windowSizeMs);
  return Math.min(ms, maxMs, 2 ** 31 - 1);
}

/** A token bucket in debt (tokens < 0): the time the refill at `rate` per second takes to pay it back. */
export function tokenBucketThrottleMs(tokens: number, rate: number, zeroQuotaMs: number): number {
  if (tokens >= 0) return 0;
  if (rate <= 0) return Math.min(Math.round(zeroQuotaMs), 2 ** 31 - 1);
  return Math.min(Math.round((-tokens / rate) * 1000), 2 ** 31 - 1);
}
