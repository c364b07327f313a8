// The client quota vocabulary Kafka uses (QuotaConfigs and ClientQuotaEntity): entity types,
// quota keys, and which keys each combination of entity types may carry.

export const USER = "user";
export const CLIENT_ID = "client-id";
export const IP = "ip";

export const PRODUCER_BYTE_RATE = "producer_byte_rate";
export const CONSUMER_BYTE_RATE = "consumer_byte_rate";
export const REQUEST_PERCENTAGE = "request_percentage";
export const CONTROLLER_MUTATION_RATE = "controller_mutation_rate";
export const CONNECTION_CREATION_RATE = "connection_creation_rate";

/** How a key's value must look: a whole number (Kafka's LONG and INT keys) or any number (DOUBLE). */
export type QuotaValueType = "whole" | "double";

/** Keys of user, user + client-id and client-id entities (Kafka's userConfigs / clientConfigs). */
const CLIENT_KEYS: ReadonlyMap<string, QuotaValueType> = new Map([
  [PRODUCER_BYTE_RATE, "whole"],
  [CONSUMER_BYTE_RATE, "whole"],
  [REQUEST_PERCENTAGE, "double"],
  [CONTROLLER_MUTATION_RATE, "double"],
]);

/** Keys of ip entities (Kafka's ipConfigs). */
const IP_KEYS: ReadonlyMap<string, QuotaValueType> = new Map([[CONNECTION_CREATION_RATE, "whole"]]);

/** The keys an entity with these types may carry; null for a combination Kafka refuses. */
export function keysForEntityTypes(types: ReadonlySet<string>): ReadonlyMap<string, QuotaValueType> | null {
  const hasUser = types.has(USER);
  const hasClientId = types.has(CLIENT_ID);
  const hasIp = types.has(IP);
  if (hasIp) return hasUser || hasClientId ? null : IP_KEYS;
  return hasUser || hasClientId ? CLIENT_KEYS : null;
}

export function isKnownEntityType(type: string): boolean {
  return type === USER || type === CLIENT_ID || type === IP;
}

/** The quotas the broker enforces, each named by the key that configures it. */
export type EnforcedQuota =
  | typeof PRODUCER_BYTE_RATE
  | typeof CONSUMER_BYTE_RATE
  | typeof REQUEST_PERCENTAGE
  | typeof CONTROLLER_MUTATION_RATE;
