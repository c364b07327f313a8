// The KafkaCluster reconciler (operator/controllers/kafkacluster) on a real kube-apiserver
// with kube-controller-manager (garbage collection). No kubelet: Pods never run, so the test
// plays the kubelet's part by writing their Ready condition through the status subresource.
// The brokers' admin answers (replicas held, for the scale-down guard) come from a fake.
import type { KubeConfig } from '@kubernetes/client-node';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../broker/client/index.js';
import type { KafkaCluster, KafkaClusterStatus } from '../../operator/api/v1alpha1/kafkacluster.js';
import { CLUSTER_ID_ANNOTATION } from '../../operator/controllers/kafkacluster/cluster-id.js';
import { kafkaClusterController } from '../../operator/controllers/kafkacluster/controller.js';
import { POD_HASH_ANNOTATION } from '../../operator/controllers/kafkacluster/node-pod.js';
import { KafkaClusterType } from '../../operator/controllers/resource-types.js';
import { ConditionType, findCondition } from '../../operator/runtime/conditions.js';
import type { Controller } from '../../operator/runtime/controller.js';
import { ContentType, KubeHttp } from '../../operator/runtime/kube-http.js';
import { Manager } from '../../operator/runtime/manager.js';
import { OperatorMetrics } from '../../operator/runtime/metrics.js';
import type { KubeObject } from '../../operator/runtime/resource-type.js';
import type { ApiServer } from './api-server.js';
import { startKubeWorld } from './kafka-operator-fixture.js';
import { until } from './runtime-helpers.js';

const NS = 'kafka';
const repoRoot = join(import.meta.dirname, '..', '..');

interface Item extends KubeObject {
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  status?: Record<string, unknown>;
}

/** The fake brokers: replicas held per broker id; unreachable when `reachable` is false. */
class FakeAdmin {
  replicas = new Map<number, number>();
  reachable = true;
  async adminFor(): Promise<AdminClient> {
    if (!this.reachable) throw new Error('connection refused');
    const partitions = [...this.replicas].flatMap(([id, n]) => Array.from({ length: n }, () => ({ partition: 0, leader: id, replicas: [id], isr: [id] })));
    const client = {
      listTopics: async () => (partitions.length > 0 ? ['orders'] : []),
      describeTopics: async () => [{ name: 'orders', topicId: 'x', internal: false, partitions: partitions.map((p, i) => ({ ...p, partition: i })) }],
      describeQuorum: async () => ({ leaderId: 1, leaderEpoch: 4, highWatermark: 100n, voters: [2, 0, 1].map((nodeId) => ({ nodeId, logEndOffset: 100n })), observers: [] }),
    };
    return client as unknown as AdminClient;
  }
  async forget(): Promise<void> {}
}

