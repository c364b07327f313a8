// The generated CRDs (crds/, from operator/api/v1alpha1) on a real kube-apiserver:
// they install and become Established, the examples are accepted with defaults filled,
// invalid objects are refused by the schema and the CEL rules with clear messages,
// status is a subresource, and kubectl shows the printer columns.
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApiServer, type ApiServer } from './api-server.js';
import { until } from './runtime-helpers.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const GROUP = 'kafka.millrace.dev';
const VERSION = 'v1alpha1';
const NS = 'crds-test';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; [k: string]: unknown }; spec: any; status?: any };

const example = (file: string): Obj => parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')) as Obj;
const crdFiles = readdirSync(join(repoRoot, 'crds')).filter((f) => f.endsWith('.yaml'));

// A deep copy of `base` with `edit` applied and a new name.
function variant(base: Obj, name: string, edit: (o: Obj) => void): Obj {
  const copy = structuredClone(base);
  copy.metadata = { name };
  edit(copy);
  return copy;
}

const plural = (o: Obj) => `${o.kind.toLowerCase()}s`;

describe('CRDs on kube-apiserver', () => {
  let api: ApiServer;
  let ext: ApiextensionsV1Api;
  let custom: CustomObjectsApi;

  const ref = (o: Obj) => ({ group: GROUP, version: VERSION, namespace: NS, plural: plural(o) });
  const create = async (o: Obj) => (await custom.createNamespacedCustomObject({ ...ref(o), body: o })) as Obj;
  const get = async (o: Obj) => (await custom.getNamespacedCustomObject({ ...ref(o), name: o.metadata.name })) as Obj;
  const replace = async (o: Obj) => (await custom.replaceNamespacedCustomObject({ ...ref(o), name: o.metadata.name, body: o })) as Obj;
  const replaceStatus = async (o: Obj) =>
    (await custom.replaceNamespacedCustomObjectStatus({ ...ref(o), name: o.metadata.name, body: o })) as Obj;

  // The API server's message for a refused request; fails if the request succeeds.
  async function refusal(request: Promise<unknown>): Promise<string> {
    try {
      await request;
    } catch (e) {
      if (!(e instanceof ApiException)) throw e;
      expect(e.code, String(e.body)).toBe(422);
      return (JSON.parse(e.body as string) as { message: string }).message;
    }
    throw new Error('the API server accepted an object it should refuse');
  }

  async function establish(name: string) {
    await until(`${name} to be Established`, async () => {
      const got = await ext.readCustomResourceDefinition({ name });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    });
  }

  beforeAll(async () => {
    api = await startApiServer({ tools: inject('kubeTools') });
    const kc = new KubeConfig();
    kc.loadFromFile(api.kubeconfigPath);
    ext = kc.makeApiClient(ApiextensionsV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('installs with kubectl apply -f crds/ (client-side apply: the last-applied annotation fits)', async () => {
    expect(crdFiles).toHaveLength(3);
    const out = await api.kubectl(['apply', '-f', join(repoRoot, 'crds')]);
    for (const f of crdFiles) expect(out).toContain(`customresourcedefinition.apiextensions.k8s.io/${f.replace(/\.yaml$/, '')} created`);
    for (const f of crdFiles) await establish(f.replace(/\.yaml$/, ''));
    // Applying again changes nothing; server-side apply (Helm, the operator) takes them too.
    expect(await api.kubectl(['apply', '-f', join(repoRoot, 'crds')])).toMatch(/(unchanged\n.*){3}/s);
    expect(await api.kubectl(['apply', '--server-side', '-f', join(repoRoot, 'crds')])).toMatch(/(serverside-applied\n.*){3}/s);
  });

  it('installs with @kubernetes/client-node', async () => {
    // Delete one and create it again through client-node.
    const name = `kafkausers.${GROUP}`;
    await ext.deleteCustomResourceDefinition({ name });
    await until('the CRD to be gone', async () => {
      try {
        await ext.readCustomResourceDefinition({ name });
        return undefined;
      } catch (e) {
        return e instanceof ApiException && e.code === 404 ? true : undefined;
      }
    });
    // client-node serializes typed models: a plain parsed object would lose every
    // x-kubernetes-* key under `properties` (they are xKubernetes* attributes in its
    // model). loadYaml deserializes into the model first.
    const text = readFileSync(join(repoRoot, 'crds', `${name}.yaml`), 'utf8');
    await ext.createCustomResourceDefinition({ body: loadYaml<V1CustomResourceDefinition>(text) });
    await establish(name);
    const stored = JSON.parse(await api.kubectl(['get', 'crd', name, '-o', 'json']));
    expect(stored.spec.versions[0].schema).toEqual(parse(text).spec.versions[0].schema);
  });

  it('accepts the examples and fills the defaults', async () => {
    for (const file of ['kafka-cluster.yaml', 'kafka-topic.yaml', 'kafka-user.yaml']) {
      // A fresh CRD's discovery can lag Established by a moment: retry the first apply.
      await until(`kubectl apply ${file}`, async () => api.kubectl(['-n', NS, 'apply', '-f', join(repoRoot, 'examples', file)]));
    }
    const cluster = await get(example('kafka-cluster.yaml'));
    expect(cluster.spec.listeners[0]).toMatchObject({ name: 'internal', type: 'internal', tls: true });
    expect(cluster.spec.nodePools[0].storage).toEqual({ size: '10Gi', deleteClaim: false });
    expect(cluster.spec.certificateAuthorities).toEqual({
      cluster: { validityDays: 365, renewalDays: 30 },
      clients: { validityDays: 365, renewalDays: 30 },
    });
    expect(cluster.spec.config['min.insync.replicas']).toBe(2);

    const topic = await get(example('kafka-topic.yaml'));
    expect(topic.spec).toMatchObject({ partitions: 6, replicas: 3, deletionPolicy: 'Delete' });

    const user = await get(example('kafka-user.yaml'));
    expect(user.spec.authorization.acls[0]).toEqual({
      resource: { type: 'topic', name: 'orders', patternType: 'literal' },
      operations: ['Describe', 'Read', 'Write'],
      host: '*',
      type: 'allow',
    });

    // A minimal topic gets partitions 1, replicas 3, deletionPolicy Delete.
    const minimal = await create({ apiVersion: `${GROUP}/${VERSION}`, kind: 'KafkaTopic', metadata: { name: 'minimal' }, spec: { clusterRef: { name: 'demo' } } });
    expect(minimal.spec).toEqual({ clusterRef: { name: 'demo' }, partitions: 1, replicas: 3, deletionPolicy: 'Delete' });
  });

  describe('refuses invalid objects on create, with a clear message', () => {
    const cluster = example('kafka-cluster.yaml');
    const topic = example('kafka-topic.yaml');
    const user = example('kafka-user.yaml');

    const cases: [string, Obj, RegExp][] = [
      ['a string where an integer goes', variant(topic, 't1', (t) => (t.spec.partitions = 'six')), /spec\.partitions: Invalid value: "string": spec\.partitions in body must be of type integer/],
      ['partitions out of range', variant(topic, 't2', (t) => (t.spec.partitions = 0)), /spec\.partitions: Invalid value: 0: spec\.partitions in body should be greater than or equal to 1/],
      ['a topic name with a slash', variant(topic, 't3', (t) => (t.spec.topicName = 'orders/eu')), /spec\.topicName in body should match '\^\[a-zA-Z0-9\._-\]\+\$'/],
      ['a topic name of Kafka itself', variant(topic, 't4', (t) => (t.spec.topicName = '__consumer_offsets')), /spec\.topicName: Invalid value: "string": topic names starting with __ are internal to Kafka/],
      ['a topic name Kafka cannot take', variant(topic, 't'.repeat(250), () => {}), /metadata\.name is the topic name and Kafka allows at most 249 characters: set spec\.topicName/],
      ['a role given twice', variant(cluster, 'c13', (c) => (c.spec.nodePools[0].roles = ['controller', 'controller'])), /spec\.nodePools\[0\]\.roles\[1\]: Duplicate value: "controller"/],
      ['no clusterRef', variant(topic, 't5', (t) => delete t.spec.clusterRef), /spec\.clusterRef: Required value/],
      ['an unknown listener type', variant(cluster, 'c1', (c) => (c.spec.listeners[0].type = 'ingress')), /spec\.listeners\[0\]\.type: Unsupported value: "ingress": supported values: "internal", "nodeport", "loadbalancer"/],
      ['a listener port out of range', variant(cluster, 'c2', (c) => (c.spec.listeners[0].port = 80)), /spec\.listeners\[0\]\.port: Invalid value: 80: spec\.listeners\[0\]\.port in body should be greater than or equal to 1024/],
      ['tls authentication without tls', variant(cluster, 'c3', (c) => (c.spec.listeners[0] = { name: 'mtls', port: 9094, authentication: { type: 'tls' } })), /spec\.listeners\[0\]: Invalid value: "object": a listener with tls authentication needs tls: true/],
      ['two listeners on one port', variant(cluster, 'c4', (c) => c.spec.listeners.push({ name: 'plain', port: 9093 })), /spec\.listeners: Invalid value: "array": listener ports must be unique/],
      ['two listeners with one name', variant(cluster, 'c5', (c) => c.spec.listeners.push({ name: 'internal', port: 9095 })), /spec\.listeners\[1\]: Duplicate value: \{"name":"internal"\}/],
      ['a reserved listener name', variant(cluster, 'c6', (c) => (c.spec.listeners[0].name = 'controller')), /spec\.listeners\[0\]\.name: Invalid value: "string": listener names controller and replication are reserved/],
      ['no controller pool', variant(cluster, 'c7', (c) => (c.spec.nodePools = [c.spec.nodePools[1]])), /spec: Invalid value: "object": at least one node pool needs the controller role and replicas > 0/],
      ['an operator-owned config key', variant(cluster, 'c8', (c) => (c.spec.config['log.dirs'] = '/data')), /spec\.config: Invalid value: "object": config sets keys the operator manages \(listeners, advertised\.listeners, log\.dirs/],
      ['a controller.quorum.* config key', variant(cluster, 'c9', (c) => (c.spec.config['controller.quorum.voters'] = '1@a:9090')), /config sets keys the operator manages/],
      ['a CA renewed before it is issued', variant(cluster, 'c10', (c) => (c.spec.certificateAuthorities = { cluster: { validityDays: 10, renewalDays: 30 } })), /spec\.certificateAuthorities\.cluster: Invalid value: "object": renewalDays must be smaller than validityDays/],
      ['a bad storage size', variant(cluster, 'c11', (c) => (c.spec.nodePools[0].storage.size = '10 gigs')), /spec\.nodePools\[0\]\.storage\.size in body should match/],
      ['a resource quantity that is not one', variant(cluster, 'c14', (c) => (c.spec.nodePools[0].resources.requests.cpu = 'lots')), /spec\.nodePools\[0\]\.resources\.requests\.cpu in body should match/],
      ['a negative quota', variant(user, 'u4', (u) => (u.spec.quotas.producerByteRate = -1)), /spec\.quotas\.producerByteRate: Invalid value: -1: spec\.quotas\.producerByteRate in body should be greater than or equal to 0/],
      ['a super user without User:', variant(cluster, 'c12', (c) => (c.spec.authorization.superUsers = ['admin'])), /spec\.authorization\.superUsers\[0\] in body should match '\^User:/],
      ['a cluster name too long for Pod names', variant(cluster, 'c'.repeat(41), () => {}), /a KafkaCluster name is at most 40 characters/],
      ['an ACL on the cluster with a name', variant(user, 'u1', (u) => (u.spec.authorization.acls[0].resource = { type: 'cluster', name: 'x' })), /spec\.authorization\.acls\[0\]\.resource: Invalid value: "object": name is required for every resource type but cluster, and not allowed for cluster/],
      ['a password with tls authentication', variant(user, 'u2', (u) => (u.spec.authentication = { type: 'tls', password: { secretKeyRef: { name: 's', key: 'p' } } })), /spec\.authentication: Invalid value: "object": password is only used with scram-sha-512 authentication/],
      ['an unknown ACL operation', variant(user, 'u3', (u) => (u.spec.authorization.acls[0].operations = ['Read', 'Steal'])), /spec\.authorization\.acls\[0\]\.operations\[1\]: Unsupported value: "Steal"/],
    ];

    it.each(cases)('%s', async (_what, body, message) => {
      expect(await refusal(create(body))).toMatch(message);
    });
  });

  describe('refuses forbidden changes (CEL transition rules), with a clear message', () => {
    const cases: [string, string, (o: Obj) => void, RegExp][] = [
      ['fewer partitions', 'kafka-topic.yaml', (t) => (t.spec.partitions = 3), /spec\.partitions: Invalid value: "integer": partitions can only be increased/],
      ['other replicas', 'kafka-topic.yaml', (t) => (t.spec.replicas = 2), /spec\.replicas: Invalid value: "integer": replicas is immutable in v1alpha1/],
      ['another cluster', 'kafka-topic.yaml', (t) => (t.spec.clusterRef.name = 'other'), /spec\.clusterRef: Invalid value: "object": clusterRef is immutable/],
      ['a topic name set later', 'kafka-topic.yaml', (t) => (t.spec.topicName = 'orders-v2'), /spec: Invalid value: "object": topicName is immutable/],
      ['a node pool changing roles', 'kafka-cluster.yaml', (c) => (c.spec.nodePools[1].roles = ['broker', 'controller']), /spec\.nodePools\[1\]\.roles: Invalid value: "array": roles of a node pool are immutable/],
      ['a node pool changing storage class', 'kafka-cluster.yaml', (c) => (c.spec.nodePools[1].storage.storageClassName = 'fast'), /spec\.nodePools\[1\]\.storage: Invalid value: "object": storageClassName is immutable/],
      ['a volume shrinking', 'kafka-cluster.yaml', (c) => (c.spec.nodePools[1].storage.size = '50Gi'), /spec\.nodePools\[1\]\.storage: Invalid value: "object": storage size can only grow/],
      ['another user cluster', 'kafka-user.yaml', (u) => (u.spec.clusterRef.name = 'other'), /spec\.clusterRef: Invalid value: "object": clusterRef is immutable/],
    ];

    it.each(cases)('%s', async (_what, file, edit, message) => {
      const current = await get(example(file));
      edit(current);
      expect(await refusal(replace(current))).toMatch(message);
    });

    it('allows the changes the rules permit', async () => {
      const topic = await get(example('kafka-topic.yaml'));
      topic.spec.partitions = 12;
      topic.spec.config['retention.ms'] = 86400000;
      expect((await replace(topic)).spec.partitions).toBe(12);
      const cluster = await get(example('kafka-cluster.yaml'));
      cluster.spec.nodePools[1].storage.size = '200Gi';
      cluster.spec.nodePools[1].replicas = 6;
      expect((await replace(cluster)).spec.nodePools[1].storage.size).toBe('200Gi');
    });
  });

  it('keeps status a subresource: spec writes leave status alone, and status writes leave spec', async () => {
    const created = await create(
      variant(example('kafka-topic.yaml'), 'sub', (t) => (t.status = { topicId: 'ignored on create' })),
    );
    expect(created.status, 'status is dropped on create').toBeUndefined();
    const generation = created.metadata.generation as number;

    const withStatus = structuredClone(created);
    withStatus.status = {
      observedGeneration: generation,
      topicName: 'sub',
      topicId: 'c2VjcmV0LXRvcGljLWlkLTE',
      partitions: 6,
      replicas: 3,
      conditions: [{ type: 'Ready', status: 'True', reason: 'TopicReady', message: 'as asked', lastTransitionTime: '2026-12-01T20:00:00Z' }],
    };
    withStatus.spec.partitions = 100; // ignored by the status subresource
    const afterStatus = await replaceStatus(withStatus);
    expect(afterStatus.spec.partitions).toBe(6);
    expect(afterStatus.status.topicId).toBe('c2VjcmV0LXRvcGljLWlkLTE');
    expect(afterStatus.metadata.generation, 'a status write does not bump the generation').toBe(generation);
    // The conditions are what kubectl wait (and Argo CD, Helm --wait hooks) read.
    expect(await api.kubectl(['-n', NS, 'wait', '--for=condition=Ready', 'kafkatopic/sub', '--timeout=10s'])).toContain('condition met');

    const specChange = structuredClone(afterStatus);
    specChange.spec.partitions = 8;
    specChange.status = { topicId: 'overwritten?' }; // ignored by the main resource
    const afterSpec = await replace(specChange);
    expect(afterSpec.spec.partitions).toBe(8);
    expect(afterSpec.status.topicId).toBe('c2VjcmV0LXRvcGljLWlkLTE');
    expect(afterSpec.metadata.generation).toBe(generation + 1);

    // The status schema is enforced too.
    const badStatus = structuredClone(afterSpec);
    badStatus.status.conditions[0].status = 'Maybe';
    expect(await refusal(replaceStatus(badStatus))).toMatch(/status\.conditions\[0\]\.status: Unsupported value: "Maybe"/);
  });

  it('shows printer columns, short names and the kafka category in kubectl get', async () => {
    const topics = await api.kubectl(['-n', NS, 'get', 'kt', 'sub']);
    expect(topics.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'CLUSTER', 'PARTITIONS', 'REPLICAS', 'READY', 'AGE']);
    expect(topics.split('\n')[1]).toMatch(/^sub\s+demo\s+8\s+3\s+True\s+\d+s$/);

    const wide = await api.kubectl(['-n', NS, 'get', 'kafkatopic', 'sub', '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/TOPIC\s+REASON/);
    expect(wide.split('\n')[1]).toMatch(/\bsub\s+TopicReady\b/);

    const clusters = await api.kubectl(['-n', NS, 'get', 'kc']);
    expect(clusters.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'BROKERS', 'VERSION', 'AGE']);

    const users = await api.kubectl(['-n', NS, 'get', 'ku']);
    expect(users.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'CLUSTER', 'AUTHENTICATION', 'READY', 'AGE']);
    expect(users).toMatch(/orders-app\s+demo\s+scram-sha-512/);

    const all = await api.kubectl(['-n', NS, 'get', 'kafka', '-o', 'name']);
    expect(all).toContain('kafkacluster.kafka.millrace.dev/demo');
    expect(all).toContain('kafkatopic.kafka.millrace.dev/orders');
    expect(all).toContain('kafkauser.kafka.millrace.dev/orders-app');
  });

  it('documents the fields for kubectl explain', async () => {
    const out = await api.kubectl(['explain', 'kafkatopic.spec.partitions']);
    expect(out).toContain('Number of partitions. Can only grow');
    const pools = await api.kubectl(['explain', 'kafkacluster.spec.nodePools.zones']);
    expect(pools).toMatch(/Each node is pinned\s+to its zone/);
  });
});
