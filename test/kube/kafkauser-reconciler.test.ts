// The KafkaUser reconciler on a real kube-apiserver (with kube-controller-manager, for garbage
// collection of the user's Secret), against a broker process that enforces what it writes:
//   - PLAINTEXT listener: the operator's connection. Its principal User:ANONYMOUS is the super user
//     (super.users) — a test-only shortcut for the mTLS super user of a real cluster; nothing but
//     this process reaches 127.0.0.1.
//   - SASL_PLAINTEXT listener with SCRAM-SHA-512: the users' logins (KafkaJS clients).
//   - StandardAuthorizer: a user may do only what its ACLs allow.
// A user logs in with the password from its Secret and may produce to its topic, and is denied on
// another; a password changed in the referenced Secret replaces the old one; an ACL rule removed
// from the spec is gone from the broker; quotas set and removed; a deleted user can no longer log
// in; a tls user gets a certificate from the clients CA.
// Run after `npm run build` (the broker is dist/broker/main.js).
import { X509Certificate } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../broker/client/index.js';
import type { KafkaUser } from '../../operator/api/v1alpha1/kafkauser.js';
import { kafkaUserController } from '../../operator/controllers/kafkauser/kafkauser-controller.js';
import { USER_FINALIZER } from '../../operator/controllers/kafkauser/kafkauser-reconciler.js';
import { createCertificateAuthority } from '../../operator/pki/certificate-authority.js';
import { startBroker, type BrokerProcess } from '../integration/broker-process.js';
import { condition, crashingAdminProvider, createClusterObject, eventsFor, GROUP, startKubeWorld, startOperator, VERSION, type KubeWorld } from './kafka-operator-fixture.js';
import { until } from './runtime-helpers.js';

const NS = 'users';
const CRASH_NS = 'crash-users';
const RESYNC_MS = 2_000;
const STANDARD_AUTHORIZER = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

type LoginResult = 'ok' | 'denied' | 'auth-failed' | string;

