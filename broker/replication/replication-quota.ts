// Replication throttles (Kafka's KIP-73, used by kafka-reassign-partitions --throttle): a broker
// limits the bytes it sends as a leader (leader.replication.throttled.rate) and fetches as a
// follower (follower.replication.throttled.rate) for the replicas a topic lists in
// leader/follower.replication.throttled.replicas ("partition:broker,…" or "*"), and only while
// such a replica is out of sync — catching-up traffic is slowed, the ISR's never is. Each rate is
// measured as Kafka's is: bytes over the last `windowNum` samples of `windowMs`, divided by at
// least (windowNum − 1) windows, so a new throttle admits a short burst before it bites.
import type { MetadataImage } from "../metadata/metadata-image.js";

export const LEADER_THROTTLED_RATE = "leader.replication.throttled.rate";
export const FOLLOWER_THROTTLED_RATE = "follower.replication.throttled.rate";
export const LEADER_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
export const FOLLOWER_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";

export interface ReplicationQuotaOptions {
  /** The limit in bytes per second now (a dynamic config; ≥ 2^53 means none). */
  rate: () => number;
  windowNum: number;
  windowMs: number;
  now?: () => number;
}

export class ReplicationQuota {
  private readonly samples: { start: number; bytes: number }[] = [];
  private readonly now: () => number;

  constructor(private readonly opts: ReplicationQuotaOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Counts bytes moved for throttled replicas. */
  record(bytes: number): void {
    if (bytes <= 0) return;
    const now = this.now();
    this.expire(now);
    const last = this.samples.at(-1);
    if (last && now - last.start < this.opts.windowMs) last.bytes += bytes;
    else this.samples.push({ start: now, bytes });
  }

  /** Whether throttled replicas have used up the rate (never when no rate is set). */
  exceeded(): boolean {
    const limit = this.opts.rate();
    if (limit >= Number.MAX_SAFE_INTEGER) return false;
    return this.measured() > limit;
  }

  /** Bytes per second over the sample window. */
  measured(): number {
    const now = this.now();
    this.expire(now);
    const first = this.samples[0];
    if (!first) return 0;
    const total = this.samples.reduce((sum, s) => sum + s.bytes, 0);
    const elapsedMs = Math.max(now - first.start, (this.opts.windowNum - 1) * this.opts.windowMs, 1);
    return (total * 1000) / elapsedMs;
  }

  private expire(now: number): void {
    const horizon = now - this.opts.windowNum * this.opts.windowMs;
    while (this.samples.length > 0 && this.samples[0]!.start <= horizon) this.samples.shift();
  }
}

/** Whether a `*.replication.throttled.replicas` value lists the replica of `partition` on `brokerId`. */
export function listsThrottledReplica(value: string | undefined, partition: number, brokerId: number): boolean {
  if (value === undefined) return false;
  const trimmed = value.trim();
  if (trimmed === "*") return true;
  if (trimmed === "") return false;
  return trimmed.split(",").some((entry) => {
    const [p, b] = entry.trim().split(":");
    return Number(p) === partition && Number(b) === brokerId;
  });
}

/** A per-broker dynamic config as it stands: this node's value, else the cluster default, else `fallback`. */
export function dynamicBrokerNumber(image: MetadataImage, nodeId: number, key: string, fallback: number): number {
  const value = image.brokerConfigs.get(String(nodeId))?.get(key) ?? image.brokerConfigs.get("")?.get(key);
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}
