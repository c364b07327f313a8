// The principal of a TLS connection, as Kafka's DefaultKafkaPrincipalBuilder makes it: with a
// verified client certificate, User:<subject DN after ssl.principal.mapping.rules>; without one,
// User:ANONYMOUS.
import type { TLSSocket } from "node:tls";
import { ANONYMOUS, userPrincipal, type KafkaPrincipal } from "../principal.js";
import { subjectDistinguishedName } from "./distinguished-name.js";
import type { PrincipalMappingRules } from "./principal-mapping-rules.js";

export interface TlsPeer {
  readonly principal: KafkaPrincipal;
  /** The client certificate's subject (RFC 2253), null without a certificate. */
  readonly subject: string | null;
}

/**
 * Who the peer of an established TLS connection is. Throws when a presented certificate did not
 * verify (ssl.client.auth=requested lets the handshake finish; Kafka refuses such a client) or its
 * DN matches no mapping rule (NoMatchingRuleError).
 */
export function tlsPeer(socket: TLSSocket, rules: PrincipalMappingRules): TlsPeer {
  const certificate = socket.getPeerX509Certificate();
  if (!certificate) return { principal: ANONYMOUS, subject: null };
  if (!socket.authorized) throw new Error(`client certificate not trusted: ${String(socket.authorizationError)}`);
  const subject = subjectDistinguishedName(certificate.raw);
  return { principal: userPrincipal(rules.map(subject)), subject };
}
