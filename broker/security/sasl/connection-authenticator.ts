// The SaslAuthenticator of a connection on a SASL listener, made on first use and kept in the
// connection's SecuritySession; null on listeners without SASL (PLAINTEXT, SSL).
import type { BrokerServices } from "../../broker-services.js";
import type { ConnectionInfo } from "../../handlers/handler.js";
import { jaasConfigFor, enabledMechanisms, maxReauthMs } from "./listener-sasl-config.js";
import { isSupportedMechanism, PLAIN, scramMechanismByName } from "./mechanisms.js";
import { PlainServer, plainUsers } from "./plain-server.js";
import { SaslAuthenticator } from "./sasl-authenticator.js";
import type { SaslServer } from "./sasl-server.js";
import { ScramServer } from "./scram-server.js";

export function isSaslProtocol(securityProtocol: string): boolean {
  return securityProtocol === "SASL_PLAINTEXT" || securityProtocol === "SASL_SSL";
}

export function saslAuthenticatorOf(connection: ConnectionInfo, broker: Pick<BrokerServices, "config" | "metadata" | "now">): SaslAuthenticator | null {
  if (!isSaslProtocol(connection.securityProtocol)) return null;
  const session = connection.session;
  if (session.saslAuthenticator) return session.saslAuthenticator;
  const { config } = broker;
  const listener = connection.listenerName;
  // Only mechanisms we implement are offered, whatever else the list names (GSSAPI, OAUTHBEARER).
  const mechanisms = enabledMechanisms(config, listener).filter(isSupportedMechanism);
  const serverFor = (mechanism: string): SaslServer => {
    if (mechanism === PLAIN) return new PlainServer(plainUsers(jaasConfigFor(config, listener, PLAIN)?.options ?? new Map()));
    const scram = scramMechanismByName(mechanism);
    if (!scram) throw new Error(`no SASL server for ${mechanism}`);
    return new ScramServer({ mechanism: scram, credential: (user) => broker.metadata.image.scramCredentials.get(user)?.get(scram.code) });
  };
  session.saslAuthenticator = new SaslAuthenticator(session, {
    enabledMechanisms: mechanisms,
    serverFor,
    maxReauthMs: (mechanism) => maxReauthMs(config, listener, mechanism),
    now: broker.now,
  });
  return session.saslAuthenticator;
}
