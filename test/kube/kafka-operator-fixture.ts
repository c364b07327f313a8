// What the KafkaTopic and KafkaUser reconciler tests share: a real API server with the operator's
// CRDs, a KafkaCluster object (no cluster reconciler runs: nothing would run its Pods anyway), a
// broker as a local process, and operator Managers in this process that reach the broker through
// a StaticClusterAdminProvider — the same map the operator process takes from
// MILLRACE_CLUSTER_ACCESS_FILE.
import { CoreV1Api, CustomObjectsApi, EventsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { AdminClient } from '../../broker/client/index.js';
import { inject } from 'vitest';
import type { Condition } from '../../operator/api/v1alpha1/conditions.js';
import { StaticClusterAdminProvider, type ClusterAdminProvider, type StaticClusterAccess } from '../../operator/controllers/cluster-admin.js';
import type { Controller } from '../../operator/runtime/controller.js';
import { Manager } from '../../operator/runtime/manager.js';
import { OperatorMetrics } from '../../operator/runtime/metrics.js';
import { startApiServer, type ApiServer } from './api-server.js';
import { kubeConfigFor, until } from './runtime-helpers.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
export const GROUP = 'kafka.millrace.dev';
export const VERSION = 'v1alpha1';

export interface KubeWorld {
  api: ApiServer;
  kc: KubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  events: EventsV1Api;
}

export function testLog(): Logger {
  return pino({ level: process.env.MILLRACE_TEST_LOG ?? 'silent' });
}

export interface KubeWorldOptions {
  /** Labels of every namespace created (e.g. a Pod Security Standard to enforce). */
  namespaceLabels?: Record<string, string>;
  /** Wait for each namespace's default ServiceAccount (made by the controller manager): Pods need it. */
  serviceAccounts?: boolean;
}

/** API server with the CRDs from crds/ installed and served, and the namespaces created. */
export async function startKubeWorld(namespaces: string[], opts: KubeWorldOptions = {}): Promise<KubeWorld> {
  const api = await startApiServer({ tools: inject('kubeTools'), controllerManager: true });
  const kc = kubeConfigFor(api.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  await api.kubectl(['apply', '-f', join(repoRoot, 'crds')]);
  await api.kubectl(['wait', '--for', 'condition=Established', '--timeout=60s', 'crd', '--all']);
  for (const name of namespaces) await core.createNamespace({ body: { metadata: { name, labels: opts.namespaceLabels } } });
  // Discovery of fresh CRDs can lag Established: list until served.
  await until('the operator kinds served', async () => (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: namespaces[0]!, plural: 'kafkatopics' })) && true);
  if (opts.serviceAccounts) {
    for (const namespace of namespaces) {
      await until(`the default ServiceAccount of ${namespace}`, async () => (await core.listNamespacedServiceAccount({ namespace })).items.length > 0);
    }
  }
  return { api, kc, core, custom, events: kc.makeApiClient(EventsV1Api) };
}

/** A minimal valid KafkaCluster: one combined node (its Pods never run here; only its name matters). */
export async function createClusterObject(w: KubeWorld, namespace: string, name: string): Promise<void> {
  await w.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'kafkaclusters',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'KafkaCluster',
      metadata: { name },
      spec: { nodePools: [{ name: 'pool', roles: ['broker', 'controller'], replicas: 1, storage: { size: '1Gi' } }], listeners: [{ name: 'plain', port: 9092, type: 'internal' }], authorization: { type: 'simple' } },
    },
  });
}

/** An operator Manager in this process, watching the given namespaces, with controllers from factories. */
export async function startOperator(
  w: KubeWorld,
  opts: { identity: string; namespaces: string[]; access: Record<string, StaticClusterAccess> | ClusterAdminProvider; controllers: ((m: Manager, admins: ClusterAdminProvider) => Controller)[] },
): Promise<{ manager: Manager; admins: ClusterAdminProvider; stop: () => Promise<void> }> {
  const log = testLog();
  const manager = new Manager({ kubeConfig: w.kc, log, identity: opts.identity, namespaces: opts.namespaces, metrics: new OperatorMetrics() });
  const admins = 'adminFor' in opts.access ? (opts.access as ClusterAdminProvider) : new StaticClusterAdminProvider(opts.access as Record<string, StaticClusterAccess>, log);
  for (const f of opts.controllers) manager.register((m) => f(m, admins));
  await manager.start();
  return {
    manager,
    admins,
    stop: async () => {
      await manager.stop();
      await admins.close();
    },
  };
}

export function condition(obj: { status?: { conditions?: Condition[] } } | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** Events about one object (events.k8s.io/v1), newest last. */
export async function eventsFor(w: KubeWorld, namespace: string, name: string): Promise<{ reason: string; note: string; type: string }[]> {
  const list = await w.events.listNamespacedEvent({ namespace });
  return list.items
    .filter((e) => e.regarding?.name === name)
    .map((e) => ({ reason: e.reason ?? '', note: e.note ?? '', type: e.type ?? '' }));
}

/** Polls fn until true and returns how long that took (ms), failing after timeoutMs. */
export async function timeUntil(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 10_000, everyMs = 20): Promise<number> {
  const start = performance.now();
  await until(what, async () => (await fn()) || undefined, timeoutMs, everyMs);
  return performance.now() - start;
}

/**
 * An admin provider whose client "kills" the operator at one admin call, to test convergence
 * after a crash: `crash` runs (a test fences the Manager's writes there, as a killed process
 * stops writing) and the call fails. With `callFirst` the real call is made before the crash
 * (the broker has the change, the status does not); without it the broker never sees the call.
 */
export function crashingAdminProvider(bootstrap: string, method: keyof AdminClient, crash: () => void, opts: { callFirst: boolean }): ClusterAdminProvider {
  return {
    async adminFor() {
      const real = new AdminClient({ bootstrapServers: [bootstrap], timeoutMs: 10_000 });
      return new Proxy(real, {
        get(target, prop, receiver) {
          if (prop !== method) return Reflect.get(target, prop, receiver) as unknown;
          return async (...args: unknown[]) => {
            if (opts.callFirst) await (target[method] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            crash();
            throw new Error('operator killed (test)');
          };
        },
      });
    },
    async forget() {},
    async close() {},
  };
}
