// Security keys can be set per listener, as Kafka allows: `listener.name.<listener>.<key>` (the
// listener name in lower case) wins over the plain `<key>`. SASL keys can also be per mechanism:
// `listener.name.<listener>.<mechanism>.<key>` (e.g. ...sasl_ssl.scram-sha-512.sasl.jaas.config).
import type { BrokerConfig, ParsedValue } from "../config/index.js";

/** The effective value of `key` for `listenerName` (and optionally a SASL mechanism); null when unset. */
export function listenerSetting(config: BrokerConfig, listenerName: string, key: string, mechanism?: string): ParsedValue {
  const prefix = `listener.name.${listenerName.toLowerCase()}.`;
  const candidates = [
    ...(mechanism ? [`${prefix}${mechanism.toLowerCase()}.${key}`] : []),
    `${prefix}${key}`,
    key,
  ];
  for (const name of candidates) {
    const entry = config.entries.get(name);
    if (entry && entry.value !== null) return entry.value;
  }
  return null;
}
