// External listeners (nodeport, loadbalancer) of the KafkaCluster reconciler on a real
// kube-apiserver: the per-broker Services get their nodePorts from the API server, the test plays
// the kubelet (a Pod's status.hostIP) and the cloud's load balancer controller (a Service's
// status.loadBalancer.ingress) through the status subresource.
import type { KubeConfig } from '@kubernetes/client-node';
import { X509Certificate } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../broker/client/index.js';
import type { KafkaCluster, KafkaClusterStatus } from '../../operator/api/v1alpha1/kafkacluster.js';
import { kafkaClusterController } from '../../operator/controllers/kafkacluster/controller.js';
import { findCondition } from '../../operator/runtime/conditions.js';
import type { Controller } from '../../operator/runtime/controller.js';
import { ContentType, KubeHttp } from '../../operator/runtime/kube-http.js';
import { Manager } from '../../operator/runtime/manager.js';
import { OperatorMetrics } from '../../operator/runtime/metrics.js';
import type { KubeObject } from '../../operator/runtime/resource-type.js';
import type { ApiServer } from './api-server.js';
import { startKubeWorld } from './kafka-operator-fixture.js';
import { until } from './runtime-helpers.js';

const NS = 'ext';

interface Item extends KubeObject {
  spec?: Record<string, any>;
  data?: Record<string, string>;
  status?: Record<string, any>;
}

/** No broker answers (no Pod runs): the quorum is never described, nothing is scaled down. */
const unreachableAdmin = {
  adminFor: async (): Promise<AdminClient> => {
    throw new Error('connection refused');
  },
  forget: async () => {},
};

function cluster(name: string, type: 'nodeport' | 'loadbalancer') {
  return {
    apiVersion: 'kafka.millrace.dev/v1alpha1',
    kind: 'KafkaCluster',
    metadata: { name, namespace: NS },
    spec: {
      nodePools: [
        { name: 'controllers', roles: ['controller'], replicas: 1, storage: { size: '1Gi' } },
        { name: 'brokers', roles: ['broker'], replicas: 2, storage: { size: '1Gi' } },
      ],
      listeners: [
        { name: 'plain', port: 9092 },
        { name: 'ext', port: 9094, type, tls: true },
      ],
    },
  };
}

