// The ip quota connection_creation_rate, as Kafka's ConnectionQuotas applies it: new connections
// from one address are counted over the quota windows; a connection that takes the address over
// its rate is not served, and is closed once its throttle time (at most one window) has passed —
// the client sees the connection dropped and backs off. The limit is the quota of that ip, else
// the default ip quota (entity ip=null). Entity names are matched as IP literals (Kafka resolves
// host names when the quota is set; we do not resolve them). IPv4-mapped IPv6 addresses count as
// their IPv4 address.
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { BrokerServices } from "../../broker-services.js";
import type { MetadataImage } from "../../metadata/metadata-image.js";
import { CONNECTION_CREATION_RATE, IP } from "./quota-keys.js";
import { RateWindow } from "./rate-window.js";
import { rateThrottleMs } from "./throttle-time.js";

export interface ConnectionRateQuotaOptions {
  readonly image: MetadataImage;
  readonly windowNum: number;
  readonly windowSizeSeconds: number;
  readonly now?: () => number;
}

/** Counting state idle this long is dropped. */
const IDLE_MS = 3_600_000;
const SWEEP_EVERY = 1024;

export function normalizedIp(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice("::ffff:".length) : address;
}

export class ConnectionRateQuota {
  private readonly now: () => number;
  private readonly windowMs: number;
  private seenVersion = -1;
  /** Limits by ip (null: the default ip quota). */
  private limits = new Map<string | null, number>();
  private readonly rates = new Map<string, RateWindow>();
  private created = 0;

  constructor(private readonly opts: ConnectionRateQuotaOptions) {
    this.now = opts.now ?? Date.now;
    this.windowMs = opts.windowSizeSeconds * 1000;
  }

  /** Counts a new connection from `address`: 0 to serve it, else how long before it is closed unserved. */
  admit(address: string): number {
    const image = this.opts.image;
    if (image.clientQuotas.size === 0) return 0;
    if (image.clientQuotasVersion !== this.seenVersion) this.rebuild(image);
    if (this.limits.size === 0) return 0;
    const ip = normalizedIp(address);
    const limit = this.limits.get(ip) ?? this.limits.get(null);
    if (limit === undefined) return 0;
    const now = this.now();
    let rate = this.rates.get(ip);
    if (!rate) {
      if (++this.created % SWEEP_EVERY === 0) this.sweep(now);
      this.rates.set(ip, (rate = new RateWindow(this.opts.windowNum, this.windowMs)));
    }
    rate.record(1, now);
    const throttleMs = rateThrottleMs(rate.rate(now), limit, rate.windowSizeMs(now), this.windowMs);
    // A connection that is not served does not count, as in Kafka.
    if (throttleMs > 0) rate.record(-1, now);
    return throttleMs;
  }

  private rebuild(image: MetadataImage): void {
    this.seenVersion = image.clientQuotasVersion;
    this.limits = new Map();
    for (const entry of image.clientQuotas.values()) {
      if (entry.entity.length !== 1 || entry.entity[0]!.entityType !== IP) continue;
      const limit = entry.values.get(CONNECTION_CREATION_RATE);
      if (limit !== undefined) this.limits.set(entry.entity[0]!.entityName, limit);
    }
  }

  private sweep(now: number): void {
    for (const [ip, rate] of this.rates) if (rate.lastRecordMs < now - IDLE_MS) this.rates.delete(ip);
  }
}

/**
 * For a listener accepting `socket`: true when the connection is over its address's rate and will
 * be closed unserved after the throttle time (nothing is read from it meanwhile). The
 * inter-broker listener is exempt: node-to-node connections are never refused for rate.
 */
export function closedOverConnectionRate(socket: Socket, listenerName: string, broker: BrokerServices, log: Logger): boolean {
  const quotas = broker.quotas;
  if (!quotas || listenerName === broker.config.interBrokerListenerName) return false;
  const throttleMs = quotas.connections.admit(socket.remoteAddress ?? "");
  if (throttleMs <= 0) return false;
  // Debug, as Kafka logs it: a client opening connections in a loop must not flood the log.
  log.debug({ remote: `${socket.remoteAddress}:${socket.remotePort}`, throttleMs }, "connection over its ip's connection_creation_rate: closed unserved");
  socket.pause();
  const timer = setTimeout(() => socket.destroy(), throttleMs);
  socket.once("close", () => clearTimeout(timer));
  return true;
}
