// KafkaCluster: a Millrace (Kafka-compatible) cluster — node pools, listeners, security,
// broker configuration — and what the operator reports back about it.
//
// CEL rules (x-kubernetes-validations) sit on the field they guard; the API server
// enforces them, so no admission webhook is needed (DESIGN.md 4).
import type { V1Affinity, V1ObjectMeta, V1Toleration } from '@kubernetes/client-node';
import { AGE_COLUMN, READY_COLUMN, REASON_COLUMN, type CrdInfo } from './crd-info.js';
import type { ConfigValue, NodeId, ResourceRequirements } from './common.js';
import type { Condition } from './conditions.js';

/**
 * What a node of a pool does: broker (serves clients, holds partitions) and/or
 * controller (a voter of the Raft metadata quorum).
 */
export type NodeRole = 'broker' | 'controller';

/**
 * A persistent volume per node, holding its log directory.
 * @x-kubernetes-validations [
 *   {rule: "has(self.storageClassName) == has(oldSelf.storageClassName) && (!has(self.storageClassName) || self.storageClassName == oldSelf.storageClassName)",
 *    message: "storageClassName is immutable: add a new node pool to move to another storage class"},
 *   {rule: "quantity(self.size).compareTo(quantity(oldSelf.size)) >= 0",
 *    message: "storage size can only grow"}
 * ]
 */
export interface Storage {
  /**
   * Size of each node's volume, as a Kubernetes quantity (100Gi, 1Ti).
   * @maxLength 32
   * @pattern ^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$
   */
  size: string;
  /**
   * StorageClass of the volumes; empty means the cluster's default class. Immutable.
   * @maxLength 253
   */
  storageClassName?: string;
  /**
   * Delete the volumes when their node is removed (scale-down or deletion of the
   * KafkaCluster). Default false: volumes are kept, and a node that returns finds its data.
   * @default false
   */
  deleteClaim?: boolean;
}

/** Labels and annotations added to each node's Pod. */
export interface PodTemplateMetadata {
  /**
   * Labels added to each Pod (the operator's own app.kubernetes.io/* labels win).
   * @maxProperties 64
   */
  labels?: Record<string, string>;
  /**
   * Annotations added to each Pod.
   * @maxProperties 64
   */
  annotations?: Record<string, string>;
}

/** Scheduling and metadata of a pool's Pods. */
export interface PodTemplate {
  metadata?: PodTemplateMetadata;
  /**
   * Kubernetes affinity rules for the Pods, added to the zone pinning the operator makes
   * from spec.nodePools[].zones.
   */
  affinity?: V1Affinity;
  /**
   * Taints the Pods tolerate.
   * @maxItems 32
   */
  tolerations?: V1Toleration[];
  /**
   * Node labels a node must have to run the Pods.
   * @maxProperties 32
   */
  nodeSelector?: Record<string, string>;
  /**
   * PriorityClass of the Pods.
   * @maxLength 253
   */
  priorityClassName?: string;
}

/**
 * A group of identically configured nodes. Each node gets its own Pod, volume and
 * stable node id; nodes are spread over the pool's zones.
 */
export interface NodePool {
  /**
   * Name of the pool; part of each node's Pod name (<cluster>-<pool>-<node id>).
   * @minLength 1
   * @maxLength 15
   * @pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
   */
  name: string;
  /**
   * broker, controller, or both (combined nodes). Immutable: to change roles, add a new
   * pool and scale this one to 0.
   * @minItems 1
   * @maxItems 2
   * @x-kubernetes-list-type set
   * @x-kubernetes-validations [{rule: "self == oldSelf", message: "roles of a node pool are immutable: add a new pool and scale this one down"}]
   */
  roles: NodeRole[];
  /**
   * Number of nodes in the pool.
   * @asType integer
   * @format int32
   * @minimum 0
   * @maximum 64
   */
  replicas: number;
  /**
   * Zones the nodes are spread over, round robin by node id. Each node is pinned to its
   * zone (node label topology.kubernetes.io/zone) and its broker.rack is the zone, so
   * replicas of a partition land in different zones. Empty: no zone pinning.
   * @maxItems 8
   * @x-kubernetes-list-type set
   */
  zones?: string[];
  storage: Storage;
  /** CPU and memory of each node's broker container. */
  resources?: ResourceRequirements;
  /** Scheduling and metadata of the pool's Pods. */
  template?: PodTemplate;
}

/** How clients reach a listener from outside the pods. */
export type ListenerType = 'internal' | 'nodeport' | 'loadbalancer';

/** How clients authenticate on a listener. */
export interface ListenerAuthentication {
  /**
   * scram-sha-512: SASL SCRAM-SHA-512 with KafkaUser credentials. tls: client
   * certificates signed by the clients CA (needs tls: true on the listener).
   */
  type: 'scram-sha-512' | 'tls';
}

