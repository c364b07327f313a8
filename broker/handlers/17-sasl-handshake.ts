// SaslHandshake: v0–v1. Every current client (Java, librdkafka, KafkaJS, franz-go) sends v1 and
// then wraps its tokens in SaslAuthenticate. v0 is advertised because librdkafka requires it in
// the range before it will authenticate at all (as Kafka 4 keeps it, KIP-896); a v0 handshake is
// answered alike, but the raw token frames v0 clients then send are not Kafka requests and close
// the connection.
// On a SASL listener it picks the mechanism for the exchange (sasl.enabled.mechanisms of the
// listener), or starts a re-authentication (KIP-368) on an authenticated connection. An unknown
// mechanism is answered with UNSUPPORTED_SASL_MECHANISM and the enabled list, and the connection
// then closes (sasl-gate.ts), as Kafka does. On a listener without SASL the answer is
// ILLEGAL_SASL_STATE, Kafka's answer there.
import { errorCode } from "../protocol/errors.js";
import { readSaslHandshakeRequest, saslHandshakeRequestMeta } from "../protocol/generated/sasl-handshake-request.gen.js";
import { writeSaslHandshakeResponse, type SaslHandshakeResponse } from "../protocol/generated/sasl-handshake-response.gen.js";
import { saslAuthenticatorOf } from "../security/sasl/connection-authenticator.js";
import { defineHandler } from "./handler.js";

export const saslHandshakeHandler = defineHandler({
  meta: saslHandshakeRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readSaslHandshakeRequest,
  writeResponse: writeSaslHandshakeResponse,
  handle(request, ctx): SaslHandshakeResponse {
    const authenticator = saslAuthenticatorOf(ctx.connection, ctx.broker);
    if (!authenticator) return { errorCode: errorCode("ILLEGAL_SASL_STATE"), mechanisms: [] };
    const result = authenticator.handshake(request.mechanism);
    if (result.error !== "NONE") {
      ctx.log.warn({ mechanism: request.mechanism, enabled: result.mechanisms, error: result.error }, "SASL handshake refused; closing connection");
    }
    return { errorCode: errorCode(result.error), mechanisms: [...result.mechanisms] };
  },
});
