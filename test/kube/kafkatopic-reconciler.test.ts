// The KafkaTopic reconciler on a real kube-apiserver, against a broker running as a local process
// (PLAINTEXT, one combined node): create / alter partitions / alter config / delete reach the
// broker within 2 s (each measured from the API call's return until the broker's admin API shows
// it); adoption of a matching and refusal of a mismatching existing topic; drift made on the broker
// corrected at resync and reported; Retain leaves the topic; an unreachable cluster is
// ClusterUnreachable; conditions and observedGeneration; an operator stopped right after it
// created a topic (before any status) converges with a new Manager; no writes for unchanged topics;
// the operator process itself (dist/operator/main.js) with MILLRACE_CLUSTER_ACCESS_FILE.
// Run after `npm run build` (the broker is dist/broker/main.js, the operator dist/operator/main.js).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, KafkaAdminError, type TopicDescription } from '../../broker/client/index.js';
import type { KafkaTopic } from '../../operator/api/v1alpha1/kafkatopic.js';
import { kafkaTopicController } from '../../operator/controllers/kafkatopic/kafkatopic-controller.js';
import { TOPIC_FINALIZER } from '../../operator/controllers/kafkatopic/kafkatopic-reconciler.js';
import { MANAGED_CONFIG_ANNOTATION } from '../../operator/controllers/kafkatopic/topic-plan.js';
import { startBroker, type BrokerProcess } from '../integration/broker-process.js';
import { condition, crashingAdminProvider, createClusterObject, eventsFor, GROUP, startKubeWorld, startOperator, timeUntil, VERSION, type KubeWorld } from './kafka-operator-fixture.js';
import { until } from './runtime-helpers.js';

const NS = 'topics';
const CRASH_NS = 'crash';
const PROCESS_NS = 'process';
const OPERATOR_MAIN = new URL('../../dist/operator/main.js', import.meta.url).pathname;
const RESYNC_MS = 2_000;
/** The bound: a KafkaTopic change reaches the broker within 2 s. */
const REACH_MS = 2_000;

