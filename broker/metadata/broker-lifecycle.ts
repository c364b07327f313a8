// A broker's life as the controller sees it (Kafka's BrokerLifecycleManager): register (fenced),
// heartbeat every broker.heartbeat.interval.ms with how far it has replayed the metadata log,
// become unfenced once caught up, and on a clean stop ask to shut down (controlled shutdown)
// until the controller lets it go. A lost controller is found again through the quorum.
import type { Logger } from "pino";
import { randomUuid, type Uuid } from "../protocol/primitives.js";
import type { ControllerChannel } from "./controller/controller-channel.js";
import type { BrokerEndpoint } from "./metadata-image.js";
import type { MetadataStore } from "./metadata-store.js";

export interface BrokerLifecycleOptions {
  nodeId: number;
  clusterId: string;
  rack: string | null;
  metadata: MetadataStore;
  channel: ControllerChannel;
  /** The broker listeners as clients should reach them (bound ports filled in). */
  endpoints: () => readonly BrokerEndpoint[];
  heartbeatIntervalMs: number;
  /** Pause before retrying a failed registration or heartbeat. */
  retryBackoffMs: number;
  logger: Logger;
}

export class BrokerLifecycle {
  /** New per process start, so the controller tells a restart from a retry. */
  readonly incarnationId: Uuid = randomUuid();
  private epoch = -1n;
  private fenced = true;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly unfencedWaiters: (() => void)[] = [];

  constructor(private readonly opts: BrokerLifecycleOptions) {}

  get brokerEpoch(): bigint {
    return this.epoch;
  }

  get isFenced(): boolean {
    return this.fenced;
  }

  /** Registers and heartbeats; resolves once the controller has unfenced this broker. */
  start(timeoutMs: number): Promise<void> {
    const unfenced = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`broker ${this.opts.nodeId} was not unfenced within ${timeoutMs} ms`)), timeoutMs);
      this.unfencedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.schedule(0);
    return unfenced;
  }

  /** Controlled shutdown: asks to shut down until the controller agrees (or timeoutMs passes). */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.epoch < 0n) return;
    if (!this.othersServing()) {
      // Nobody to hand partitions to, and often (the last voter of a stopping cluster) no quorum
      // to record it: waiting for the controller's consent would only add the timeout.
      this.opts.logger.info({ brokerEpoch: this.epoch }, "no other broker is serving: stopping without controlled shutdown");
      return;
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const res = await this.opts.channel.heartbeat(this.heartbeatRequest(true));
        if (res.error === "NONE" && res.shouldShutDown) {
          this.opts.logger.info({ brokerEpoch: this.epoch }, "controlled shutdown granted");
          return;
        }
        if (res.error === "STALE_BROKER_EPOCH") return; // fenced and replaced already: nothing to hand over
      } catch {
        // controller unreachable: try again until the deadline
      }
      await new Promise((r) => setTimeout(r, this.opts.retryBackoffMs));
    }
    this.opts.logger.warn({ timeoutMs }, "controlled shutdown not confirmed by the controller; stopping anyway");
  }

  /** Whether the metadata image shows another broker unfenced and not shutting down. */
  private othersServing(): boolean {
    for (const b of this.opts.metadata.image.brokers.values()) {
      if (b.id !== this.opts.nodeId && !b.fenced && !b.inControlledShutdown) return true;
    }
    return false;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.step(), delayMs);
  }

  private async step(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.epoch < 0n) {
        await this.register();
        // Registered: the first heartbeat goes at once (it is what gets the broker unfenced).
        if (this.epoch >= 0n) await this.beat();
      } else {
        await this.beat();
      }
    } catch (err) {
      this.opts.logger.debug({ err: (err as Error).message }, "controller unreachable; retrying");
      this.schedule(this.opts.retryBackoffMs);
      return;
    }
    // Fenced brokers heartbeat often, so they are unfenced as soon as they have caught up.
    this.schedule(this.epoch < 0n ? this.opts.retryBackoffMs : this.fenced ? Math.min(this.opts.heartbeatIntervalMs, 50) : this.opts.heartbeatIntervalMs);
  }

  private async register(): Promise<void> {
    const res = await this.opts.channel.register({
      brokerId: this.opts.nodeId,
      clusterId: this.opts.clusterId,
      incarnationId: this.incarnationId,
      endpoints: this.opts.endpoints(),
      rack: this.opts.rack,
    });
    if (res.error !== "NONE") {
      this.opts.logger.info({ error: res.error }, "broker registration refused; retrying");
      return;
    }
    this.epoch = res.brokerEpoch;
    this.opts.logger.info({ brokerEpoch: this.epoch }, "broker registered with the controller");
  }

  private async beat(): Promise<void> {
    const res = await this.opts.channel.heartbeat(this.heartbeatRequest(false));
    if (res.error === "STALE_BROKER_EPOCH") {
      // The controller no longer knows this registration (e.g. it was replaced): register again.
      this.opts.logger.warn({ brokerEpoch: this.epoch }, "broker epoch stale; registering again");
      this.epoch = -1n;
      this.fenced = true;
      return;
    }
    if (res.error !== "NONE") return;
    if (this.fenced !== res.isFenced) this.opts.logger.info({ fenced: res.isFenced, brokerEpoch: this.epoch }, res.isFenced ? "broker fenced" : "broker unfenced");
    this.fenced = res.isFenced;
    if (!this.fenced) for (const w of this.unfencedWaiters.splice(0)) w();
  }

  private heartbeatRequest(wantShutDown: boolean) {
    return {
      brokerId: this.opts.nodeId,
      brokerEpoch: this.epoch,
      currentMetadataOffset: this.opts.metadata.appliedOffset,
      wantFence: false,
      wantShutDown,
    };
  }
}
