// A listener's SASL settings, read as Kafka reads them: per listener (and per mechanism for
// sasl.jaas.config and connections.max.reauth.ms) before the plain key.
import type { BrokerConfig, ParsedValue } from "../../config/index.js";
import { listenerSetting } from "../listener-settings.js";
import { parseJaasConfig, type JaasConfig } from "./jaas-config.js";

function asList(value: ParsedValue): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter((v) => v !== "");
  if (typeof value === "string") return value.split(",").map((v) => v.trim()).filter((v) => v !== "");
  return [];
}

/** `sasl.enabled.mechanisms` of the listener, in the configured order (Kafka's default is GSSAPI). */
export function enabledMechanisms(config: BrokerConfig, listenerName: string): string[] {
  return asList(listenerSetting(config, listenerName, "sasl.enabled.mechanisms")).map((m) => m.toUpperCase());
}

/** The listener's JAAS config for `mechanism`; null when none is set. Throws JaasConfigError when it does not parse. */
export function jaasConfigFor(config: BrokerConfig, listenerName: string, mechanism: string): JaasConfig | null {
  const text = listenerSetting(config, listenerName, "sasl.jaas.config", mechanism);
  return typeof text === "string" && text.trim() !== "" ? parseJaasConfig(text) : null;
}

/** `connections.max.reauth.ms` for the listener and mechanism; 0 means sessions never expire. */
export function maxReauthMs(config: BrokerConfig, listenerName: string, mechanism: string): number {
  const value = Number(listenerSetting(config, listenerName, "connections.max.reauth.ms", mechanism) ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}
