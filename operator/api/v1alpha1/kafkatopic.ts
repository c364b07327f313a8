// KafkaTopic: a topic of a KafkaCluster, managed through the Kafka admin protocol.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { AGE_COLUMN, READY_COLUMN, REASON_COLUMN, type CrdInfo } from './crd-info.js';
import type { ClusterReference, ConfigValue } from './common.js';
import type { Condition } from './conditions.js';

/**
 * What happens to the Kafka topic when the KafkaTopic is deleted. Delete: the topic and
 * its data are deleted. Retain: the topic stays in Kafka, unmanaged.
 */
export type DeletionPolicy = 'Delete' | 'Retain';

/**
 * The desired topic.
 * @x-kubernetes-validations [
 *   {rule: "has(self.topicName) == has(oldSelf.topicName) && (!has(self.topicName) || self.topicName == oldSelf.topicName)", message: "topicName is immutable"}
 * ]
 */
export interface KafkaTopicSpec {
  /**
   * The KafkaCluster the topic lives in. Immutable.
   * @x-kubernetes-validations [{rule: "self == oldSelf", message: "clusterRef is immutable"}]
   */
  clusterRef: ClusterReference;
  /**
   * Name of the topic in Kafka; default: metadata.name. Immutable. Names starting with __
   * belong to Kafka itself.
   * @minLength 1
   * @maxLength 249
   * @pattern ^[a-zA-Z0-9._-]+$
   * @x-kubernetes-validations [
   *   {rule: "self != '.' && self != '..'", message: "topicName cannot be '.' or '..'"},
   *   {rule: "!self.startsWith('__')", message: "topic names starting with __ are internal to Kafka"}
   * ]
   */
  topicName?: string;
  /**
   * Number of partitions. Can only grow (Kafka cannot remove partitions).
   * @asType integer
   * @format int32
   * @minimum 1
   * @maximum 10000
   * @default 1
   * @x-kubernetes-validations [{rule: "self >= oldSelf", message: "partitions can only be increased"}]
   */
  partitions?: number;
  /**
   * Replicas of each partition, spread over the cluster's zones. Immutable in v1alpha1
   * (changing it needs a partition reassignment, which the operator does not do yet).
   * @asType integer
   * @format int32
   * @minimum 1
   * @maximum 16
   * @default 3
   * @x-kubernetes-validations [{rule: "self == oldSelf", message: "replicas is immutable in v1alpha1"}]
   */
  replicas?: number;
  /**
   * Topic configuration (Kafka topic config keys such as retention.ms, cleanup.policy).
   * @maxProperties 128
   */
  config?: Record<string, ConfigValue>;
  /**
   * Delete (default) or Retain the Kafka topic when this object is deleted.
   * @default "Delete"
   */
  deletionPolicy?: DeletionPolicy;
}

/** What the operator observed of the topic in Kafka. */
export interface KafkaTopicStatus {
  /**
   * The metadata.generation the status describes.
   * @asType integer
   * @format int64
   */
  observedGeneration?: number;
  /**
   * Ready, Reconciling, Degraded.
   * @maxItems 16
   * @x-kubernetes-list-type map
   * @x-kubernetes-list-map-keys ["type"]
   */
  conditions?: Condition[];
  /** Name of the topic in Kafka. */
  topicName?: string;
  /** Kafka's topic id (base64 UUID). */
  topicId?: string;
  /**
   * Partitions the topic has in Kafka.
   * @asType integer
   * @format int32
   */
  partitions?: number;
  /**
   * Replicas per partition the topic has in Kafka.
   * @asType integer
   * @format int32
   */
  replicas?: number;
  /** Topic configuration Kafka reports as set on the topic (not the broker defaults). */
  config?: Record<string, string>;
}

/**
 * A Kafka topic of a KafkaCluster in the same namespace.
 * @x-kubernetes-validations [{rule: "has(self.spec.topicName) || size(self.metadata.name) <= 249", message: "metadata.name is the topic name and Kafka allows at most 249 characters: set spec.topicName"}]
 */
export interface KafkaTopic {
  apiVersion: 'kafka.millrace.dev/v1alpha1';
  kind: 'KafkaTopic';
  metadata?: V1ObjectMeta;
  spec: KafkaTopicSpec;
  status?: KafkaTopicStatus;
}

export const KAFKA_TOPIC_CRD: CrdInfo = {
  typeName: 'KafkaTopic',
  kind: 'KafkaTopic',
  plural: 'kafkatopics',
  singular: 'kafkatopic',
  shortNames: ['kt'],
  printerColumns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterRef.name' },
    { name: 'Partitions', type: 'integer', jsonPath: '.spec.partitions' },
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    READY_COLUMN,
    { name: 'Topic', type: 'string', jsonPath: '.status.topicName', priority: 1 },
    REASON_COLUMN,
    AGE_COLUMN,
  ],
};
