// Lease leader election (coordination.k8s.io/v1), after client-go's
// leaderelection: one replica holds the Lease and runs the controllers.
//
// - A candidate takes the Lease when it is free (no holder, released) or when
//   its record has not changed for leaseDuration by the candidate's own clock
//   (clocks of replicas are never compared).
// - The leader renews every retryPeriod. If no renewal succeeded for
//   renewDeadline (< leaseDuration) it stops its controllers before anyone else
//   may take the Lease: two leaders never run at once.
// - stop() releases the Lease (holder cleared), so another replica takes over at
//   its next retry instead of waiting for expiry.
// Writes are PUTs with the resourceVersion read: two candidates racing for the
// same record cannot both win (one gets 409 Conflict).
import type { Logger } from "pino";
import { setTimeout as sleep } from "node:timers/promises";
import { isConflict, isNotFound, type KubeHttp } from "./kube-http.js";
import { formatMicroTime } from "./kube-time.js";
import { BuiltinTypes, collectionPath, objectPath } from "./resource-type.js";

export interface LeaderElectionConfig {
  namespace: string;
  /** The Lease's name, e.g. "millrace-operator". */
  name: string;
  /** This replica (pod name); unique among candidates. */
  identity: string;
  /** client-go defaults: 15 s / 10 s / 2 s. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface LeaderCallbacks {
  onStartedLeading(): void | Promise<void>;
  /** Must stop every controller before returning. */
  onStoppedLeading(): void | Promise<void>;
  onNewLeader?(identity: string): void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

export class LeaderElector {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  private leader = false;
  private stopped = false;
  private readonly stopSignal = new AbortController();
  private loop: Promise<void> | undefined;
  private observedRecord = "";
  private observedAtMs = 0;
  private lastRenewMs = 0;
  private lastLease: Lease | undefined;
  private knownLeader = "";

  constructor(
    private readonly http: KubeHttp,
    private readonly cfg: LeaderElectionConfig,
    private readonly callbacks: LeaderCallbacks,
    private readonly log: Logger,
  ) {
    this.leaseDurationMs = cfg.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = cfg.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = cfg.retryPeriodMs ?? 2_000;
    if (!cfg.identity) throw new Error("leader election: identity is empty");
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs && this.retryPeriodMs > 0)) {
      throw new Error(
        `leader election: want leaseDuration > renewDeadline > retryPeriod > 0, got ${this.leaseDurationMs} / ${this.renewDeadlineMs} / ${this.retryPeriodMs} ms`,
      );
    }
    this.log = log.child({ lease: `${cfg.namespace}/${cfg.name}`, identity: cfg.identity });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Starts campaigning in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader stops its controllers, then releases the Lease. */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopSignal.abort();
    await this.loop;
    if (this.leader) {
      await this.loseLeadership("stopping");
      if (opts.release ?? true) await this.release();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // Deadlines count from when a renewal was sent, not answered: the Lease's
      // renewTime, which the others watch, is no later than that.
      const sentMs = Date.now();
      if (!this.leader) {
        if (await this.tryAcquireOrRenew(this.retryPeriodMs * 2)) {
          this.leader = true;
          this.lastRenewMs = sentMs;
          this.log.info("became leader");
          await this.callbacks.onStartedLeading();
          continue;
        }
        await this.pause(this.retryPeriodMs * (1 + Math.random() * 0.2));
        continue;
      }
      await this.pause(this.retryPeriodMs);
      if (this.stopped) break;
      const renewSentMs = Date.now();
      const left = this.renewDeadlineMs - (renewSentMs - this.lastRenewMs);
      // A renewal request may not outlive the renew deadline.
      if (left > 0 && (await this.tryAcquireOrRenew(Math.max(left, 100)))) {
        this.lastRenewMs = renewSentMs;
        continue;
      }
      if (Date.now() - this.lastRenewMs >= this.renewDeadlineMs) {
        await this.loseLeadership("could not renew the lease within the renew deadline");
      }
    }
  }

  private async loseLeadership(why: string): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    this.log.warn({ why }, "leadership lost; stopping controllers");
    await this.callbacks.onStoppedLeading();
  }

  private pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
  }

  /** One attempt; false on any failure (logged at debug: retried). */
  private async tryAcquireOrRenew(timeoutMs: number): Promise<boolean> {
    const now = Date.now();
    const path = objectPath(BuiltinTypes.Lease, this.cfg.namespace, this.cfg.name);
    try {
      let lease: Lease;
      try {
        lease = await this.http.send<Lease>({ verb: "GET", path, timeoutMs });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const created = await this.http.send<Lease>({
          verb: "POST",
          path: collectionPath(BuiltinTypes.Lease, this.cfg.namespace),
          body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.cfg.name, namespace: this.cfg.namespace }, spec: this.spec(now, undefined) },
          timeoutMs,
        });
        this.observe(created, now);
        return true;
      }
      this.observe(lease, now);
      const holder = lease.spec?.holderIdentity ?? "";
      if (holder && holder !== this.cfg.identity && now - this.observedAtMs < this.leaseDurationMs) return false;
      const updated = await this.http.send<Lease>({
        verb: "PUT",
        path,
        body: { ...lease, spec: this.spec(now, lease.spec) },
        timeoutMs,
      });
      this.observe(updated, now);
      return true;
    } catch (e) {
      if (isConflict(e)) this.log.debug("lease changed under us; retrying");
      else this.log.debug({ err: e }, "lease attempt failed");
      return false;
    }
  }

  private spec(nowMs: number, previous: LeaseSpec | undefined): LeaseSpec {
    const renewing = previous?.holderIdentity === this.cfg.identity;
    return {
      holderIdentity: this.cfg.identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime: renewing && previous?.acquireTime ? previous.acquireTime : formatMicroTime(nowMs),
      renewTime: formatMicroTime(nowMs),
      leaseTransitions: renewing ? (previous?.leaseTransitions ?? 0) : (previous?.leaseTransitions ?? -1) + 1,
    };
  }

  private observe(lease: Lease, nowMs: number): void {
    this.lastLease = lease;
    const record = JSON.stringify(lease.spec ?? {});
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAtMs = nowMs;
    }
    const holder = lease.spec?.holderIdentity ?? "";
    if (holder && holder !== this.knownLeader) {
      this.knownLeader = holder;
      this.callbacks.onNewLeader?.(holder);
    }
  }

  /** Clears the holder so another candidate takes the Lease at once (client-go's ReleaseOnCancel). */
  private async release(): Promise<void> {
    const lease = this.lastLease;
    if (!lease || lease.spec?.holderIdentity !== this.cfg.identity) return;
    const now = formatMicroTime(Date.now());
    try {
      await this.http.send({
        verb: "PUT",
        path: objectPath(BuiltinTypes.Lease, this.cfg.namespace, this.cfg.name),
        body: { ...lease, spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now } },
        timeoutMs: this.renewDeadlineMs,
      });
      this.log.info("lease released");
    } catch (e) {
      this.log.warn({ err: e }, "could not release the lease; the other replica takes over when it expires");
    }
  }
}