describe('KafkaTopic reconciler (real API server, broker process)', () => {
  let w: KubeWorld;
  let broker: BrokerProcess;
  let admin: AdminClient;
  let operator: Awaited<ReturnType<typeof startOperator>>;
  const timings: Record<string, number> = {};

  const ref = { group: GROUP, version: VERSION, plural: 'kafkatopics' };
  const getTopic = async (name: string, namespace = NS) => (await w.custom.getNamespacedCustomObject({ ...ref, namespace, name })) as KafkaTopic;
  const createTopic = (name: string, spec: Partial<KafkaTopic['spec']>, namespace = NS) =>
    w.custom.createNamespacedCustomObject({ ...ref, namespace, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'KafkaTopic', metadata: { name }, spec: { clusterRef: { name: 'demo' }, replicas: 1, ...spec } } });
  const patchTopic = (name: string, ops: unknown[]) => w.custom.patchNamespacedCustomObject({ ...ref, namespace: NS, name, body: ops });
  const deleteTopic = (name: string, namespace = NS) => w.custom.deleteNamespacedCustomObject({ ...ref, namespace, name });
  const exists = async (name: string, namespace = NS) => {
    try {
      await getTopic(name, namespace);
      return true;
    } catch (err) {
      if (String(err).includes('404')) return false;
      throw err;
    }
  };
  async function describe1(name: string): Promise<TopicDescription | undefined> {
    try {
      return (await admin.describeTopics([name]))[0];
    } catch (err) {
      if (err instanceof KafkaAdminError && err.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') return undefined;
      throw err;
    }
  }
  async function overrides(name: string): Promise<Record<string, string>> {
    const entries = await admin.describeTopicConfigs(name);
    return Object.fromEntries(entries.filter((e) => e.isTopicOverride).map((e) => [e.name, e.value ?? '']));
  }
  const readyAt = async (name: string, generation: number, namespace = NS) => {
    const t = await getTopic(name, namespace);
    const ready = condition(t, 'Ready');
    return ready?.status === 'True' && ready.observedGeneration === generation && t.status?.observedGeneration === generation ? t : undefined;
  };

  beforeAll(async () => {
    broker = await startBroker({ overrides: ['num.partitions=1', 'default.replication.factor=1'] });
    admin = new AdminClient({ bootstrapServers: [broker.bootstrap], timeoutMs: 10_000 });
    w = await startKubeWorld([NS, CRASH_NS, PROCESS_NS]);
    await createClusterObject(w, NS, 'demo');
    await createClusterObject(w, NS, 'offline');
    await createClusterObject(w, CRASH_NS, 'demo');
    await createClusterObject(w, PROCESS_NS, 'demo');
    operator = await startOperator(w, {
      identity: 'topics-0',
      namespaces: [NS],
      // "offline" points at a port nothing listens on (the broker's port + 1 is not one of its listeners).
      access: { [`${NS}/demo`]: { bootstrap: broker.bootstrap }, [`${NS}/offline`]: { bootstrap: '127.0.0.1:1' } },
      controllers: [(m, a) => kafkaTopicController(m, a, { resyncMs: RESYNC_MS })],
    });
  });

  afterAll(async () => {
    console.log(`KafkaTopic → broker timings (ms): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`);
    await operator?.stop();
    admin?.close();
    await w?.api.stop();
    await broker?.stop();
  });

  it('creates the topic on the broker within 2 s, with finalizer, status and Ready at generation 1', async () => {
    await createTopic('orders', { partitions: 3, config: { 'retention.ms': 3600000, 'cleanup.policy': 'delete' } });
    timings.create = await timeUntil('orders on the broker', async () => (await describe1('orders'))?.partitions.length === 3);
    expect(timings.create).toBeLessThan(REACH_MS);
    expect(await overrides('orders')).toMatchObject({ 'retention.ms': '3600000', 'cleanup.policy': 'delete' });

    const t = await until('orders Ready at generation 1', () => readyAt('orders', 1));
    const onBroker = (await describe1('orders'))!;
    expect(t.metadata?.finalizers).toContain(TOPIC_FINALIZER);
    expect(t.metadata?.annotations?.[MANAGED_CONFIG_ANNOTATION]).toBe('cleanup.policy,retention.ms');
    expect(t.status).toMatchObject({ topicName: 'orders', topicId: onBroker.topicId, partitions: 3, replicas: 1, config: { 'retention.ms': '3600000', 'cleanup.policy': 'delete' } });
    expect(condition(t, 'Reconciling')?.status).toBe('False');
    expect(condition(t, 'Degraded')?.status).toBe('False');
    expect((await eventsFor(w, NS, 'orders')).map((e) => e.reason)).toContain('TopicCreated');
  });

  it('grows partitions on the broker within 2 s', async () => {
    await patchTopic('orders', [{ op: 'replace', path: '/spec/partitions', value: 5 }]);
    timings.partitions = await timeUntil('orders with 5 partitions', async () => (await describe1('orders'))?.partitions.length === 5);
    expect(timings.partitions).toBeLessThan(REACH_MS);
    const t = await until('orders Ready at generation 2', () => readyAt('orders', 2));
    expect(t.status?.partitions).toBe(5);
  });

  it('alters config within 2 s: a changed key is SET, a key dropped from the spec is DELETEd, a key set by others stays', async () => {
    await admin.incrementalAlterTopicConfigs('orders', [{ op: 'SET', name: 'max.message.bytes', value: '2000000' }]);
    await patchTopic('orders', [
      { op: 'replace', path: '/spec/config', value: { 'retention.ms': 7200000 } },
    ]);
    timings.config = await timeUntil('orders retention.ms 7200000 and cleanup.policy deleted', async () => {
      const o = await overrides('orders');
      return o['retention.ms'] === '7200000' && !('cleanup.policy' in o);
    });
    expect(timings.config).toBeLessThan(REACH_MS);
    expect((await overrides('orders'))['max.message.bytes']).toBe('2000000');
    const t = await until('orders Ready at generation 3', () => readyAt('orders', 3));
    expect(t.metadata?.annotations?.[MANAGED_CONFIG_ANNOTATION]).toBe('retention.ms');
    expect(t.status?.config).toEqual({ 'retention.ms': '7200000', 'max.message.bytes': '2000000' });
    const updates = (await eventsFor(w, NS, 'orders')).filter((e) => e.reason === 'TopicUpdated').map((e) => e.note);
    expect(updates).toContainEqual(expect.stringContaining('cleanup.policy: removed (was delete)'));
  });

  it('corrects drift made on the broker at the next resync and reports it (Event and Ready message)', async () => {
    await admin.incrementalAlterTopicConfigs('orders', [{ op: 'SET', name: 'retention.ms', value: '1000' }]);
    await until('drift corrected', async () => (await overrides('orders'))['retention.ms'] === '7200000', RESYNC_MS * 5);
    const drift = await until('a TopicDriftCorrected event', async () => (await eventsFor(w, NS, 'orders')).find((e) => e.reason === 'TopicDriftCorrected'));
    expect(drift.type).toBe('Warning');
    expect(drift.note).toContain('retention.ms: 1000 -> 7200000');
    const t = await until('Ready message naming the correction', async () => {
      const got = await getTopic('orders');
      return condition(got, 'Ready')?.message.includes('drift corrected: retention.ms: 1000 -> 7200000') ? got : undefined;
    });
    expect(condition(t, 'Ready')?.status).toBe('True');
    expect(t.status?.observedGeneration).toBe(3);
  });

  it('adopts an existing topic that matches the spec (same topic id, nothing recreated)', async () => {
    const [created] = await admin.createTopics([{ name: 'existing-ok', partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '60000', 'segment.ms': '600000' } }]);
    await createTopic('existing-ok', { partitions: 2, config: { 'retention.ms': 60000 } });
    const t = await until('existing-ok Ready', () => readyAt('existing-ok', 1));
    expect(t.status?.topicId).toBe(created!.topicId);
    // The key set by someone else stays, and is reported.
    expect(t.status?.config).toEqual({ 'retention.ms': '60000', 'segment.ms': '600000' });
    expect((await eventsFor(w, NS, 'existing-ok')).map((e) => e.reason)).toContain('TopicAdopted');
  });

  it('refuses to adopt an existing topic that differs: Ready=False TopicExistsMismatch, the broker untouched', async () => {
    await admin.createTopics([{ name: 'existing-bad', partitions: 4, replicationFactor: 1, configs: { 'retention.ms': '60000' } }]);
    await createTopic('existing-bad', { partitions: 2, config: { 'retention.ms': 120000 } });
    const t = await until('existing-bad TopicExistsMismatch', async () => {
      const got = await getTopic('existing-bad');
      return condition(got, 'Ready')?.reason === 'TopicExistsMismatch' ? got : undefined;
    });
    expect(condition(t, 'Ready')?.status).toBe('False');
    expect(condition(t, 'Ready')?.message).toContain('partitions: topic has 4, spec wants 2');
    expect(condition(t, 'Ready')?.message).toContain('config retention.ms: topic has 60000, spec wants 120000');
    expect(t.status?.observedGeneration).toBe(1);
    expect(t.status).toMatchObject({ topicName: 'existing-bad', partitions: 4, replicas: 1, config: { 'retention.ms': '60000' } });
    expect(t.status?.topicId).toBeUndefined();
    expect((await describe1('existing-bad'))?.partitions.length).toBe(4);
    expect((await overrides('existing-bad'))['retention.ms']).toBe('60000');
    // Deleting a KafkaTopic that never owned the topic leaves the topic alone.
    await deleteTopic('existing-bad');
    await until('existing-bad object gone', async () => !(await exists('existing-bad')));
    expect(await describe1('existing-bad')).toBeDefined();
  });

  it('a reconcile of unchanged topics writes nothing to the API server', async () => {
    await until('orders and existing-ok Ready', async () => (await readyAt('orders', 3)) && (await readyAt('existing-ok', 1)));
    const reconciles = async () => (await operator.manager.metrics.registry.getSingleMetric('controller_runtime_reconcile_total')?.get())?.values.filter((v) => v.labels.controller === 'kafkatopic').reduce((n, v) => n + v.value, 0) ?? 0;
    // Let the writes of the last changes settle (a status write wakes one more reconcile).
    let before = await reconciles();
    await until('two more reconciles', async () => (await reconciles()) >= before + 2, RESYNC_MS * 5);
    const writes = operator.manager.http.writeCount;
    before = await reconciles();
    await until('two resyncs of every topic', async () => (await reconciles()) >= before + 4, RESYNC_MS * 5);
    expect(operator.manager.http.writeCount - writes).toBe(0);
  });

  it('deletes the topic from the broker within 2 s (deletionPolicy Delete), then the object goes', async () => {
    await deleteTopic('orders');
    timings.delete = await timeUntil('orders gone from the broker', async () => (await describe1('orders')) === undefined);
    expect(timings.delete).toBeLessThan(REACH_MS);
    await until('orders object gone (finalizer removed)', async () => !(await exists('orders')));
  });

  it('Retain leaves the topic in Kafka when the KafkaTopic is deleted', async () => {
    await createTopic('kept', { partitions: 1, deletionPolicy: 'Retain' });
    const t = await until('kept Ready', () => readyAt('kept', 1));
    await deleteTopic('kept');
    await until('kept object gone', async () => !(await exists('kept')));
    expect((await describe1('kept'))?.topicId).toBe(t.status?.topicId);
  });

  it('an unreachable cluster is Ready=False ClusterUnreachable; a missing one ClusterNotFound', async () => {
    await createTopic('lost', { clusterRef: { name: 'offline' } });
    const lost = await until('lost ClusterUnreachable', async () => {
      const got = await getTopic('lost');
      return condition(got, 'Ready')?.reason === 'ClusterUnreachable' ? got : undefined;
    }, 30_000);
    expect(condition(lost, 'Ready')?.status).toBe('False');
    expect(condition(lost, 'Ready')?.message).toContain('127.0.0.1:1');
    await createTopic('nowhere', { clusterRef: { name: 'absent' } });
    const nowhere = await until('nowhere ClusterNotFound', async () => {
      const got = await getTopic('nowhere');
      return condition(got, 'Ready')?.reason === 'ClusterNotFound' ? got : undefined;
    });
    expect(condition(nowhere, 'Ready')?.status).toBe('False');
    // The cluster is deleted: the finalizer is given up, the objects go.
    await w.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'kafkaclusters', name: 'offline' });
    await deleteTopic('lost');
    await deleteTopic('nowhere');
    await until('lost and nowhere gone', async () => !(await exists('lost')) && !(await exists('nowhere')), 30_000);
  });

  it('an operator stopped right after creating a topic (no status yet) converges with a new Manager, no error', async () => {
    // The first Manager's admin client stops the Manager's writes the moment the topic exists on
    // the broker, as if the process had been killed there: status and events never get written.
    let fenced = false;
    let first: Awaited<ReturnType<typeof startOperator>> | undefined;
    const crashing = crashingAdminProvider(broker.bootstrap, 'createTopics', () => {
      first!.manager.http.fence('killed after the create (test)');
      fenced = true;
    }, { callFirst: true });
    first = await startOperator(w, { identity: 'crash-0', namespaces: [CRASH_NS], access: crashing, controllers: [(m, a) => kafkaTopicController(m, a, { resyncMs: RESYNC_MS })] });
    await createTopic('payments', { partitions: 2, config: { 'retention.ms': 86400000 } }, CRASH_NS);
    await until('the first operator killed after the create', () => fenced);
    await first.stop();
    const onBroker = (await describe1('payments'))!;
    expect(onBroker.partitions).toHaveLength(2);
    expect((await getTopic('payments', CRASH_NS)).status).toBeUndefined();

    const second = await startOperator(w, {
      identity: 'crash-1',
      namespaces: [CRASH_NS],
      access: { [`${CRASH_NS}/demo`]: { bootstrap: broker.bootstrap } },
      controllers: [(m, a) => kafkaTopicController(m, a, { resyncMs: RESYNC_MS })],
    });
    try {
      const t = await until('payments Ready under the new operator', () => readyAt('payments', 1, CRASH_NS));
      expect(t.status?.topicId).toBe(onBroker.topicId);
      expect(condition(t, 'Degraded')?.status).toBe('False');
      const errors = (await second.manager.metrics.reconcileErrors.get()).values.filter((v) => v.labels.controller === 'kafkatopic');
      expect(errors.reduce((n, v) => n + v.value, 0)).toBe(0);
    } finally {
      await second.stop();
    }
  });

  it('the operator process (dist/operator/main.js) reaches a local broker through MILLRACE_CLUSTER_ACCESS_FILE', async () => {
    if (!existsSync(OPERATOR_MAIN)) throw new Error(`${OPERATOR_MAIN} is missing: run \`npm run build\` first`);
    const dir = mkdtempSync(join(tmpdir(), 'millrace-access-'));
    const accessFile = join(dir, 'cluster-access.json');
    writeFileSync(accessFile, JSON.stringify({ [`${PROCESS_NS}/demo`]: { bootstrap: broker.bootstrap } }));
    const child = spawn(process.execPath, [OPERATOR_MAIN], {
      env: { ...process.env, KUBECONFIG: w.api.kubeconfigPath, POD_NAME: 'op-process-0', MILLRACE_LEADER_ELECT: 'false', MILLRACE_WATCH_NAMESPACES: PROCESS_NS, MILLRACE_HEALTH_PORT: '0', MILLRACE_CLUSTER_ACCESS_FILE: accessFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await createTopic('audit', { partitions: 2 }, PROCESS_NS);
      await until('audit on the broker', async () => (await describe1('audit'))?.partitions.length === 2, 30_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\noperator output:\n${out.slice(-3000)}`);
      });
      await until('audit Ready', () => readyAt('audit', 1, PROCESS_NS), 30_000);
      expect(out).toContain('MILLRACE_CLUSTER_ACCESS_FILE');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
