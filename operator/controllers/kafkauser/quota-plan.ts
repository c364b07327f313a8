// A KafkaUser's quotas as Kafka's client quota keys for the entity user=<username>: the spec's
// values are set, keys the entity has and the spec does not are removed (the operator owns the
// whole quota entity of its user).
import type { UserQuotas } from "../../api/v1alpha1/kafkauser.js";

const KEYS: Record<keyof UserQuotas, string> = {
  producerByteRate: "producer_byte_rate",
  consumerByteRate: "consumer_byte_rate",
  requestPercentage: "request_percentage",
  controllerMutationRate: "controller_mutation_rate",
};

export function desiredQuotas(quotas: UserQuotas | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [field, key] of Object.entries(KEYS) as [keyof UserQuotas, string][]) {
    const v = quotas?.[field];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** The alterClientQuotas changes (null removes a key); empty when the entity is as wanted. */
export function quotaChanges(desired: Readonly<Record<string, number>>, current: Readonly<Record<string, number>>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(desired)) if (current[k] !== v) out[k] = v;
  for (const k of Object.keys(current)) if (!(k in desired)) out[k] = null;
  return out;
}
