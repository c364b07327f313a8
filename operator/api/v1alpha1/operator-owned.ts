// What in a KafkaCluster belongs to the operator: Kafka configuration keys it derives from
// the spec, and the listener names and ports of its own listeners. The CRD's CEL rules
// (in kafkacluster.ts) refuse them; these constants are for the reconciler, which reports
// anything that gets past an older CRD with a Degraded condition.

/**
 * Kafka configuration keys the operator derives from the spec (node ids, listeners,
 * storage, quorum, TLS and SASL wiring, authorization). Keep in step with the CEL rule on
 * KafkaClusterSpec.config (kafkacluster.test.ts checks).
 */
export const OPERATOR_OWNED_CONFIG_KEYS: readonly string[] = [
  'node.id',
  'broker.id',
  'process.roles',
  'listeners',
  'advertised.listeners',
  'listener.security.protocol.map',
  'inter.broker.listener.name',
  'controller.listener.names',
  'log.dir',
  'log.dirs',
  'metadata.log.dir',
  'broker.rack',
  'authorizer.class.name',
  'super.users',
  'sasl.enabled.mechanisms',
  'sasl.mechanism.inter.broker.protocol',
  'sasl.mechanism.controller.protocol',
];

/** Prefixes of configuration keys the operator owns (see OPERATOR_OWNED_CONFIG_KEYS). */
export const OPERATOR_OWNED_CONFIG_PREFIXES: readonly string[] = [
  'controller.quorum.',
  'listener.name.',
  'ssl.keystore.',
  'ssl.truststore.',
];

/** Listener names and ports the operator uses for its own listeners. */
export const RESERVED_LISTENER_NAMES: readonly string[] = ['controller', 'replication'];
export const RESERVED_LISTENER_PORTS: readonly number[] = [9090, 9091];

/**
 * The keys of `config` the operator owns, in their order in `config`: empty when the
 * user's configuration may be applied as it is.
 */
export function operatorOwnedKeysIn(config: Record<string, unknown> | undefined): string[] {
  return Object.keys(config ?? {}).filter(
    (key) => OPERATOR_OWNED_CONFIG_KEYS.includes(key) || OPERATOR_OWNED_CONFIG_PREFIXES.some((prefix) => key.startsWith(prefix)),
  );
}
