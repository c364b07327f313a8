// The public surface of broker/config; other folders import from here, not from the files.
export * from "./config-def.js";
export { BROKER_CONFIG_DEFS, COMPRESSION_TYPES, SECURITY_PROTOCOLS, brokerKeyDef, resolveBrokerKey } from "./definitions.js";
export type { ResolvedBrokerKey } from "./definitions.js";
export { TOPIC_CONFIG_DEFS, topicKeyDef } from "./topic-definitions.js";
export type { BrokerSynonym, TopicKeyDef } from "./topic-definitions.js";
export * from "./errors.js";
export { formatValue, javaDoubleToString, parseList, parseValue } from "./values.js";
export { formatProperties, parseProperties, toMap } from "./properties.js";
export type { PropertiesSyntaxError, PropertyEntry } from "./properties.js";
export * from "./listeners.js";
export * from "./synonyms.js";
export * from "./sources.js";
export * from "./args.js";
export * from "./broker-config.js";
export * from "./topic-config.js";
export * from "./describe.js";
export * from "./alter.js";
export * from "./load.js";