/**
 * A listener clients connect to.
 * @x-kubernetes-validations [{rule: "!has(self.authentication) || self.authentication.type != 'tls' || (has(self.tls) && self.tls)",
 *   message: "a listener with tls authentication needs tls: true"}]
 */
export interface Listener {
  /**
   * Name of the listener (the Kafka listener name is its upper-case form). controller
   * and replication are used by the operator.
   * @minLength 1
   * @maxLength 20
   * @pattern ^[a-z][a-z0-9]*$
   * @x-kubernetes-validations [{rule: "!(self in ['controller', 'replication'])", message: "listener names controller and replication are reserved for the operator's own listeners"}]
   */
  name: string;
  /**
   * Port the brokers listen on. 9090 and 9091 are used by the operator.
   * @asType integer
   * @format int32
   * @minimum 1024
   * @maximum 65535
   * @x-kubernetes-validations [{rule: "!(self in [9090, 9091])", message: "ports 9090 and 9091 are reserved for the operator's own listeners"}]
   */
  port: number;
  /**
   * internal: a ClusterIP bootstrap Service and per-broker addresses inside Kubernetes.
   * nodeport or loadbalancer: also a Service per broker for clients outside it.
   * @default "internal"
   */
  type?: ListenerType;
  /**
   * Serve TLS, with a certificate signed by the cluster CA.
   * @default false
   */
  tls?: boolean;
  /** How clients authenticate; absent: no authentication. */
  authentication?: ListenerAuthentication;
}

/** Kafka ACL authorization. */
export interface Authorization {
  /** simple: Kafka's ACL authorizer (ACLs from KafkaUser objects). */
  type: 'simple';
  /**
   * Principals allowed everything, bypassing ACLs (User:<name>).
   * @maxItems 32
   * @x-kubernetes-list-type set
   */
  superUsers?: SuperUser[];
}

/**
 * A Kafka principal such as User:admin.
 * @maxLength 253
 * @pattern ^User:[^;,]+$
 */
export type SuperUser = string;

/**
 * A certificate authority the operator creates and renews.
 * (The API server checks a field's `default` against the rules before filling the defaults
 * inside it, so the rule tolerates absent fields; stored objects always have both.)
 * @x-kubernetes-validations [{rule: "!has(self.renewalDays) || !has(self.validityDays) || self.renewalDays < self.validityDays", message: "renewalDays must be smaller than validityDays"}]
 */
export interface CertificateAuthority {
  /**
   * Days a CA certificate is valid.
   * @asType integer
   * @format int32
   * @minimum 1
   * @maximum 3650
   * @default 365
   */
  validityDays?: number;
  /**
   * Days before expiry when the operator renews the certificate (and rolls the brokers).
   * @asType integer
   * @format int32
   * @minimum 1
   * @maximum 3649
   * @default 30
   */
  renewalDays?: number;
}

/** The operator-managed certificate authorities. */
export interface CertificateAuthorities {
  /**
   * Signs the brokers' certificates (listeners with tls, node-to-node traffic).
   * @default {}
   */
  cluster?: CertificateAuthority;
  /**
   * Signs KafkaUser client certificates (tls authentication).
   * @default {}
   */
  clients?: CertificateAuthority;
}

/**
 * The desired cluster.
 * @x-kubernetes-validations [
 *   {rule: "self.nodePools.exists(p, 'controller' in p.roles && p.replicas > 0)", message: "at least one node pool needs the controller role and replicas > 0"},
 *   {rule: "self.nodePools.exists(p, 'broker' in p.roles && p.replicas > 0)", message: "at least one node pool needs the broker role and replicas > 0"}
 * ]
 */
export interface KafkaClusterSpec {
  /**
   * Millrace version of the brokers (semantic version). Empty: the operator's own version.
   * @maxLength 64
   * @pattern ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$
   */
  version?: string;
  /**
   * Container image of the brokers; overrides the image the operator picks for the version.
   * @maxLength 512
   */
  image?: string;
  /**
   * The node pools. Together they need at least one controller and one broker.
   * @minItems 1
   * @maxItems 10
   * @x-kubernetes-list-type map
   * @x-kubernetes-list-map-keys ["name"]
   */
  nodePools: NodePool[];
  /**
   * Listeners for clients. Names and ports must be unique.
   * @minItems 1
   * @maxItems 8
   * @x-kubernetes-list-type map
   * @x-kubernetes-list-map-keys ["name"]
   * @x-kubernetes-validations [{rule: "self.all(l, self.exists_one(m, m.port == l.port))", message: "listener ports must be unique"}]
   */
  listeners: Listener[];
  /** ACL authorization; absent: every authenticated client may do everything. */
  authorization?: Authorization;
  /**
   * Kafka broker configuration (server.properties keys). Keys the operator derives from
   * the spec (listeners, log.dirs, node.id, process.roles, controller.quorum.*, ...) are refused.
   * @maxProperties 256
   * @x-kubernetes-validations [{
   *   rule: "self.all(k, !(k in ['node.id', 'broker.id', 'process.roles', 'listeners', 'advertised.listeners', 'listener.security.protocol.map', 'inter.broker.listener.name', 'controller.listener.names', 'log.dir', 'log.dirs', 'metadata.log.dir', 'broker.rack', 'authorizer.class.name', 'super.users', 'sasl.enabled.mechanisms', 'sasl.mechanism.inter.broker.protocol', 'sasl.mechanism.controller.protocol']) && !k.startsWith('controller.quorum.') && !k.startsWith('listener.name.') && !k.startsWith('ssl.keystore.') && !k.startsWith('ssl.truststore.'))",
   *   message: "config sets keys the operator manages (listeners, advertised.listeners, log.dirs, node.id, process.roles, controller.quorum.*, listener.name.*, ssl.keystore.*, ssl.truststore.*, broker.rack, super.users, ...): set them through the spec's fields instead"
   * }]
   */
  config?: Record<string, ConfigValue>;
  /**
   * The cluster and clients CAs.
   * @default {}
   */
  certificateAuthorities?: CertificateAuthorities;
}

