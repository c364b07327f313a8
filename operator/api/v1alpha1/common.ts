// Types shared by the kafka.millrace.dev/v1alpha1 kinds. The JSDoc on each field is
// the user's documentation (`kubectl explain`) and its validation: operator/codegen
// turns these types into the CRDs in crds/ with ts-json-schema-generator.
import type { V1ResourceRequirements } from '@kubernetes/client-node';

export const API_GROUP = 'kafka.millrace.dev';
export const API_VERSION = 'v1alpha1';
export const GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

/**
 * A KafkaCluster in the same namespace as the object that names it.
 */
export interface ClusterReference {
  /**
   * Name of the KafkaCluster, in this object's namespace.
   * @minLength 1
   * @maxLength 63
   * @pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
   */
  name: string;
}

/**
 * A Kubernetes quantity such as 500m, 2, 1Gi or 100G: a string, or a whole number.
 * @x-kubernetes-int-or-string true
 * @pattern ^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$
 */
export type Quantity = number | string;

/**
 * A Kafka configuration value. Kafka reads every value as a string; whole numbers may
 * be written unquoted, anything else (booleans, decimals, lists) must be quoted.
 * @x-kubernetes-int-or-string true
 */
export type ConfigValue = number | string;

/**
 * Compute resources of a container: Kubernetes' ResourceRequirements, with quantities
 * that may be written as strings (500m, 2Gi) or whole numbers.
 */
export interface ResourceRequirements extends Omit<V1ResourceRequirements, 'limits' | 'requests'> {
  /** Most compute resources the container may use, per resource name (cpu, memory, ...). */
  limits?: Record<string, Quantity>;
  /** Compute resources the scheduler reserves for the container, per resource name (cpu, memory, ...). */
  requests?: Record<string, Quantity>;
}

/**
 * A key of a Secret in the same namespace.
 */
export interface SecretKeySelector {
  /**
   * Name of the Secret.
   * @minLength 1
   * @maxLength 253
   * @pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
   */
  name: string;
  /**
   * Key in the Secret's data.
   * @minLength 1
   * @maxLength 253
   * @pattern ^[-._a-zA-Z0-9]+$
   */
  key: string;
}

/**
 * A Kafka node id.
 * @asType integer
 * @format int32
 * @minimum 0
 */
export type NodeId = number;
