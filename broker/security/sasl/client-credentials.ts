// The credentials this node presents when it connects to a SASL listener of another node, as
// Kafka takes them: the mechanism from sasl.mechanism.controller.protocol (controller listeners)
// or sasl.mechanism.inter.broker.protocol (the inter-broker listener), the user name and password
// from the `username` / `password` options of that listener's JAAS config for the mechanism
// (listener.name.<l>.<mechanism>.sasl.jaas.config, then listener.name.<l>.sasl.jaas.config, then
// sasl.jaas.config).
import type { BrokerConfig } from "../../config/index.js";
import type { SaslClientCredentials } from "../client-security.js";
import { listenerSetting } from "../listener-settings.js";
import { jaasConfigFor } from "./listener-sasl-config.js";
import { isSupportedMechanism } from "./mechanisms.js";

export class SaslClientConfigError extends Error {}

export function saslClientCredentials(config: BrokerConfig, listenerName: string): SaslClientCredentials {
  const mechanismKey = config.controllerListenerNames.includes(listenerName) ? "sasl.mechanism.controller.protocol" : "sasl.mechanism.inter.broker.protocol";
  const mechanism = String(listenerSetting(config, listenerName, mechanismKey) ?? "").toUpperCase();
  if (!isSupportedMechanism(mechanism)) {
    throw new SaslClientConfigError(`listener ${listenerName}: ${mechanismKey}=${mechanism} is not a mechanism Millrace supports (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)`);
  }
  const jaas = jaasConfigFor(config, listenerName, mechanism);
  const username = jaas?.options.get("username");
  const password = jaas?.options.get("password");
  if (username === undefined || password === undefined) {
    throw new SaslClientConfigError(
      `listener ${listenerName}: the ${mechanism} JAAS config (listener.name.${listenerName.toLowerCase()}.${mechanism.toLowerCase()}.sasl.jaas.config) needs username and password options for connections between nodes`,
    );
  }
  return { mechanism, username, password };
}
