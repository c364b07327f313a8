// KafkaUser: a client identity of a KafkaCluster — credentials, ACLs and quotas.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { AGE_COLUMN, READY_COLUMN, REASON_COLUMN, type CrdInfo } from './crd-info.js';
import type { ClusterReference, SecretKeySelector } from './common.js';
import type { Condition } from './conditions.js';

/** Where a SCRAM password comes from. */
export interface PasswordSource {
  /** A key of a Secret in the user's namespace that holds the password. */
  secretKeyRef: SecretKeySelector;
}

/**
 * How the user authenticates.
 * @x-kubernetes-validations [{rule: "!has(self.password) || self.type == 'scram-sha-512'", message: "password is only used with scram-sha-512 authentication"}]
 */
export interface UserAuthentication {
  /**
   * scram-sha-512: a SCRAM-SHA-512 credential; the password is generated into the user's
   * Secret unless password names one. tls: a client certificate signed by the clients
   * CA, written to the user's Secret; the principal is the certificate's CN.
   */
  type: 'scram-sha-512' | 'tls';
  /** The password to use (scram-sha-512 only); absent: the operator generates one. */
  password?: PasswordSource;
}

/** Kafka resource types an ACL can name. */
export type AclResourceType = 'topic' | 'group' | 'cluster' | 'transactionalId' | 'delegationToken' | 'user';

/** Kafka ACL operations. */
export type AclOperation =
  | 'All'
  | 'Read'
  | 'Write'
  | 'Create'
  | 'Delete'
  | 'Alter'
  | 'Describe'
  | 'ClusterAction'
  | 'DescribeConfigs'
  | 'AlterConfigs'
  | 'IdempotentWrite'
  | 'CreateTokens'
  | 'DescribeTokens';

/**
 * The resource an ACL rule applies to.
 * @x-kubernetes-validations [
 *   {rule: "self.type == 'cluster' ? !has(self.name) : has(self.name)", message: "name is required for every resource type but cluster, and not allowed for cluster"}
 * ]
 */
export interface AclResource {
  type: AclResourceType;
  /**
   * Name of the resource, or a prefix of names (patternType prefixed); * means every
   * resource of the type.
   * @minLength 1
   * @maxLength 255
   */
  name?: string;
  /**
   * literal: name is the exact resource name (or *). prefixed: every resource whose
   * name starts with name.
   * @default "literal"
   */
  patternType?: 'literal' | 'prefixed';
}

/** One ACL rule of the user. */
export interface AclRule {
  resource: AclResource;
  /**
   * Operations the rule allows (or denies).
   * @minItems 1
   * @maxItems 13
   * @x-kubernetes-list-type set
   */
  operations: AclOperation[];
  /**
   * Host the user must connect from; * means any host.
   * @maxLength 255
   * @default "*"
   */
  host?: string;
  /**
   * allow or deny; deny wins over allow.
   * @default "allow"
   */
  type?: 'allow' | 'deny';
}

/** The user's ACLs. */
export interface UserAuthorization {
  /** simple: Kafka ACLs (the KafkaCluster needs authorization.type simple). */
  type: 'simple';
  /**
   * The rules.
   * @maxItems 256
   */
  acls: AclRule[];
}

/** Kafka client quotas of the user. */
export interface UserQuotas {
  /**
   * Bytes per second the user may produce, per broker.
   * @asType integer
   * @format int64
   * @minimum 0
   */
  producerByteRate?: number;
  /**
   * Bytes per second the user may fetch, per broker.
   * @asType integer
   * @format int64
   * @minimum 0
   */
  consumerByteRate?: number;
  /**
   * Percentage of a broker's request handler and network time the user may take.
   * @minimum 0
   */
  requestPercentage?: number;
  /**
   * Partition mutations per second (creating or deleting topics and partitions).
   * @minimum 0
   */
  controllerMutationRate?: number;
}

/** The desired user. */
export interface KafkaUserSpec {
  /**
   * The KafkaCluster the user belongs to. Immutable.
   * @x-kubernetes-validations [{rule: "self == oldSelf", message: "clusterRef is immutable"}]
   */
  clusterRef: ClusterReference;
  authentication: UserAuthentication;
  /** ACLs; absent: the user has none (and is denied everything on a cluster with authorization). */
  authorization?: UserAuthorization;
  quotas?: UserQuotas;
}

/** What the operator observed of the user. */
export interface KafkaUserStatus {
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
  /** The user's name in Kafka (its principal is User:<username>). */
  username?: string;
  /** The Secret with the user's credentials (password, or certificate and key). */
  secretName?: string;
}

/**
 * A user of a KafkaCluster in the same namespace: its credentials (in a Secret), ACLs and quotas.
 * @x-kubernetes-validations [{rule: "size(self.metadata.name) <= 64", message: "a KafkaUser name is at most 64 characters"}]
 */
export interface KafkaUser {
  apiVersion: 'kafka.millrace.dev/v1alpha1';
  kind: 'KafkaUser';
  metadata?: V1ObjectMeta;
  spec: KafkaUserSpec;
  status?: KafkaUserStatus;
}

export const KAFKA_USER_CRD: CrdInfo = {
  typeName: 'KafkaUser',
  kind: 'KafkaUser',
  plural: 'kafkausers',
  singular: 'kafkauser',
  shortNames: ['ku'],
  printerColumns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterRef.name' },
    { name: 'Authentication', type: 'string', jsonPath: '.spec.authentication.type' },
    READY_COLUMN,
    { name: 'Secret', type: 'string', jsonPath: '.status.secretName', priority: 1 },
    REASON_COLUMN,
    AGE_COLUMN,
  ],
};