/** A node of the cluster as the operator last saw it. */
export interface BrokerStatus {
  /**
   * Kafka node id.
   * @asType integer
   * @format int32
   */
  nodeId: number;
  /** Node pool of the node. */
  pool: string;
  /** Roles of the node. */
  roles: NodeRole[];
  /** Zone the node is pinned to. */
  zone?: string;
  /** Name of the node's Pod. */
  pod: string;
  /** Millrace version the node runs. */
  version?: string;
  /** Whether the node is up and serving (caught up with the quorum, for a controller). */
  ready: boolean;
}

/** Where clients find a listener. */
export interface ListenerStatus {
  /** Name of the listener. */
  name: string;
  type: ListenerType;
  /** host:port pairs, comma-separated: a client's bootstrap.servers. */
  bootstrapServers: string;
}

/** The Raft metadata quorum. */
export interface QuorumStatus {
  /**
   * Node id of the active controller (the quorum leader).
   * @asType integer
   * @format int32
   */
  leaderId?: number;
  /**
   * Epoch of the current leader.
   * @asType integer
   * @format int32
   */
  leaderEpoch?: number;
  /** Node ids of the voters. */
  voters?: NodeId[];
}

/** A long-running change the operator is carrying out. */
export interface OperationStatus {
  type: 'RollingRestart' | 'ScaleUp' | 'ScaleDown' | 'VersionUpgrade' | 'CertificateRenewal';
  /** Nodes the operation still has to act on. */
  nodeIds?: NodeId[];
  /** Why (for a restart: the spec change that needs it). */
  reason: string;
  /**
   * When the operation started (RFC 3339).
   * @format date-time
   */
  startedAt: string;
}

/** What the operator observed of the cluster. */
export interface KafkaClusterStatus {
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
  /** The Kafka cluster id (formatted into every node's storage). */
  clusterId?: string;
  /** Millrace version all nodes run; empty while they differ (an upgrade in progress). */
  version?: string;
  /**
   * Number of ready broker nodes.
   * @asType integer
   * @format int32
   */
  readyBrokers?: number;
  /** Every node of the cluster. */
  brokers?: BrokerStatus[];
  /** Bootstrap addresses per listener. */
  listeners?: ListenerStatus[];
  quorum?: QuorumStatus;
  /** Changes in progress (rolling restarts recorded here wait their turn). */
  operations?: OperationStatus[];
}

/**
 * A Millrace cluster: Kafka-compatible brokers and a Raft metadata quorum, with their
 * Pods, volumes, Services, certificates and configuration managed by the operator.
 * @x-kubernetes-validations [{rule: "size(self.metadata.name) <= 40", message: "a KafkaCluster name is at most 40 characters (Pod and Service names are built from it)"}]
 */
export interface KafkaCluster {
  apiVersion: 'kafka.millrace.dev/v1alpha1';
  kind: 'KafkaCluster';
  metadata?: V1ObjectMeta;
  spec: KafkaClusterSpec;
  status?: KafkaClusterStatus;
}

export const KAFKA_CLUSTER_CRD: CrdInfo = {
  typeName: 'KafkaCluster',
  kind: 'KafkaCluster',
  plural: 'kafkaclusters',
  singular: 'kafkacluster',
  shortNames: ['kc'],
  printerColumns: [
    READY_COLUMN,
    { name: 'Brokers', type: 'integer', jsonPath: '.status.readyBrokers', description: 'Ready broker nodes' },
    { name: 'Version', type: 'string', jsonPath: '.status.version', description: 'Millrace version of every node' },
    { name: 'Cluster ID', type: 'string', jsonPath: '.status.clusterId', priority: 1 },
    REASON_COLUMN,
    AGE_COLUMN,
  ],
};
