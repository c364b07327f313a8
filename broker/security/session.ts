// The security state of one client connection: who it is and how it got there. The listener
// creates it (User:ANONYMOUS); TLS client authentication or a completed SASL exchange replace the
// principal; handlers read it through RequestContext.connection.session.
import { ANONYMOUS, type KafkaPrincipal } from "./principal.js";
import type { SaslAuthenticator } from "./sasl/sasl-authenticator.js";

export class SecuritySession {
  /** Who the connection acts as; ACLs and quotas are keyed on it. */
  principal: KafkaPrincipal = ANONYMOUS;
  /** The SASL mechanism the client authenticated with, once it has. */
  saslMechanism: string | null = null;
  /** The SASL exchange's state on SASL listeners (made on first request by sasl/connection-authenticator.ts). */
  saslAuthenticator: SaslAuthenticator | null = null;
}