describe('KafkaUser reconciler (real API server, broker process enforcing SCRAM and ACLs)', () => {
  let w: KubeWorld;
  let broker: BrokerProcess;
  let admin: AdminClient;
  let saslBootstrap: string;
  let operator: Awaited<ReturnType<typeof startOperator>>;

  const ref = { group: GROUP, version: VERSION, plural: 'kafkausers' };
  const getUser = async (name: string, namespace = NS) => (await w.custom.getNamespacedCustomObject({ ...ref, namespace, name })) as KafkaUser;
  const createUser = (name: string, spec: Partial<KafkaUser['spec']>, namespace = NS) =>
    w.custom.createNamespacedCustomObject({ ...ref, namespace, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'KafkaUser', metadata: { name }, spec: { clusterRef: { name: 'demo' }, ...spec } } });
  const patchUser = (name: string, ops: unknown[]) => w.custom.patchNamespacedCustomObject({ ...ref, namespace: NS, name, body: ops });
  const secretData = async (name: string, namespace = NS): Promise<Record<string, string> | undefined> => {
    try {
      const s = await w.core.readNamespacedSecret({ namespace, name });
      return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    } catch (err) {
      if (String(err).includes('404')) return undefined;
      throw err;
    }
  };
  const readyAt = async (name: string, generation: number, namespace = NS) => {
    const u = await getUser(name, namespace);
    const ready = condition(u, 'Ready');
    return ready?.status === 'True' && u.status?.observedGeneration === generation && ready.observedGeneration === generation ? u : undefined;
  };
  const userReconciles = async () => (await operator.manager.metrics.registry.getSingleMetric('controller_runtime_reconcile_total')?.get())?.values.filter((v) => v.labels.controller === 'kafkauser').reduce((n, v) => n + v.value, 0) ?? 0;

  /** Logs in with SCRAM-SHA-512 and produces one record to topic: what happened. */
  async function produceAs(username: string, password: string, topic: string): Promise<LoginResult> {
    const kafka = new Kafka({ brokers: [saslBootstrap], clientId: `test-${username}`, sasl: { mechanism: 'scram-sha-512', username, password }, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    try {
      await producer.connect();
    } catch (err) {
      return /SASL|authenticat/i.test(String(err)) ? 'auth-failed' : `connect: ${String(err)}`;
    }
    try {
      await producer.send({ topic, messages: [{ value: 'hello' }] });
      return 'ok';
    } catch (err) {
      const type = (err as { type?: string }).type ?? '';
      return /AUTHORIZATION_FAILED/.test(type) || /not authorized/i.test(String(err)) ? 'denied' : `send: ${type} ${String(err)}`;
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  beforeAll(async () => {
    broker = await startBroker({
      overrides: [
        'listeners=PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
        'listener.name.sasl_plaintext.sasl.enabled.mechanisms=SCRAM-SHA-512',
        `authorizer.class.name=${STANDARD_AUTHORIZER}`,
        'super.users=User:ANONYMOUS',
        'num.partitions=1',
        'default.replication.factor=1',
      ],
    });
    const sasl = broker.logs.find((l) => l.msg === 'listening' && l.listener === 'SASL_PLAINTEXT');
    saslBootstrap = `127.0.0.1:${Number(sasl?.port)}`;
    admin = new AdminClient({ bootstrapServers: [broker.bootstrap], timeoutMs: 10_000 });
    await admin.createTopics([{ name: 'orders', partitions: 1, replicationFactor: 1 }, { name: 'payments', partitions: 1, replicationFactor: 1 }]);
    w = await startKubeWorld([NS, CRASH_NS]);
    await createClusterObject(w, NS, 'demo');
    await createClusterObject(w, CRASH_NS, 'demo');
    operator = await startOperator(w, {
      identity: 'users-0',
      namespaces: [NS],
      access: { [`${NS}/demo`]: { bootstrap: broker.bootstrap } },
      controllers: [(m, a) => kafkaUserController(m, a, { resyncMs: RESYNC_MS })],
    });
  });

  afterAll(async () => {
    await operator?.stop();
    admin?.close();
    await w?.api.stop();
    await broker?.stop();
  });

  const ordersWriter = [{ resource: { type: 'topic' as const, name: 'orders' }, operations: ['Write' as const, 'Describe' as const] }];

  it('a SCRAM user with a generated password logs in with its Secret, may produce to its topic and is denied on another', async () => {
    await createUser('alice', { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls: ordersWriter } });
    const u = await until('alice Ready at generation 1', () => readyAt('alice', 1));
    expect(u.status).toMatchObject({ username: 'alice', secretName: 'alice' });
    expect(u.metadata?.finalizers).toContain(USER_FINALIZER);
    const secret = (await secretData('alice'))!;
    expect(secret.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secret['sasl.jaas.config']).toBe(`org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${secret.password}";`);
    const owner = (await w.core.readNamespacedSecret({ namespace: NS, name: 'alice' })).metadata?.ownerReferences?.[0];
    expect(owner).toMatchObject({ kind: 'KafkaUser', name: 'alice', uid: u.metadata?.uid, controller: true });

    expect(await produceAs('alice', secret.password!, 'orders')).toBe('ok');
    expect(await produceAs('alice', secret.password!, 'payments')).toBe('denied');
    expect(await produceAs('alice', 'wrong-password', 'orders')).toBe('auth-failed');
    expect((await admin.describeUserScramCredentials(['alice']))[0]?.credentials).toEqual([{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }]);
  });

  it('keeps the generated password over later reconciles', async () => {
    const before = (await secretData('alice'))!.password;
    const count = await userReconciles();
    await until('two more reconciles of users', async () => (await userReconciles()) >= count + 2, RESYNC_MS * 5);
    expect((await secretData('alice'))!.password).toBe(before);
    expect(await produceAs('alice', before!, 'orders')).toBe('ok');
  });

  it('removing an ACL rule from the spec removes the binding from the broker', async () => {
    await patchUser('alice', [{ op: 'replace', path: '/spec/authorization/acls', value: [{ resource: { type: 'topic', name: 'orders' }, operations: ['Describe'] }] }]);
    await until('alice Ready at generation 2', () => readyAt('alice', 2));
    const bindings = await admin.describeAcls({ resourceType: 'ANY', resourceName: null, patternType: 'ANY', principal: 'User:alice', host: null, operation: 'ANY', permission: 'ANY' });
    expect(bindings.map((b) => `${b.resourceType}:${b.resourceName}:${b.operation}`)).toEqual(['TOPIC:orders:DESCRIBE']);
    expect(await produceAs('alice', (await secretData('alice'))!.password!, 'orders')).toBe('denied');
    expect((await eventsFor(w, NS, 'alice')).map((e) => e.note)).toContainEqual(expect.stringContaining('ACLs removed: ALLOW WRITE on TOPIC orders'));
  });

  it('sets and removes the user quotas', async () => {
    await patchUser('alice', [{ op: 'add', path: '/spec/quotas', value: { producerByteRate: 1048576, consumerByteRate: 2097152 } }]);
    await until('alice Ready at generation 3', () => readyAt('alice', 3));
    const quotas = async () => (await admin.describeClientQuotas([{ entityType: 'user', name: 'alice' }], { strict: true }))[0]?.quotas ?? {};
    expect(await quotas()).toEqual({ producer_byte_rate: 1048576, consumer_byte_rate: 2097152 });
    await patchUser('alice', [{ op: 'replace', path: '/spec/quotas', value: { producerByteRate: 1048576 } }]);
    await until('alice Ready at generation 4', () => readyAt('alice', 4));
    expect(await quotas()).toEqual({ producer_byte_rate: 1048576 });
  });

  it('a reconcile of unchanged users writes nothing to the API server', async () => {
    let before = await userReconciles();
    await until('two more reconciles', async () => (await userReconciles()) >= before + 2, RESYNC_MS * 5);
    const writes = operator.manager.http.writeCount;
    before = await userReconciles();
    await until('two resyncs', async () => (await userReconciles()) >= before + 2, RESYNC_MS * 5);
    expect(operator.manager.http.writeCount - writes).toBe(0);
  });

  it('a password from a referenced Secret: changing it there makes the old one fail and the new one work', async () => {
    await w.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'bob-password' }, stringData: { pw: 'first-password' } } });
    await createUser('bob', { authentication: { type: 'scram-sha-512', password: { secretKeyRef: { name: 'bob-password', key: 'pw' } } }, authorization: { type: 'simple', acls: ordersWriter } });
    await until('bob Ready', () => readyAt('bob', 1));
    expect((await secretData('bob'))!.password).toBe('first-password');
    expect(await produceAs('bob', 'first-password', 'orders')).toBe('ok');

    await w.core.replaceNamespacedSecret({ namespace: NS, name: 'bob-password', body: { metadata: { name: 'bob-password' }, stringData: { pw: 'second-password' } } });
    await until('bob logs in with the new password', async () => (await produceAs('bob', 'second-password', 'orders')) === 'ok', 15_000, 200);
    expect(await produceAs('bob', 'first-password', 'orders')).toBe('auth-failed');
    await until('bob Secret has the new password', async () => (await secretData('bob'))?.password === 'second-password');
  });

  it('a referenced Secret that does not exist is Ready=False PasswordSecretNotFound', async () => {
    await createUser('dave', { authentication: { type: 'scram-sha-512', password: { secretKeyRef: { name: 'nowhere', key: 'pw' } } } });
    const u = await until('dave PasswordSecretNotFound', async () => {
      const got = await getUser('dave');
      return condition(got, 'Ready')?.reason === 'PasswordSecretNotFound' ? got : undefined;
    });
    expect(condition(u, 'Ready')?.status).toBe('False');
    expect(u.status?.observedGeneration).toBe(1);
  });

  it('a tls user gets a certificate for CN=<name> signed by the clients CA', async () => {
    const ca = await createCertificateAuthority('demo-clients-ca', 365, new Date());
    await w.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'demo-clients-ca' }, stringData: { 'tls.crt': ca.certPem, 'tls.key': ca.keyPem } } });
    await createUser('carol', { authentication: { type: 'tls' }, authorization: { type: 'simple', acls: ordersWriter } });
    await until('carol Ready', () => readyAt('carol', 1));
    const secret = (await secretData('carol'))!;
    const cert = new X509Certificate(secret['user.crt']!);
    expect(cert.subject).toBe('CN=carol');
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(secret['ca.crt']).toBe(ca.certPem);
    expect(secret['user.key']).toContain('PRIVATE KEY');
    const bindings = await admin.describeAcls({ resourceType: 'ANY', resourceName: null, patternType: 'ANY', principal: 'User:carol', host: null, operation: 'ANY', permission: 'ANY' });
    expect(bindings).toHaveLength(2);

    // A new clients CA (the Secret's change wakes the user): the certificate is reissued under it.
    const next = await createCertificateAuthority('demo-clients-ca', 365, new Date());
    await w.core.replaceNamespacedSecret({ namespace: NS, name: 'demo-clients-ca', body: { metadata: { name: 'demo-clients-ca' }, stringData: { 'tls.crt': next.certPem, 'tls.key': next.keyPem } } });
    const reissued = await until('carol certificate from the new CA', async () => {
      const d = await secretData('carol');
      return d?.['ca.crt'] === next.certPem ? d : undefined;
    }, 15_000);
    expect(new X509Certificate(reissued['user.crt']!).verify(new X509Certificate(next.certPem).publicKey)).toBe(true);
    expect(reissued['user.key']).not.toBe(secret['user.key']);
  });

  it('an operator stopped after writing a generated password but before the broker had it converges with a new Manager', async () => {
    let fenced = false;
    let first: Awaited<ReturnType<typeof startOperator>> | undefined;
    const crashing = crashingAdminProvider(broker.bootstrap, 'alterUserScramCredentials', () => {
      first!.manager.http.fence('killed before the upsert (test)');
      fenced = true;
    }, { callFirst: false });
    first = await startOperator(w, { identity: 'crash-0', namespaces: [CRASH_NS], access: crashing, controllers: [(m, a) => kafkaUserController(m, a, { resyncMs: RESYNC_MS })] });
    await createUser('erin', { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls: ordersWriter } }, CRASH_NS);
    await until('the first operator killed before the upsert', () => fenced);
    await first.stop();
    const kept = (await secretData('erin', CRASH_NS))?.password;
    expect(kept).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await produceAs('erin', kept!, 'orders')).toBe('auth-failed');

    const second = await startOperator(w, {
      identity: 'crash-1',
      namespaces: [CRASH_NS],
      access: { [`${CRASH_NS}/demo`]: { bootstrap: broker.bootstrap } },
      controllers: [(m, a) => kafkaUserController(m, a, { resyncMs: RESYNC_MS })],
    });
    try {
      await until('erin Ready under the new operator', () => readyAt('erin', 1, CRASH_NS));
      expect((await secretData('erin', CRASH_NS))?.password).toBe(kept);
      expect(await produceAs('erin', kept!, 'orders')).toBe('ok');
      const errors = (await second.manager.metrics.reconcileErrors.get()).values.filter((v) => v.labels.controller === 'kafkauser');
      expect(errors.reduce((n, v) => n + v.value, 0)).toBe(0);
    } finally {
      await second.stop();
    }
  });

  it('a deleted user can no longer log in; its ACLs, quotas and Secret are gone', async () => {
    const password = (await secretData('alice'))!.password!;
    await w.custom.deleteNamespacedCustomObject({ ...ref, namespace: NS, name: 'alice' });
    await until('alice gone', async () => {
      try {
        await getUser('alice');
        return false;
      } catch {
        return true;
      }
    });
    expect(await produceAs('alice', password, 'orders')).toBe('auth-failed');
    expect(await admin.describeAcls({ resourceType: 'ANY', resourceName: null, patternType: 'ANY', principal: 'User:alice', host: null, operation: 'ANY', permission: 'ANY' })).toEqual([]);
    expect(await admin.describeClientQuotas([{ entityType: 'user', name: 'alice' }], { strict: true })).toEqual([]);
    await until('alice Secret garbage-collected', async () => (await secretData('alice')) === undefined, 30_000, 200);
  });
});
