// Client quota enforcement on a broker, after Kafka's ClientQuotaManager: for each enforced
// quota (producer and consumer byte rates, request percentage, controller mutation rate) the
// limit of a request comes from the metadata image's client quotas with Kafka's precedence
// (quota-resolution.ts), its usage is measured per user / client id as the matching level says,
// and a client over its limit gets a throttle time (throttle-time.ts).
//
// Cheap when unused: with no client quota configured `idle` is one property read, and callers
// skip everything else. Resolved limits are cached per (quota, user, client id) until the
// image's client quotas change.
import type { MetadataImage } from "../../metadata/metadata-image.js";
import { ConnectionRateQuota } from "./connection-rate-quota.js";
import { CLIENT_ID, CONTROLLER_MUTATION_RATE, REQUEST_PERCENTAGE, USER, type EnforcedQuota } from "./quota-keys.js";
import { levelKey, resolveQuota, type ResolvedQuota } from "./quota-resolution.js";
import { RateWindow } from "./rate-window.js";
import { rateThrottleMs, tokenBucketThrottleMs } from "./throttle-time.js";
import { TokenBucket } from "./token-bucket.js";

export interface ClientQuotaManagerOptions {
  readonly image: MetadataImage;
  /** quota.window.num */
  readonly windowNum: number;
  /** quota.window.size.seconds */
  readonly windowSizeSeconds: number;
  readonly now?: () => number;
}

/** Who a request is, as quotas see it: the principal's name and the client id ("" when none). */
export interface QuotaClient {
  readonly user: string;
  readonly clientId: string;
}

interface Sensor {
  readonly rate: RateWindow;
  readonly bucket: TokenBucket;
}

interface Resolved {
  readonly quota: ResolvedQuota;
  readonly sensor: Sensor;
}

/** Measurement state idle this long is dropped (Kafka expires quota sensors after an hour). */
const SENSOR_IDLE_MS = 3_600_000;
const SENSOR_SWEEP_EVERY = 1024;
const RESOLVED_CACHE_MAX = 10_000;

export class ClientQuotaManager {
  private readonly now: () => number;
  private readonly windowMs: number;
  private seenVersion = -1;
  /** Quota key → level key → limit, rebuilt when the image's quotas change. */
  private limits = new Map<string, Map<string, number>>();
  private readonly resolved = new Map<string, Resolved | null>();
  private readonly sensors = new Map<string, Sensor>();
  private sensorsCreated = 0;
  /** The ip quotas (connection_creation_rate), checked when a listener accepts a connection. */
  readonly connections: ConnectionRateQuota;

  constructor(private readonly opts: ClientQuotaManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.windowMs = opts.windowSizeSeconds * 1000;
    this.connections = new ConnectionRateQuota(opts);
  }

  /** True while no client quota is configured: callers then skip all quota work. */
  get idle(): boolean {
    return this.opts.image.clientQuotas.size === 0;
  }

  /** The limit that applies to `client` for `quota`, or null. */
  limitFor(quota: EnforcedQuota, client: QuotaClient): number | null {
    return this.resolve(quota, client)?.quota.limit ?? null;
  }

  /**
   * Records `value` (bytes, or request time as a percentage of a second) and returns how long
   * the client must be held: 0 while within its quota. The request quota's delay is bounded by
   * one sample window, as Kafka bounds it.
   */
  recordAndThrottleMs(quota: EnforcedQuota, client: QuotaClient, value: number): number {
    const r = this.resolve(quota, client);
    if (!r) return 0;
    const now = this.now();
    r.sensor.rate.record(value, now);
    const observed = r.sensor.rate.rate(now);
    const maxMs = quota === REQUEST_PERCENTAGE ? this.windowMs : Infinity;
    return rateThrottleMs(observed, r.quota.limit, r.sensor.rate.windowSizeMs(now), maxMs, this.windowMs * this.opts.windowNum);
  }

  /** Takes back a recorded value (a throttled fetch answers no records, so its bytes do not count). */
  unrecord(quota: EnforcedQuota, client: QuotaClient, value: number): void {
    const r = this.resolve(quota, client);
    if (r) r.sensor.rate.record(-value, this.now());
  }

