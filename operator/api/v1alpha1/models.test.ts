// Client-side validation with the @kubernetes-models/base classes: the examples pass,
// objects the schema refuses throw with the field and the reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KafkaClusterModel, KafkaTopicModel, KafkaUserModel } from './models.js';
import type { KafkaCluster } from './kafkacluster.js';
import type { KafkaTopic } from './kafkatopic.js';
import type { KafkaUser } from './kafkauser.js';

const example = <T>(file: string): T => parse(readFileSync(new URL(`../../../examples/${file}`, import.meta.url), 'utf8')) as T;

const cluster = example<KafkaCluster>('kafka-cluster.yaml');
const topic = example<KafkaTopic>('kafka-topic.yaml');
const user = example<KafkaUser>('kafka-user.yaml');

// A deep copy of `base` with `edit` applied, to keep each bad case to one change.
function variant<T>(base: T, edit: (copy: T) => void): T {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

describe('client-side validation', () => {
  it('accepts the examples', () => {
    expect(() => new KafkaClusterModel(cluster).validate()).not.toThrow();
    expect(() => new KafkaTopicModel(topic).validate()).not.toThrow();
    expect(() => new KafkaUserModel(user).validate()).not.toThrow();
  });

  it('fills apiVersion and kind, and recognises its objects', () => {
    const t = new KafkaTopicModel({ metadata: { name: 'a' }, spec: { clusterRef: { name: 'demo' } } });
    expect(t.toJSON()).toEqual({
      apiVersion: 'kafka.millrace.dev/v1alpha1',
      kind: 'KafkaTopic',
      metadata: { name: 'a' },
      spec: { clusterRef: { name: 'demo' } },
    });
    expect(KafkaTopicModel.is(topic)).toBe(true);
    expect(KafkaTopicModel.is(user)).toBe(false);
    expect(() => t.validate()).not.toThrow();
  });

  const bad: [string, () => { validate(): void }, RegExp][] = [
    ['partitions below 1', () => new KafkaTopicModel(variant(topic, (t) => (t.spec.partitions = 0))), /\/spec\/partitions must be >= 1/],
    ['partitions not a number', () => new KafkaTopicModel(variant(topic, (t) => ((t.spec as { partitions: unknown }).partitions = 'six'))), /\/spec\/partitions must be integer/],
    ['a bad topic name', () => new KafkaTopicModel(variant(topic, (t) => (t.spec.topicName = 'orders/eu'))), /\/spec\/topicName must match pattern/],
    ['no cluster reference', () => new KafkaTopicModel(variant(topic, (t) => delete (t.spec as Partial<KafkaTopic['spec']>).clusterRef)), /data\/spec must have required property clusterRef/],
    ['an unknown deletion policy', () => new KafkaTopicModel(variant(topic, (t) => ((t.spec as { deletionPolicy: string }).deletionPolicy = 'Orphan'))), /\/spec\/deletionPolicy must be equal to one of the allowed values/],
    ['an unknown listener type', () => new KafkaClusterModel(variant(cluster, (c) => ((c.spec.listeners[0] as { type: string }).type = 'ingress'))), /\/spec\/listeners\/0\/type must be equal to one of the allowed values/],
    ['a port out of range', () => new KafkaClusterModel(variant(cluster, (c) => (c.spec.listeners[0].port = 80))), /\/spec\/listeners\/0\/port must be >= 1024/],
    ['a bad storage size', () => new KafkaClusterModel(variant(cluster, (c) => (c.spec.nodePools[0].storage.size = '10 gigs'))), /\/spec\/nodePools\/0\/storage\/size must match pattern/],
    ['a bad resource quantity', () => new KafkaClusterModel(variant(cluster, (c) => (c.spec.nodePools[0].resources!.requests!.cpu = 'lots'))), /\/spec\/nodePools\/0\/resources\/requests\/cpu must match pattern/],
    ['an unknown role', () => new KafkaClusterModel(variant(cluster, (c) => ((c.spec.nodePools[0].roles as string[]) = ['voter']))), /\/spec\/nodePools\/0\/roles\/0 must be equal to one of the allowed values/],
    ['a super user without User:', () => new KafkaClusterModel(variant(cluster, (c) => (c.spec.authorization!.superUsers = ['admin']))), /\/spec\/authorization\/superUsers\/0 must match pattern/],
    ['no operations in an ACL', () => new KafkaUserModel(variant(user, (u) => (u.spec.authorization!.acls[0].operations = []))), /\/spec\/authorization\/acls\/0\/operations must NOT have less than 1 item/],
    ['an unknown authentication', () => new KafkaUserModel(variant(user, (u) => ((u.spec.authentication as { type: string }).type = 'plain'))), /\/spec\/authentication\/type must be equal to one of the allowed values/],
  ];

  it.each(bad)('refuses %s', (_what, make, message) => {
    expect(() => make().validate()).toThrow(message);
  });
});
