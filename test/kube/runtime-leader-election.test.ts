// Lease leader election of the operator runtime on a real API server: of two
// managers one leads (runs its controllers), a clean stop hands over at once,
// and a leader cut off from the API server stops its controllers before the
// other may take the Lease (at lease expiry).
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Controller } from '../../operator/runtime/controller.js';
import { keyForObject } from '../../operator/runtime/event-mappers.js';
import { Manager } from '../../operator/runtime/manager.js';
import { OperatorMetrics } from '../../operator/runtime/metrics.js';
import { BuiltinTypes } from '../../operator/runtime/resource-type.js';
import { startApiServer, type ApiServer } from './api-server.js';
import { CuttableProxy, kubeConfigFor, targetOf, until } from './runtime-helpers.js';

const NS = 'le';
const LEASE = 'demo-operator';
// Short durations so the test takes seconds (client-go's are 15/10/2 s), long enough for a
// loaded 2-core machine running two API servers to renew in time.
const TIMING = { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryPeriodMs: 1000 };

interface Replica {
  identity: string;
  proxy: CuttableProxy;
  manager: Manager;
  controller: Controller;
  reconciles: number;
}

describe('Lease leader election', () => {
  let api: ApiServer;
  const replicas: Replica[] = [];

  async function startReplica(identity: string): Promise<Replica> {
    const proxy = new CuttableProxy(targetOf(api.server));
    const kubeConfig = kubeConfigFor(api.kubeconfigPath, await proxy.start());
    const manager = new Manager({
      kubeConfig,
      identity,
      log: pino({ level: process.env.MILLRACE_TEST_LOG ?? 'silent' }).child({ replica: identity }),
      namespaces: [NS],
      leaderElection: { namespace: NS, name: LEASE, ...TIMING },
      health: { port: 0, host: '127.0.0.1' },
      // Each replica its own registry (one process here, two in a cluster).
      metrics: new OperatorMetrics({ processMetrics: false }),
    });
    const r = { identity, proxy, manager, reconciles: 0 } as Replica;
    r.controller = manager.register((m) =>
      m
        .newController({ name: 'demo', reconciler: { reconcile: async () => void r.reconciles++ } })
        .watch(m.cache.informersFor(BuiltinTypes.ConfigMap), keyForObject(BuiltinTypes.ConfigMap)),
    );
    await manager.start();
    replicas.push(r);
    return r;
  }

  const leaders = () => replicas.filter((r) => r.manager.isLeader);
  const readLease = () => kubeConfigFor(api.kubeconfigPath).makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: NS, name: LEASE });
  const leaseHolder = async () => (await readLease()).spec?.holderIdentity;
  async function metricsOf(r: Replica): Promise<string> {
    return (await fetch(`http://127.0.0.1:${r.manager.healthPort}/metrics`)).text();
  }

  beforeAll(async () => {
    api = await startApiServer({ tools: inject('kubeTools') });
    await kubeConfigFor(api.kubeconfigPath).makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  });

  afterAll(async () => {
    for (const r of replicas) {
      r.proxy.restore();
      await r.manager.stop();
      await r.proxy.stop();
    }
    await api?.stop();
  });

  it('elects exactly one of two replicas; only the leader runs controllers', async () => {
    const [a, b] = [await startReplica('replica-a'), await startReplica('replica-b')];
    const leader = await until('a leader', () => leaders().length === 1 && leaders()[0]);
    const standby = leader === a ? b : a;
    expect(await leaseHolder()).toBe(leader.identity);
    // Still one leader, the same, over three renewals.
    const renewals = new Set<string>();
    await until('three renewals', async () => {
      const lease = await readLease();
      expect(lease.spec?.holderIdentity).toBe(leader.identity);
      expect(leaders()).toEqual([leader]);
      renewals.add(String(lease.spec?.renewTime?.valueOf()));
      return renewals.size >= 3;
    }, 10_000);
    expect([leader.controller.running, standby.controller.running]).toEqual([true, false]);
    expect([leader.manager.http.fenced, standby.manager.http.fenced]).toEqual([false, true]);
    // The leader reconciles; both caches are warm.
    await kubeConfigFor(api.kubeconfigPath).makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'work' } } });
    await until('the leader reconciles', () => leader.reconciles > 0);
    expect(standby.reconciles).toBe(0);
    expect(standby.manager.cache.get(BuiltinTypes.ConfigMap, NS, 'work')).toBeDefined();
    for (const r of [leader, standby]) expect((await fetch(`http://127.0.0.1:${r.manager.healthPort}/readyz`)).status).toBe(200);
    expect(await metricsOf(leader)).toMatch(new RegExp(`leader_election_master_status\\{name="${LEASE}"\\} 1`));
    expect(await metricsOf(standby)).toMatch(new RegExp(`leader_election_master_status\\{name="${LEASE}"\\} 0`));
  });

  it('a clean stop releases the Lease: the standby takes over at once, not at expiry', async () => {
    const leader = leaders()[0]!;
    const standby = replicas.find((r) => r !== leader && !r.manager.isLeader)!;
    const t0 = Date.now();
    await leader.manager.stop();
    expect(leader.controller.running).toBe(false);
    await until('the standby to lead', () => standby.manager.isLeader, 10_000, 10);
    const handover = Date.now() - t0;
    process.stderr.write(`[leader-election] handover after a clean stop: ${handover} ms (lease ${TIMING.leaseDurationMs} ms)\n`);
    expect(handover).toBeLessThan(TIMING.leaseDurationMs);
    expect(await leaseHolder()).toBe(standby.identity);
    expect(standby.controller.running).toBe(true);
    replicas.splice(replicas.indexOf(leader), 1);
    await leader.proxy.stop();
  });

  it('a leader cut off from the API server stops its controllers before another replica takes the Lease at expiry', async () => {
    const leader = leaders()[0]!;
    const standby = await startReplica('replica-c');
    await until('c synced and standing by', () => standby.manager.readiness().ready && !standby.manager.isLeader);
    // From the API server's side, a killed leader and a cut-off one look the same: renewals stop.
    const t0 = Date.now();
    leader.proxy.cut();
    let leaderStoppedAt = 0;
    let standbyLeadsAt = 0;
    await until(
      'the old leader to stop and the standby to lead',
      () => {
        if (!leaderStoppedAt && !leader.manager.isLeader) leaderStoppedAt = Date.now();
        if (!standbyLeadsAt && standby.manager.isLeader) standbyLeadsAt = Date.now();
        return leaderStoppedAt > 0 && standbyLeadsAt > 0;
      },
      30_000,
      10,
    );
    process.stderr.write(
      `[leader-election] cut at 0: old leader stopped at ${leaderStoppedAt - t0} ms, new leader at ${standbyLeadsAt - t0} ms (lease ${TIMING.leaseDurationMs}, renew deadline ${TIMING.renewDeadlineMs} ms)\n`,
    );
    expect(leader.controller.running).toBe(false);
    expect(leaderStoppedAt).toBeLessThan(standbyLeadsAt);
    // Its controllers' writes are fenced: a reconcile still running cannot write any more.
    expect(leader.manager.http.fenced).toBe(true);
    // Not before the lease could have expired: the last renewal was about one retry
    // period (plus a request, on a loaded machine) before the cut.
    expect(standbyLeadsAt - t0).toBeGreaterThanOrEqual(TIMING.leaseDurationMs - 2 * TIMING.retryPeriodMs);
    expect(await leaseHolder()).toBe(standby.identity);
    expect(standby.controller.running).toBe(true);
  });
});