  /**
   * The most a single response may carry and still not be throttled for certain: the limit over
   * (samples − 1) windows, as Kafka bounds a consumer's fetch. Infinity without a quota.
   */
  maxValueInWindow(quota: EnforcedQuota, client: QuotaClient): number {
    const r = this.resolve(quota, client);
    return r ? r.quota.limit * (this.opts.windowNum - 1) * this.opts.windowSizeSeconds : Infinity;
  }

  /**
   * The controller mutation quota for one request (KIP-599). Strict (clients that understand
   * THROTTLING_QUOTA_EXCEEDED): once the bucket is in debt, further mutations are refused until
   * it refills; a mutation while it is not is accepted whole. Permissive (older versions):
   * every mutation is accepted and the request is throttled once the bucket is in debt.
   */
  controllerMutation(client: QuotaClient): ControllerMutationQuota | null {
    const r = this.resolve(CONTROLLER_MUTATION_RATE, client);
    if (!r) return null;
    const zeroQuotaMs = this.windowMs * this.opts.windowNum;
    const { bucket } = r.sensor;
    const limit = r.quota.limit;
    return {
      throttleMs: () => tokenBucketThrottleMs(bucket.tokensAt(limit, this.now()), limit, zeroQuotaMs),
      record: (permits) => bucket.take(permits, limit, this.now()),
    };
  }

  private resolve(quota: EnforcedQuota, client: QuotaClient): Resolved | null {
    const image = this.opts.image;
    if (image.clientQuotasVersion !== this.seenVersion) this.rebuild(image);
    const cacheKey = `${quota}\u0000${client.user}\u0000${client.clientId}`;
    let r = this.resolved.get(cacheKey);
    if (r === undefined) {
      // Many short-lived client ids must not grow the cache for ever; re-resolving is cheap.
      if (this.resolved.size >= RESOLVED_CACHE_MAX) this.resolved.clear();
      const limits = this.limits.get(quota);
      const found = limits ? resolveQuota((l) => limits.get(levelKey(l.user, l.clientId)), client.user, client.clientId) : null;
      r = found ? { quota: found, sensor: this.sensor(`${quota}\u0000${found.userTag}\u0000${found.clientTag}`) } : null;
      this.resolved.set(cacheKey, r);
    }
    return r;
  }

  private rebuild(image: MetadataImage): void {
    this.seenVersion = image.clientQuotasVersion;
    this.resolved.clear();
    this.limits = new Map();
    for (const entry of image.clientQuotas.values()) {
      const user = entry.entity.find((p) => p.entityType === USER);
      const clientId = entry.entity.find((p) => p.entityType === CLIENT_ID);
      // ip entities carry connection quotas (connection-rate-quota.ts).
      if (!user && !clientId) continue;
      const key = levelKey(user ? user.entityName : undefined, clientId ? clientId.entityName : undefined);
      for (const [name, value] of entry.values) {
        let byLevel = this.limits.get(name);
        if (!byLevel) this.limits.set(name, (byLevel = new Map()));
        byLevel.set(key, value);
      }
    }
  }

  private sensor(key: string): Sensor {
    let s = this.sensors.get(key);
    if (!s) {
      if (++this.sensorsCreated % SENSOR_SWEEP_EVERY === 0) this.sweepIdleSensors();
      s = { rate: new RateWindow(this.opts.windowNum, this.windowMs), bucket: new TokenBucket(this.opts.windowNum, this.windowMs) };
      this.sensors.set(key, s);
    }
    return s;
  }

  private sweepIdleSensors(): void {
    const horizon = this.now() - SENSOR_IDLE_MS;
    let removed = false;
    for (const [key, s] of this.sensors) {
      if (Math.max(s.rate.lastRecordMs, s.bucket.lastRecordMs) < horizon) {
        this.sensors.delete(key);
        removed = true;
      }
    }
    // Cached resolutions hold sensors: drop them so none points at a removed one.
    if (removed) this.resolved.clear();
  }
}

export interface ControllerMutationQuota {
  /** How long the client must wait before the quota lets mutations through again (0: now). */
  throttleMs(): number;
  /** Takes `permits` partitions' worth of tokens. */
  record(permits: number): void;
}