describe('KafkaCluster reconciler on a real API server', () => {
  let api: ApiServer;
  let kc: KubeConfig;
  let http: KubeHttp;
  let manager: Manager;
  let controller: Controller;
  const admin = new FakeAdmin();

  const list = async (plural: string, ns = NS, group = ''): Promise<Item[]> => {
    const path = group ? `/apis/${group}/namespaces/${ns}/${plural}` : `/api/v1/namespaces/${ns}/${plural}`;
    return (await http.get<{ items: Item[] }>(path)).items;
  };
  const get = async (plural: string, name: string, ns = NS): Promise<Item | undefined> => (await list(plural, ns)).find((o) => o.metadata?.name === name);
  const clusterObj = async (name = 'demo', ns = NS) => http.get<KafkaCluster & Item>(`/apis/kafka.millrace.dev/v1alpha1/namespaces/${ns}/kafkaclusters/${name}`);
  const status = async (name = 'demo', ns = NS): Promise<KafkaClusterStatus> => (await clusterObj(name, ns)).status ?? {};
  const condition = (s: KafkaClusterStatus, type: string) => findCondition(s.conditions, type);
  const podNames = async (ns = NS) => (await list('pods', ns)).map((p) => p.metadata!.name!).sort();
  const setReady = async (pod: string, ns = NS) =>
    http.send({
      verb: 'PATCH',
      path: `/api/v1/namespaces/${ns}/pods/${pod}/status`,
      body: { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } },
      contentType: ContentType.mergePatch,
    });
  const patchCluster = async (patch: Record<string, unknown>, name = 'demo') =>
    http.send({ verb: 'PATCH', path: `/apis/kafka.millrace.dev/v1alpha1/namespaces/${NS}/kafkaclusters/${name}`, body: patch, contentType: ContentType.mergePatch });
  const reconciles = async () => (await manager.metrics.reconcileTotal.get()).values.filter((v) => v.labels.controller === 'kafkacluster').reduce((s, v) => s + v.value, 0);
  const settled = async (ns = NS, name = 'demo') => {
    const key = `KafkaCluster/${ns}/${name}`;
    return controller.workQueue!.length === 0 && !controller.workQueue!.isProcessing(key);
  };
  const examplePools = async () => (await clusterObj()).spec.nodePools;

  beforeAll(async () => {
    // The restricted Pod Security Standard, enforced: the node Pods must pass it.
    ({ api, kc } = await startKubeWorld([NS, 'crash'], { namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'restricted' }, serviceAccounts: true }));
    http = new KubeHttp(kc);

    manager = new Manager({ kubeConfig: kc, log: pino({ level: process.env.MILLRACE_TEST_LOG ?? 'silent' }), identity: 'op-0', namespaces: [NS], metrics: new OperatorMetrics() });
    controller = manager.register(kafkaClusterController({ admin, operatorVersion: '0.1.0', blockedRetryAfterMs: 300 }));
    await manager.start();
    await until('kubectl apply examples/kafka-cluster.yaml', async () => api.kubectl(['-n', NS, 'apply', '-f', join(repoRoot, 'examples', 'kafka-cluster.yaml')]));
  });

  afterAll(async () => {
    await manager?.stop();
    await api?.stop();
  });

  it('creates the example cluster: 6 Pods (zone affinity, restricted security context, format init container), PVCs, ConfigMaps, Services, Secrets, PDB, NetworkPolicies', async () => {
    const expected = ['demo-brokers-3', 'demo-brokers-4', 'demo-brokers-5', 'demo-controllers-0', 'demo-controllers-1', 'demo-controllers-2'];
    await until('6 Pods', async () => JSON.stringify(await podNames()) === JSON.stringify(expected));
    const clusterId = (await until('status.clusterId', async () => (await status()).clusterId))!;
    expect(clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const pod = (await get('pods', 'demo-brokers-4'))!;
    const spec = pod.spec as Record<string, any>;
    expect(pod.metadata?.labels).toMatchObject({ 'kafka.millrace.dev/cluster': 'demo', 'kafka.millrace.dev/pool': 'brokers', 'kafka.millrace.dev/node-id': '4', 'kafka.millrace.dev/broker': 'true' });
    expect(pod.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'KafkaCluster', name: 'demo', controller: true })]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-b'] }] },
    ]);
    expect(spec.hostname).toBe('demo-brokers-4');
    expect(spec.subdomain).toBe('demo-nodes');
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0]).toMatchObject({
      name: 'broker',
      image: 'millrace:0.1.0',
      args: ['broker', '--config', '/etc/millrace/server.properties'],
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      readinessProbe: { httpGet: { path: '/readyz', port: 'health' } },
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } },
    });
    expect(spec.initContainers[0].args).toEqual(['storage', 'format', '--ignore-formatted', '--cluster-id', clusterId, '--config', '/etc/millrace/server.properties']);
    expect((spec.volumes as { name: string; persistentVolumeClaim?: { claimName: string } }[]).find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe('data-demo-brokers-4');
    const controllerPod = (await get('pods', 'demo-controllers-2'))!;
    expect((controllerPod.spec as any).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['zone-c']);

    const claims = await list('persistentvolumeclaims');
    expect(claims.map((c) => c.metadata!.name).sort()).toEqual(expected.map((n) => `data-${n}`).sort());
    const brokerClaim = claims.find((c) => c.metadata!.name === 'data-demo-brokers-3')!;
    expect(brokerClaim.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } });
    expect(brokerClaim.metadata?.ownerReferences).toBeUndefined(); // deleteClaim: false
    expect(brokerClaim.metadata?.annotations?.[CLUSTER_ID_ANNOTATION]).toBe(clusterId);

    const cm = (await get('configmaps', 'demo-brokers-5'))!;
    const props = cm.data!['server.properties']!;
    expect(props).toContain('node.id=5\n');
    expect(props).toContain('broker.rack=zone-c\n');
    expect(props).toContain(
      'controller.quorum.voters=0@demo-controllers-0.demo-nodes.kafka.svc:9090,1@demo-controllers-1.demo-nodes.kafka.svc:9090,2@demo-controllers-2.demo-nodes.kafka.svc:9090\n',
    );
    expect(props).toContain('listeners=REPLICATION://:9091,INTERNAL://:9093\n');
    expect(props).toContain('advertised.listeners=REPLICATION://demo-brokers-5.demo-nodes.kafka.svc:9091,INTERNAL://demo-brokers-5.demo-nodes.kafka.svc:9093\n');
    expect(props).toContain('super.users=User:admin;User:CN=demo-node,O=millrace.dev;User:CN=demo-operator,O=millrace.dev\n');

    const services = await list('services');
    const nodesSvc = services.find((s) => s.metadata!.name === 'demo-nodes')!;
    expect(nodesSvc.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    const bootstrap = services.find((s) => s.metadata!.name === 'demo-bootstrap')!;
    expect((bootstrap.spec!.ports as { port: number }[]).map((p) => p.port)).toEqual([9091, 9093]);
    expect(bootstrap.spec!.selector).toEqual({ 'kafka.millrace.dev/cluster': 'demo', 'kafka.millrace.dev/broker': 'true' });

    const secrets = (await list('secrets')).map((s) => s.metadata!.name!);
    for (const name of ['demo-cluster-ca', 'demo-cluster-ca-cert', 'demo-clients-ca', 'demo-clients-ca-cert', 'demo-operator-certs', ...expected.map((n) => `${n}-certs`)]) {
      expect(secrets).toContain(name);
    }
    const nodeSecret = (await get('secrets', 'demo-brokers-3-certs'))!;
    const keystore = Buffer.from(nodeSecret.data!['keystore.pem']!, 'base64').toString();
    expect(keystore).toMatch(/^-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);

    const pdbs = await list('poddisruptionbudgets', NS, 'policy/v1');
    expect(pdbs.map((p) => [p.metadata!.name, (p.spec as any).maxUnavailable])).toEqual([['demo-nodes', 1]]);
    const policies = await list('networkpolicies', NS, 'networking.k8s.io/v1');
    expect(policies.map((p) => p.metadata!.name).sort()).toEqual(['demo-controller', 'demo-health-port', 'demo-internal', 'demo-replication']);
    const replication = policies.find((p) => p.metadata!.name === 'demo-replication')!;
    expect((replication.spec as any).ingress[0].from).toEqual([
      { podSelector: { matchLabels: { 'kafka.millrace.dev/cluster': 'demo' } } },
      { namespaceSelector: {}, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'millrace-operator' } } },
    ]);

    const s = await status();
    expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'NodesNotReady' });
    expect(s.listeners).toEqual([{ name: 'internal', type: 'internal', bootstrapServers: 'demo-bootstrap.kafka.svc:9093' }]);
    // No broker Ready yet: the quorum is not asked for.
    expect(s.quorum).toBeUndefined();
  });

  it('a second reconcile of the unchanged cluster writes nothing', async () => {
    await until('the cluster settled', async () => (await status()).brokers?.length === 6 && (await settled()));
    const writes = manager.http.writeCount;
    for (let i = 0; i < 3; i++) {
      const n = await reconciles();
      controller.enqueueKey(`KafkaCluster/${NS}/demo`);
      await until('the forced reconcile', async () => (await reconciles()) > n && (await settled()));
    }
    expect(manager.http.writeCount).toBe(writes);
  });

  it('Pods made Ready → Ready True with readyBrokers and observedGeneration', async () => {
    for (const pod of await podNames()) await setReady(pod);
    const s = await until('Ready True', async () => {
      const st = await status();
      return condition(st, ConditionType.Ready)?.status === 'True' ? st : undefined;
    });
    expect(s.readyBrokers).toBe(3);
    expect(s.observedGeneration).toBe(1);
    expect(s.brokers?.find((b) => b.nodeId === 3)).toEqual({ nodeId: 3, pool: 'brokers', roles: ['broker'], zone: 'zone-a', pod: 'demo-brokers-3', version: '0.1.0', ready: true });
    expect(s.version).toBe('0.1.0');
    expect(s.quorum).toEqual({ leaderId: 1, leaderEpoch: 4, voters: [0, 1, 2] });
    expect(s.operations).toBeUndefined();
  });

  it('a change needing restarts is recorded in status.operations and replaces one Pod at a time, controllers first', async () => {
    const hashes = new Map((await list('pods')).map((p) => [p.metadata!.name!, p.metadata!.annotations![POD_HASH_ANNOTATION]]));
    const uids = new Map((await list('pods')).map((p) => [p.metadata!.name!, p.metadata!.uid]));
    await patchCluster({ spec: { config: { 'log.retention.hours': 100 } } });
    const order = ['demo-controllers-0', 'demo-controllers-1', 'demo-controllers-2', 'demo-brokers-3', 'demo-brokers-4', 'demo-brokers-5'];
    const ops = await until('the RollingRestart operation', async () => (await status()).operations);
    expect(ops[0]).toMatchObject({ type: 'RollingRestart' });
    expect(ops[0]!.nodeIds!.length).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < order.length; i++) {
      const name = order[i]!;
      const replaced = await until(`${name} replaced`, async () => {
        const p = await get('pods', name);
        return p && p.metadata!.uid !== uids.get(name) ? p : undefined;
      });
      expect(replaced.metadata!.annotations![POD_HASH_ANNOTATION]).not.toBe(hashes.get(name));
      // One at a time: every Pod later in the order is still the old one.
      const pods = await list('pods');
      for (const later of order.slice(i + 1)) expect(pods.find((p) => p.metadata!.name === later)?.metadata!.uid).toBe(uids.get(later));
      // The reconcile that created the Pod writes the status next: the operation lists only the nodes still to do.
      const remaining = order.slice(i + 1).map((n) => Number(n.split('-').pop()));
      await until(`status.operations after ${name}`, async () => JSON.stringify((await status()).operations?.[0]?.nodeIds ?? []) === JSON.stringify(remaining));
      await setReady(name);
    }
    const s = await until('Ready again with no operation', async () => {
      const st = await status();
      return condition(st, 'Ready')?.status === 'True' && !st.operations && st.observedGeneration === 2 ? st : undefined;
    });
    expect(s.readyBrokers).toBe(3);
  });

  it('scale-up adds a broker with the next id, in the next zone', async () => {
    const pools = await examplePools();
    await patchCluster({ spec: { nodePools: pools.map((p) => (p.name === 'brokers' ? { ...p, replicas: 4 } : p)) } });
    const pod = await until('demo-brokers-6', async () => get('pods', 'demo-brokers-6'));
    expect(pod.metadata!.labels!['kafka.millrace.dev/node-id']).toBe('6');
    expect((pod.spec as any).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['zone-a']);
    expect((await get('configmaps', 'demo-brokers-6'))!.data!['server.properties']).toContain('node.id=6\n');
    expect(await get('persistentvolumeclaims', 'data-demo-brokers-6')).toBeDefined();
    await setReady('demo-brokers-6');
    await until('4 ready brokers', async () => (await status()).readyBrokers === 4 && condition(await status(), 'Ready')?.status === 'True');
    // The other nodes were not restarted (the voters did not change).
    expect((await list('pods')).length).toBe(7);
  });

  it('scale-down is refused while the broker holds replicas or the cluster cannot be asked; then the node goes, its volume stays', async () => {
    admin.reachable = false;
    const pools = await examplePools();
    await patchCluster({ spec: { nodePools: pools.map((p) => (p.name === 'brokers' ? { ...p, replicas: 3 } : p)) } });
    const unreachable = await until('Degraded ScaleDownBlocked (unreachable)', async () => {
      const c = condition(await status(), 'Degraded');
      return c?.status === 'True' && c.reason === 'ScaleDownBlocked' ? c : undefined;
    });
    expect(unreachable.message).toContain('cannot ask the cluster');
    admin.replicas.set(6, 2);
    admin.reachable = true;
    const held = await until('the replicas named', async () => {
      const c = condition(await status(), 'Degraded');
      return c?.message.includes('broker 6 holds 2 replicas') ? c : undefined;
    });
    expect(held.reason).toBe('ScaleDownBlocked');
    expect((await status()).operations).toEqual([expect.objectContaining({ type: 'ScaleDown', nodeIds: [6], reason: expect.stringContaining('broker 6 holds 2 replicas') })]);
    expect(await get('pods', 'demo-brokers-6')).toBeDefined();
    expect(await get('configmaps', 'demo-brokers-6')).toBeDefined();

    admin.replicas.clear();
    await until('demo-brokers-6 removed', async () => !(await get('pods', 'demo-brokers-6')) && !(await get('configmaps', 'demo-brokers-6')) && !(await get('secrets', 'demo-brokers-6-certs')));
    expect(await get('persistentvolumeclaims', 'data-demo-brokers-6')).toBeDefined();
    await until('Ready again', async () => condition(await status(), 'Ready')?.status === 'True' && (await status()).brokers?.length === 6);
    expect((await status()).operations).toBeUndefined();
  });

  it('a change of the controllers (the static quorum) is refused and changes nothing; reverting it makes the cluster Ready again', async () => {
    const pools = await examplePools();
    const writes = manager.http.writeCount;
    const before = await podNames();
    await patchCluster({ spec: { nodePools: pools.map((p) => (p.name === 'controllers' ? { ...p, replicas: 4 } : p)) } });
    const refused = await until('Degraded ControllerChangeRefused', async () => {
      const c = condition(await status(), 'Degraded');
      return c?.status === 'True' && c.reason === 'ControllerChangeRefused' ? c : undefined;
    });
    expect(refused.message).toContain('from nodes 0, 1, 2 to 0, 1, 2, 7');
    expect(await podNames()).toEqual(before);
    // Only the status and the Warning event were written: no object of the cluster was touched.
    const sent = manager.http.recentWrites.slice(-(manager.http.writeCount - writes)).map((w) => w.path);
    expect(sent.filter((p) => !p.endsWith('/status') && !p.includes('/events'))).toEqual([]);
    expect((await status()).brokers?.length).toBe(6);
    const warnings = await until('the Warning event', async () => {
      const events = await list('events', NS, 'events.k8s.io/v1');
      const found = events.filter((e) => e.reason === 'ControllerChangeRefused' && e.type === 'Warning');
      return found.length > 0 ? found : undefined;
    });
    expect(warnings).toHaveLength(1);
    expect((await list('events', NS, 'events.k8s.io/v1')).some((e) => e.reason === 'ScaleDownBlocked')).toBe(true);

    await patchCluster({ spec: { nodePools: pools } });
    await until('Ready again', async () => condition(await status(), 'Ready')?.status === 'True' && condition(await status(), 'Degraded')?.status === 'False');
    expect(await podNames()).toEqual(before);
  });

  it('the operator stopped mid-reconcile converges when started again: same ids, one cluster id', async () => {
    const crashLog = pino({ level: process.env.MILLRACE_TEST_LOG ?? 'silent' });
    const first = new Manager({ kubeConfig: kc, log: crashLog, identity: 'op-1', namespaces: ['crash'], metrics: new OperatorMetrics() });
    first.register(kafkaClusterController({ admin, operatorVersion: '0.1.0' }));
    // The first operator "dies" at its second ConfigMap write: certificates and Services written, one ConfigMap, no Pod.
    let configMapWrites = 0;
    const send = first.http.send.bind(first.http);
    first.http.send = (async (req: Parameters<typeof send>[0]) => {
      if (req.verb !== 'GET' && req.path.includes('/configmaps/') && ++configMapWrites > 1) throw new Error('simulated crash');
      return send(req);
    }) as typeof first.http.send;
    await first.start();
    const cluster = {
      apiVersion: 'kafka.millrace.dev/v1alpha1',
      kind: 'KafkaCluster',
      metadata: { name: 'crash', namespace: 'crash' },
      spec: {
        nodePools: [{ name: 'all', roles: ['controller', 'broker'], replicas: 3, zones: ['zone-a', 'zone-b', 'zone-c'], storage: { size: '1Gi' } }],
        listeners: [{ name: 'plain', port: 9092 }],
      },
    };
    await http.send({ verb: 'POST', path: '/apis/kafka.millrace.dev/v1alpha1/namespaces/crash/kafkaclusters', body: cluster });
    await until('the first operator to fail', () => configMapWrites > 1);
    await first.stop();
    const partial = await list('configmaps', 'crash');
    const firstId = partial.map((c) => c.metadata?.annotations?.[CLUSTER_ID_ANNOTATION]).find(Boolean);
    expect(firstId).toBeDefined();
    expect((await list('pods', 'crash')).length).toBe(0);

    const second = new Manager({ kubeConfig: kc, log: crashLog, identity: 'op-2', namespaces: ['crash'], metrics: new OperatorMetrics() });
    second.register(kafkaClusterController({ admin, operatorVersion: '0.1.0' }));
    await second.start();
    try {
      await until('3 Pods', async () => (await podNames('crash')).length === 3);
      expect(await podNames('crash')).toEqual(['crash-all-0', 'crash-all-1', 'crash-all-2']);
      const cms = await list('configmaps', 'crash');
      expect(cms.filter((c) => c.metadata!.name!.startsWith('crash-all-')).map((c) => c.metadata!.annotations![CLUSTER_ID_ANNOTATION])).toEqual([firstId, firstId, firstId]);
      for (const p of await podNames('crash')) await setReady(p, 'crash');
      const st = await until('crash Ready', async () => {
        const s = await status('crash', 'crash');
        return condition(s, 'Ready')?.status === 'True' ? s : undefined;
      });
      expect(st.clusterId).toBe(firstId);
      expect(st.brokers?.map((b) => b.nodeId)).toEqual([0, 1, 2]);
      expect((await list('persistentvolumeclaims', 'crash')).map((c) => c.metadata!.name).sort()).toEqual(['data-crash-all-0', 'data-crash-all-1', 'data-crash-all-2']);
    } finally {
      await second.stop();
    }
  });

  it('deleting the KafkaCluster garbage-collects what it owns; volumes with deleteClaim false stay', async () => {
    await http.send({ verb: 'DELETE', path: `/apis/kafka.millrace.dev/v1alpha1/namespaces/${NS}/kafkaclusters/demo` });
    await until(
      'owned objects collected',
      async () =>
        (await list('pods')).length === 0 &&
        (await list('services')).length === 0 &&
        (await list('configmaps')).filter((c) => c.metadata!.name !== 'kube-root-ca.crt').length === 0 &&
        (await list('secrets')).filter((s) => s.metadata!.name!.startsWith('demo-')).length === 0 &&
        (await list('networkpolicies', NS, 'networking.k8s.io/v1')).length === 0 &&
        (await list('poddisruptionbudgets', NS, 'policy/v1')).length === 0,
      60_000,
    );
    expect((await list('persistentvolumeclaims')).length).toBe(7);
    expect(manager.cache.get(KafkaClusterType, NS, 'demo')).toBeUndefined();
  });
});
