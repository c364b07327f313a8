// The operator runtime (operator/runtime) against a real kube-apiserver with
// kube-controller-manager: a demo controller over two test CRDs (TestCluster,
// TestTopic) reconciles through the informer cache, applies an owned ConfigMap
// with server-side apply, writes status and events, keeps a finalizer; and the
// machinery around it: zero writes on a no-op reconcile, garbage collection of
// owned objects, finalizer rules, event aggregation, watch restarts, /readyz and
// /metrics.
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, EventsV1Api, type V1JSONSchemaProps } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConditionType, findCondition, markReady, type Condition } from '../../operator/runtime/conditions.js';
import type { Controller } from '../../operator/runtime/controller.js';
import { keyForControllerOwner, keyForObject, keysFrom } from '../../operator/runtime/event-mappers.js';
import { finalizeIfDeleting, ensureFinalizer, isBeingDeleted } from '../../operator/runtime/finalizers.js';
import { Informer } from '../../operator/runtime/informer.js';
import { KubeHttp } from '../../operator/runtime/kube-http.js';
import { Manager } from '../../operator/runtime/manager.js';
import { OperatorMetrics } from '../../operator/runtime/metrics.js';
import { formatKey } from '../../operator/runtime/object-key.js';
import { withControllerReference } from '../../operator/runtime/owner-references.js';
import type { Reconciler } from '../../operator/runtime/reconciler.js';
import { BuiltinTypes, type KubeObject, type ResourceType } from '../../operator/runtime/resource-type.js';
import { startApiServer, type ApiServer } from './api-server.js';
import { CuttableProxy, kubeConfigFor, targetOf, until } from './runtime-helpers.js';

const GROUP = 'runtime.test.millrace.dev';
const NS = 'demo';
const FINALIZER = 'runtime.test.millrace.dev/cleanup';
const TestCluster: ResourceType = { group: GROUP, version: 'v1', kind: 'TestCluster', plural: 'testclusters', namespaced: true };
const TestTopic: ResourceType = { group: GROUP, version: 'v1', kind: 'TestTopic', plural: 'testtopics', namespaced: true };

function crd(t: ResourceType, spec: Record<string, V1JSONSchemaProps>) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${t.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural: t.plural, singular: t.kind.toLowerCase(), kind: t.kind },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: spec },
                // client-node's typed CRD model spells the extension in camelCase (the JSON key would be dropped).
                status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
              },
            },
          },
        },
      ],
    },
  };
}

interface Topic extends KubeObject {
  spec: { cluster: string; partitions: number };
  status?: { conditions?: Condition[]; observedGeneration?: number };
}

// The demo: a TestTopic gets a ConfigMap "topic-<name>" holding its partitions,
// a finalizer whose cleanup talks to its TestCluster, Ready status and an event
// when the ConfigMap is (re)written.
class DemoTopicReconciler implements Reconciler {
  reconciles = 0;
  cleanupAllowed = false;
  cleanups: string[] = [];
  constructor(private readonly m: Manager) {}

  async reconcile(req: { namespace: string; name: string }) {
    this.reconciles++;
    const { cache, http, applier, status, events } = this.m;
    const topic = cache.get<Topic>(TestTopic, req.namespace, req.name);
    if (!topic) return;
    if (isBeingDeleted(topic)) {
      await finalizeIfDeleting({
        http,
        type: TestTopic,
        obj: topic,
        finalizer: FINALIZER,
        log: this.m.log,
        target: () => {
          const c = cache.get(TestCluster, req.namespace, topic.spec.cluster);
          return !c || isBeingDeleted(c) ? 'gone' : 'available';
        },
        cleanup: async () => {
          if (!this.cleanupAllowed) throw new Error(`cluster ${topic.spec.cluster} unreachable`);
          this.cleanups.push(req.name);
        },
      });
      return;
    }
    // The finalizer first; the write's own event brings us back.
    if (await ensureFinalizer(http, TestTopic, topic, FINALIZER)) return;
    const desired = withControllerReference(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `topic-${req.name}`, namespace: req.namespace, labels: { 'app.kubernetes.io/managed-by': 'millrace-test' } },
        data: { partitions: String(topic.spec.partitions) },
      },
      topic,
    );
    const applied = await applier.apply(BuiltinTypes.ConfigMap, desired, cache.get(BuiltinTypes.ConfigMap, req.namespace, `topic-${req.name}`));
    if (applied.written) {
      await events.record(topic, { type: 'Normal', reason: 'ConfigMapApplied', action: 'Apply', note: `partitions=${topic.spec.partitions}` });
    }
    const generation = topic.metadata?.generation;
    await status.update(TestTopic, topic, {
      observedGeneration: generation,
      conditions: markReady(topic.status?.conditions, 'Applied', `${topic.spec.partitions} partitions`, generation),
    });
  }
}