describe('KafkaCluster external listeners on a real API server', () => {
  let api: ApiServer;
  let http: KubeHttp;
  let manager: Manager;
  let controller: Controller;

  const list = async (plural: string): Promise<Item[]> => (await http.get<{ items: Item[] }>(`/api/v1/namespaces/${NS}/${plural}`)).items;
  const get = async (plural: string, name: string): Promise<Item | undefined> => (await list(plural)).find((o) => o.metadata?.name === name);
  const status = async (name: string): Promise<KafkaClusterStatus> =>
    (await http.get<KafkaCluster>(`/apis/kafka.millrace.dev/v1alpha1/namespaces/${NS}/kafkaclusters/${name}`)).status ?? {};
  const podNames = async (clusterName: string) =>
    (await list('pods'))
      .map((p) => p.metadata!.name!)
      .filter((n) => n.startsWith(`${clusterName}-`))
      .sort();
  const patchStatus = async (plural: string, name: string, statusPatch: Record<string, unknown>) =>
    http.send({ verb: 'PATCH', path: `/api/v1/namespaces/${NS}/${plural}/${name}/status`, body: { status: statusPatch }, contentType: ContentType.mergePatch });
  const brokerEnv = (pod: Item) => (pod.spec!.containers[0].env ?? []) as { name: string; value?: string; valueFrom?: unknown }[];
  const certificateSans = async (secretName: string) => {
    const secret = await get('secrets', secretName);
    return secret ? new X509Certificate(Buffer.from(secret.data!['tls.crt']!, 'base64')).subjectAltName ?? '' : '';
  };
  const reconciles = async () => (await manager.metrics.reconcileTotal.get()).values.filter((v) => v.labels.controller === 'kafkacluster').reduce((s, v) => s + v.value, 0);
  const settled = async (name: string) => controller.workQueue!.length === 0 && !controller.workQueue!.isProcessing(`KafkaCluster/${NS}/${name}`);

  beforeAll(async () => {
    let kc: KubeConfig;
    ({ api, kc } = await startKubeWorld([NS], { serviceAccounts: true }));
    http = new KubeHttp(kc);
    manager = new Manager({
      kubeConfig: kc,
      log: pino({ level: process.env.MILLRACE_TEST_LOG ?? 'silent' }),
      identity: 'op-0',
      namespaces: [NS],
      metrics: new OperatorMetrics(),
    });
    controller = manager.register(kafkaClusterController({ admin: unreachableAdmin, operatorVersion: '0.1.0', addressRetryAfterMs: 500 }));
    await manager.start();
  });

  afterAll(async () => {
    await manager?.stop();
    await api?.stop();
  });

  it('nodeport: brokers advertise $(HOST_IP):<their Service nodePort>; a scheduled Pod puts its hostIP in its certificate and the status', async () => {
    await until('the nodeport cluster created', async () => {
      await http.send({ verb: 'POST', path: `/apis/kafka.millrace.dev/v1alpha1/namespaces/${NS}/kafkaclusters`, body: cluster('np', 'nodeport') });
      return true;
    });
    await until('3 Pods', async () => JSON.stringify(await podNames('np')) === JSON.stringify(['np-brokers-1', 'np-brokers-2', 'np-controllers-0']));

    const nodePorts = new Map<number, number>();
    for (const id of [1, 2]) {
      const svc = (await get('services', `np-ext-${id}`))!;
      expect(svc.spec!.type).toBe('NodePort');
      const nodePort = svc.spec!.ports[0].nodePort as number;
      expect(nodePort).toBeGreaterThan(0);
      nodePorts.set(id, nodePort);
      const pod = (await get('pods', `np-brokers-${id}`))!;
      expect(brokerEnv(pod)).toEqual([
        { name: 'HOST_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } },
        {
          name: 'MILLRACE_ADVERTISED_LISTENERS',
          value: `REPLICATION://np-brokers-${id}.np-nodes.${NS}.svc:9091,PLAIN://np-brokers-${id}.np-nodes.${NS}.svc:9092,EXT://$(HOST_IP):${nodePort}`,
        },
      ]);
      const props = (await get('configmaps', `np-brokers-${id}`))!.data!['server.properties']!;
      expect(props).not.toContain('advertised.listeners=');
      expect(props).toContain('# advertised.listeners is set by the Pod');
    }
    expect(nodePorts.get(1)).not.toBe(nodePorts.get(2));
    // The controller opens no client listener: nothing to advertise from the environment.
    expect(brokerEnv((await get('pods', 'np-controllers-0'))!)).toEqual([]);
    expect((await status('np')).listeners).toEqual([
      { name: 'plain', type: 'internal', bootstrapServers: `np-bootstrap.${NS}.svc:9092` },
      { name: 'ext', type: 'nodeport', bootstrapServers: '' },
    ]);
    expect(await certificateSans('np-brokers-1-certs')).not.toContain('IP Address');

    // The kubelet's part: the Pod is scheduled on a node with this address.
    const uid = (await get('pods', 'np-brokers-1'))!.metadata!.uid;
    await patchStatus('pods', 'np-brokers-1', { hostIP: '10.0.0.11', hostIPs: [{ ip: '10.0.0.11' }] });
    await until('the IP SAN in np-brokers-1-certs', async () => (await certificateSans('np-brokers-1-certs')).includes('IP Address:10.0.0.11'));
    expect(await certificateSans('np-brokers-1-certs')).toContain(`DNS:np-brokers-1.np-nodes.${NS}.svc`);
    expect(await certificateSans('np-brokers-2-certs')).not.toContain('IP Address');
    const s = await until('status lists the known address', async () => {
      const st = await status('np');
      return st.listeners?.[1]?.bootstrapServers ? st : undefined;
    });
    expect(s.listeners?.[1]).toEqual({ name: 'ext', type: 'nodeport', bootstrapServers: `10.0.0.11:${nodePorts.get(1)}` });
    // The certificate is re-read by the broker: the Pod is not replaced.
    expect((await get('pods', 'np-brokers-1'))!.metadata!.uid).toBe(uid);
  });

  it('loadbalancer: no broker Pod until the Service has an address; then the brokers advertise it and the status lists it', async () => {
    await until('the loadbalancer cluster created', async () => {
      await http.send({ verb: 'POST', path: `/apis/kafka.millrace.dev/v1alpha1/namespaces/${NS}/kafkaclusters`, body: cluster('lb', 'loadbalancer') });
      return true;
    });
    const waiting = await until('Reconciling WaitingForExternalAddresses', async () => {
      const c = findCondition((await status('lb')).conditions, 'Reconciling');
      return c?.reason === 'WaitingForExternalAddresses' ? c : undefined;
    });
    expect(waiting.message).toContain('lb-ext-1, lb-ext-2');
    await until('the controller Pod', async () => (await podNames('lb')).includes('lb-controllers-0'));
    expect((await get('services', 'lb-ext-1'))!.spec!.type).toBe('LoadBalancer');
    // Several reconciles later (the requeue is 500 ms), still no broker Pod.
    const n = await reconciles();
    await until('two more reconciles', async () => (await reconciles()) >= n + 2);
    expect(await podNames('lb')).toEqual(['lb-controllers-0']);

    // The cloud's part: the load balancers get their addresses.
    await patchStatus('services', 'lb-ext-1', { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } });
    await patchStatus('services', 'lb-ext-2', { loadBalancer: { ingress: [{ hostname: 'lb-2.example.com' }] } });
    await until('3 Pods', async () => (await podNames('lb')).length === 3);
    const props = (await get('configmaps', 'lb-brokers-1'))!.data!['server.properties']!;
    expect(props).toContain(`advertised.listeners=REPLICATION://lb-brokers-1.lb-nodes.${NS}.svc:9091,PLAIN://lb-brokers-1.lb-nodes.${NS}.svc:9092,EXT://203.0.113.10:9094\n`);
    expect((await get('configmaps', 'lb-brokers-2'))!.data!['server.properties']).toContain('EXT://lb-2.example.com:9094\n');
    expect(brokerEnv((await get('pods', 'lb-brokers-1'))!)).toEqual([]);
    expect(await certificateSans('lb-brokers-1-certs')).toContain('IP Address:203.0.113.10');
    expect(await certificateSans('lb-brokers-2-certs')).toContain('DNS:lb-2.example.com');
    const s = await until('status lists both addresses', async () => {
      const st = await status('lb');
      return st.listeners?.[1]?.bootstrapServers.includes(',') ? st : undefined;
    });
    expect(s.listeners?.[1]).toEqual({ name: 'ext', type: 'loadbalancer', bootstrapServers: '203.0.113.10:9094,lb-2.example.com:9094' });
    expect(findCondition(s.conditions, 'Reconciling')?.reason).toBe('NodesNotReady');
  });

  it('a second reconcile of both unchanged clusters writes nothing', async () => {
    await until('settled', async () => (await settled('np')) && (await settled('lb')));
    const writes = manager.http.writeCount;
    for (const name of ['np', 'lb']) {
      const n = await reconciles();
      controller.enqueueKey(`KafkaCluster/${NS}/${name}`);
      await until(`the forced reconcile of ${name}`, async () => (await reconciles()) > n && (await settled(name)));
    }
    expect(manager.http.writeCount).toBe(writes);
  });

  it("a load balancer's new address is a configuration change: the broker's Pod is due for replacement", async () => {
    const hash = (await get('pods', 'lb-brokers-1'))!.metadata!.annotations!['kafka.millrace.dev/pod-hash'];
    await patchStatus('services', 'lb-ext-1', { loadBalancer: { ingress: [{ ip: '203.0.113.99' }] } });
    await until('the new address in server.properties', async () => (await get('configmaps', 'lb-brokers-1'))!.data!['server.properties']!.includes('EXT://203.0.113.99:9094\n'));
    const ops = await until('a RollingRestart of node 1', async () => (await status('lb')).operations);
    expect(ops).toEqual([expect.objectContaining({ type: 'RollingRestart', nodeIds: [1] })]);
    // No node is Ready (no kubelet): the replacement waits its turn, the old Pod stays meanwhile.
    expect((await get('pods', 'lb-brokers-1'))!.metadata!.annotations!['kafka.millrace.dev/pod-hash']).toBe(hash);
    await until('the new IP SAN', async () => (await certificateSans('lb-brokers-1-certs')).includes('IP Address:203.0.113.99'));
    expect(await certificateSans('lb-brokers-1-certs')).not.toContain('203.0.113.10');
    expect((await status('lb')).listeners?.[1]?.bootstrapServers).toBe('203.0.113.99:9094,lb-2.example.com:9094');
  });
});
