// Start-up checks of every SASL listener's settings, so a broken configuration stops the node with
// a message naming the key rather than failing each client's login later (Kafka, too, refuses to
// start without a usable JAAS entry for an enabled mechanism).
import type { BrokerConfig } from "../../config/index.js";
import { JaasConfigError } from "./jaas-config.js";
import { enabledMechanisms, jaasConfigFor } from "./listener-sasl-config.js";
import { isSupportedMechanism, PLAIN, SUPPORTED_MECHANISMS } from "./mechanisms.js";
import { plainUsers } from "./plain-server.js";

export class SaslConfigError extends Error {}

function isSasl(protocol: string | undefined): boolean {
  return protocol === "SASL_PLAINTEXT" || protocol === "SASL_SSL";
}

/** Throws SaslConfigError listing every problem of the SASL listeners' settings. */
export function checkSaslListenerSettings(config: BrokerConfig): void {
  const problems: string[] = [];
  for (const listener of config.listeners) {
    const protocol = config.listenerSecurityProtocolMap.get(listener.name) ?? listener.securityProtocol;
    if (!isSasl(protocol)) continue;
    const prefix = `listener.name.${listener.name.toLowerCase()}`;
    const mechanisms = enabledMechanisms(config, listener.name).filter(isSupportedMechanism);
    if (mechanisms.length === 0) {
      problems.push(`listener ${listener.name} (${protocol}): sasl.enabled.mechanisms (or ${prefix}.sasl.enabled.mechanisms) names none of ${SUPPORTED_MECHANISMS.join(", ")}`);
    }
    for (const mechanism of mechanisms) {
      try {
        const jaas = jaasConfigFor(config, listener.name, mechanism);
        if (mechanism === PLAIN && (!jaas || plainUsers(jaas.options).size === 0)) {
          problems.push(`listener ${listener.name}: PLAIN is enabled but ${prefix}.plain.sasl.jaas.config (or sasl.jaas.config) has no user_<name>="<password>" options`);
        }
      } catch (err) {
        if (!(err instanceof JaasConfigError)) throw err;
        problems.push(`listener ${listener.name}, ${mechanism}: ${err.message}`);
      }
    }
  }
  if (problems.length > 0) throw new SaslConfigError(`SASL settings cannot be used: ${problems.join("; ")}`);
}