describe('operator runtime on a real API server', () => {
  let api: ApiServer;
  let manager: Manager;
  let demo: DemoTopicReconciler;
  let controller: Controller;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  const ref = { group: GROUP, version: 'v1', namespace: NS };

  async function createTopic(name: string, cluster: string, partitions: number) {
    await custom.createNamespacedCustomObject({ ...ref, plural: 'testtopics', body: { apiVersion: `${GROUP}/v1`, kind: 'TestTopic', metadata: { name }, spec: { cluster, partitions } } });
  }
  const topicInCache = (name: string) => manager.cache.get<Topic>(TestTopic, NS, name);
  const readyGeneration = (name: string) => {
    const t = topicInCache(name);
    const ready = findCondition(t?.status?.conditions, ConditionType.Ready);
    return ready?.status === 'True' && t?.status?.observedGeneration === t?.metadata?.generation ? t?.metadata?.generation : undefined;
  };
  // Writes the controller sent (not counting events: they are recorded only when something was written).
  const controllerWrites = () => manager.http.recentWrites.filter((w) => !w.path.includes('/events')).length;

  beforeAll(async () => {
    api = await startApiServer({ tools: inject('kubeTools'), controllerManager: true });
    const kc = kubeConfigFor(api.kubeconfigPath);
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    for (const body of [crd(TestCluster, {}), crd(TestTopic, { cluster: { type: 'string' }, partitions: { type: 'integer' } })]) {
      await ext.createCustomResourceDefinition({ body });
      await until(`${body.metadata.name} Established`, async () => {
        const got = await ext.readCustomResourceDefinition({ name: body.metadata.name });
        return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      });
    }
    // Discovery of fresh CRDs can lag Established: list until served.
    await until('the test kinds served', async () => (await custom.listNamespacedCustomObject({ ...ref, plural: 'testtopics' })) && true);

    manager = new Manager({ kubeConfig: kc, log: pino({ level: process.env.MILLRACE_TEST_LOG ?? 'silent' }), identity: 'demo-0', namespaces: [NS], health: { port: 0, host: '127.0.0.1' }, metrics: new OperatorMetrics() });
    demo = new DemoTopicReconciler(manager);
    controller = manager.register((m) =>
      m
        .newController({ name: 'demo-topics', reconciler: demo, workers: 2 })
        .watch(m.cache.informersFor(TestTopic), keyForObject(TestTopic))
        .watch(m.cache.informersFor(BuiltinTypes.ConfigMap), keyForControllerOwner(TestTopic))
        // A cluster's change concerns every topic that names it.
        .watch(
          m.cache.informersFor(TestCluster),
          keysFrom((cluster) =>
            m.cache
              .list<Topic>(TestTopic, cluster.metadata?.namespace)
              .filter((t) => t.spec.cluster === cluster.metadata?.name)
              .map((t) => formatKey({ kind: 'TestTopic', namespace: t.metadata!.namespace!, name: t.metadata!.name! })),
          ),
        ),
    );
    expect(manager.readiness().ready).toBe(false);
    await manager.start();
  });

  afterAll(async () => {
    await manager?.stop();
    await api?.stop();
  });

  it('reconciles a created object: finalizer, owned ConfigMap, Ready status, an event', async () => {
    await custom.createNamespacedCustomObject({ ...ref, plural: 'testclusters', body: { apiVersion: `${GROUP}/v1`, kind: 'TestCluster', metadata: { name: 'c1' }, spec: {} } });
    await createTopic('t1', 'c1', 3);
    await until('t1 Ready at generation 1', () => readyGeneration('t1') === 1);
    const cm = await core.readNamespacedConfigMap({ namespace: NS, name: 'topic-t1' });
    expect(cm.data).toEqual({ partitions: '3' });
    expect(cm.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'TestTopic', name: 't1', uid: topicInCache('t1')!.metadata!.uid, controller: true, blockOwnerDeletion: true }),
    ]);
    expect(cm.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toContainEqual(['millrace-operator', 'Apply']);
    expect(topicInCache('t1')!.metadata?.finalizers).toEqual([FINALIZER]);
    const events = await until('the ConfigMapApplied event', async () => {
      const list = await api.kubectl(['-n', NS, 'get', 'events.events.k8s.io', '-o', 'json']);
      const items = (JSON.parse(list) as { items: { reason: string; note: string; regarding: { name: string } }[] }).items;
      return items.some((e) => e.reason === 'ConfigMapApplied') ? items : undefined;
    });
    expect(events.find((e) => e.reason === 'ConfigMapApplied')).toMatchObject({ note: 'partitions=3', regarding: { name: 't1' } });
  });

  it('a second reconcile of an unchanged object sends zero writes', async () => {
    await until('t1 settled', () => readyGeneration('t1') === 1 && controller.workQueue!.length === 0);
    const writes = controllerWrites();
    const before = demo.reconciles;
    for (let i = 0; i < 3; i++) {
      const n = demo.reconciles;
      controller.enqueueKey('TestTopic/demo/t1');
      await until('the forced reconcile', () => demo.reconciles > n);
    }
    expect(demo.reconciles - before).toBeGreaterThanOrEqual(3);
    expect(controllerWrites()).toBe(writes);

    // Someone else changes a field we do not manage: the owned object's event wakes t1,
    // the comparison sees our fields intact, nothing is written.
    const n = demo.reconciles;
    await core.patchNamespacedConfigMap({ namespace: NS, name: 'topic-t1', body: [{ op: 'add', path: '/metadata/labels/team', value: 'data' }] });
    await until('the reconcile after a foreign change', () => demo.reconciles > n && manager.cache.get(BuiltinTypes.ConfigMap, NS, 'topic-t1')?.metadata?.labels?.team === 'data');
    await until('the queue to drain', () => controller.workQueue!.length === 0 && !controller.workQueue!.isProcessing('TestTopic/demo/t1'));
    expect(controllerWrites()).toBe(writes);
  });

  it('reconciles an update (spec change) and corrects drift of an owned object', async () => {
    await custom.patchNamespacedCustomObject({ ...ref, plural: 'testtopics', name: 't1', body: [{ op: 'replace', path: '/spec/partitions', value: 5 }] });
    await until('t1 Ready at generation 2', () => readyGeneration('t1') === 2);
    expect((await core.readNamespacedConfigMap({ namespace: NS, name: 'topic-t1' })).data).toEqual({ partitions: '5' });
    const t1 = topicInCache('t1')!;
    const ready = findCondition(t1.status?.conditions, 'Ready')!;
    expect(ready.observedGeneration).toBe(2);

    // Someone edits the owned ConfigMap: its event maps to t1, which puts it back.
    await core.patchNamespacedConfigMap({ namespace: NS, name: 'topic-t1', body: [{ op: 'replace', path: '/data/partitions', value: '99' }] });
    await until('drift corrected', async () => (await core.readNamespacedConfigMap({ namespace: NS, name: 'topic-t1' })).data?.partitions === '5');
    // The condition did not flip: its transition time is the same.
    expect(findCondition(topicInCache('t1')!.status?.conditions, 'Ready')!.lastTransitionTime).toBe(ready.lastTransitionTime);
  });

  it('a finalizer blocks deletion until cleanup; then the garbage collector deletes the owned ConfigMap', async () => {
    demo.cleanupAllowed = false;
    await custom.deleteNamespacedCustomObject({ ...ref, plural: 'testtopics', name: 't1' });
    await until('t1 marked for deletion', () => isBeingDeleted(topicInCache('t1')));
    // Cleanup fails (retried with backoff): the object stays.
    await until('a failed cleanup attempt', () => (controller.workQueue?.backoff.failuresOf('TestTopic/demo/t1') ?? 0) >= 2);
    expect(topicInCache('t1')).toBeDefined();
    demo.cleanupAllowed = true;
    await until('t1 gone after cleanup', () => topicInCache('t1') === undefined);
    expect(demo.cleanups).toContain('t1');
    await until(
      'topic-t1 garbage-collected',
      async () => !(await core.listNamespacedConfigMap({ namespace: NS })).items.some((c) => c.metadata?.name === 'topic-t1'),
    );
  });

  it('a finalizer is given up when the cluster it needs is deleted (never a stuck namespace)', async () => {
    demo.cleanupAllowed = false;
    await createTopic('t2', 'c1', 1);
    await until('t2 Ready', () => readyGeneration('t2') === 1);
    await custom.deleteNamespacedCustomObject({ ...ref, plural: 'testtopics', name: 't2' });
    await until('t2 cleanup failing', () => (controller.workQueue?.backoff.failuresOf('TestTopic/demo/t2') ?? 0) >= 1);
    expect(topicInCache('t2')).toBeDefined();
    await custom.deleteNamespacedCustomObject({ ...ref, plural: 'testclusters', name: 'c1' });
    await until('t2 gone without cleanup', () => topicInCache('t2') === undefined);
    expect(demo.cleanups).not.toContain('t2');
  });

  it('aggregates repeated events into one Event with a series count', async () => {
    await custom.createNamespacedCustomObject({ ...ref, plural: 'testclusters', body: { apiVersion: `${GROUP}/v1`, kind: 'TestCluster', metadata: { name: 'c2' }, spec: {} } });
    const c2 = await until('c2 in cache', () => manager.cache.get(TestCluster, NS, 'c2'));
    for (let i = 0; i < 3; i++) await manager.events.record(c2, { type: 'Warning', reason: 'BrokerUnreachable', action: 'Connect', note: 'broker 0 refused the connection' });
    const kc = kubeConfigFor(api.kubeconfigPath);
    const list = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: NS });
    const mine = list.items.filter((e) => e.reason === 'BrokerUnreachable');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.series?.count).toBe(3);
    expect(mine[0]).toMatchObject({ type: 'Warning', action: 'Connect', reportingController: 'millrace.dev/operator', reportingInstance: 'demo-0' });
  });

  it('answers /healthz, /readyz and /metrics', async () => {
    const base = `http://127.0.0.1:${manager.healthPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, 'ok\n']);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/controller_runtime_reconcile_total\{controller="demo-topics",result="success"\} [1-9]/);
    expect(metrics).toMatch(/controller_runtime_reconcile_total\{controller="demo-topics",result="error"\} [1-9]/);
    expect(metrics).toMatch(/controller_runtime_reconcile_time_seconds_bucket\{le="0.005",controller="demo-topics"\}/);
    expect(metrics).toMatch(/workqueue_depth\{name="demo-topics"\} 0/);
    expect(metrics).toMatch(/workqueue_adds_total\{name="demo-topics"\} [1-9]/);
    expect(metrics).toMatch(/workqueue_retries_total\{name="demo-topics"\} [1-9]/);
    expect(metrics).toMatch(/process_resident_memory_bytes/);
    expect(metrics).toContain(`millrace_operator_kube_writes ${manager.http.writeCount}`);
  });

  it('an informer whose watch breaks restarts and catches up on every change it missed', async () => {
    const proxy = new CuttableProxy(targetOf(api.server));
    const http = new KubeHttp(kubeConfigFor(api.kubeconfigPath, await proxy.start()));
    const informer = new Informer(http, { type: BuiltinTypes.ConfigMap, namespace: NS, log: pino({ level: 'silent' }), restartDelayMs: { min: 100, max: 400 } });
    const seen: string[] = [];
    informer.onEvent((event, obj) => {
      if (obj.metadata?.name?.startsWith('w-')) seen.push(`${event}:${obj.metadata.name}`);
    });
    try {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'w-before' } } });
      await informer.start();
      await informer.waitForSync();
      expect(seen).toEqual(['add:w-before']);

      proxy.cut();
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'w-during' } } });
      await core.deleteNamespacedConfigMap({ namespace: NS, name: 'w-before' });
      await until('the informer to notice the broken watch', () => informer.restarts >= 1 || undefined, 60_000);
      proxy.restore();

      await until('the missed changes', () => informer.get('w-during', NS) !== undefined && informer.get('w-before', NS) === undefined, 60_000);
      expect(seen).toEqual(['add:w-before', 'add:w-during', 'delete:w-before']);
      // And it keeps watching.
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'w-after' } } });
      await until('a change after the restart', () => informer.get('w-after', NS) !== undefined);
    } finally {
      await informer.stop();
      await proxy.stop();
    }
  });
});
