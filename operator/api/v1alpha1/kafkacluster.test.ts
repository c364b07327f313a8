// The CEL rule that refuses operator-owned config keys is text in a JSDoc tag; the
// reconciler reads OPERATOR_OWNED_CONFIG_KEYS/PREFIXES. Both must name the same keys.
import { describe, expect, it } from 'vitest';
import { kafkaClusterSchema } from './generated/schemas.gen.js';
import {
  OPERATOR_OWNED_CONFIG_KEYS,
  OPERATOR_OWNED_CONFIG_PREFIXES,
  operatorOwnedKeysIn,
  RESERVED_LISTENER_NAMES,
  RESERVED_LISTENER_PORTS,
} from './operator-owned.js';

type Node = { properties: Record<string, Node>; items: Node; 'x-kubernetes-validations'?: { rule: string }[] };
const spec = (kafkaClusterSchema as unknown as Node).properties.spec;

describe('KafkaCluster rules and the constants the reconciler uses', () => {
  it('the config rule refuses exactly the operator-owned keys and prefixes', () => {
    const rule = spec.properties.config['x-kubernetes-validations']![0].rule;
    const listed = /k in \[([^\]]*)\]/.exec(rule)![1].split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
    expect(listed).toEqual([...OPERATOR_OWNED_CONFIG_KEYS]);
    const prefixes = [...rule.matchAll(/k\.startsWith\('([^']*)'\)/g)].map((m) => m[1]);
    expect(prefixes).toEqual([...OPERATOR_OWNED_CONFIG_PREFIXES]);
  });

  it('the listener rules reserve the operator-owned names and ports', () => {
    const listener = spec.properties.listeners.items;
    expect(listener.properties.name['x-kubernetes-validations']![0].rule).toBe(
      `!(self in [${RESERVED_LISTENER_NAMES.map((n) => `'${n}'`).join(', ')}])`,
    );
    expect(listener.properties.port['x-kubernetes-validations']![0].rule).toBe(`!(self in [${RESERVED_LISTENER_PORTS.join(', ')}])`);
  });
});

describe('operatorOwnedKeysIn', () => {
  it('names the owned keys and prefixed keys of a config, in order', () => {
    expect(
      operatorOwnedKeysIn({ 'retention.ms': 1, 'log.dirs': '/d', 'controller.quorum.voters': 'x', 'listener.name.internal.ssl.keystore.location': 'y', 'ssl.cipher.suites': 'z' }),
    ).toEqual(['log.dirs', 'controller.quorum.voters', 'listener.name.internal.ssl.keystore.location']);
    expect(operatorOwnedKeysIn({ 'min.insync.replicas': 2 })).toEqual([]);
    expect(operatorOwnedKeysIn(undefined)).toEqual([]);
  });
});
