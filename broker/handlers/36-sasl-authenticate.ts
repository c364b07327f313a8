// SaslAuthenticate: v0–v2 (v1+ carries session_lifetime_ms for KIP-368 re-authentication; v2
// is flexible). Carries one SASL token of the mechanism chosen by SaslHandshake to the
// connection's SaslAuthenticator and the server's token back. A failed authentication is
// SASL_AUTHENTICATION_FAILED with Kafka's message, logged with the user name and remote
// address; the connection closes once the answer is written (sasl-gate.ts). On success the
// session's principal becomes User:<name>. On a listener without SASL: ILLEGAL_SASL_STATE.
import { errorCode } from "../protocol/errors.js";
import { readSaslAuthenticateRequest, saslAuthenticateRequestMeta } from "../protocol/generated/sasl-authenticate-request.gen.js";
import { writeSaslAuthenticateResponse, type SaslAuthenticateResponse } from "../protocol/generated/sasl-authenticate-response.gen.js";
import { saslAuthenticatorOf } from "../security/sasl/connection-authenticator.js";
import { defineHandler } from "./handler.js";

export const saslAuthenticateHandler = defineHandler({
  meta: saslAuthenticateRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readSaslAuthenticateRequest,
  writeResponse: writeSaslAuthenticateResponse,
  handle(request, ctx): SaslAuthenticateResponse {
    const authenticator = saslAuthenticatorOf(ctx.connection, ctx.broker);
    if (!authenticator) {
      return { errorCode: errorCode("ILLEGAL_SASL_STATE"), errorMessage: "SaslAuthenticate request received on a listener without SASL", authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n };
    }
    const result = authenticator.authenticate(request.authBytes);
    const { event } = result;
    if (event.kind === "authenticated") {
      // The connection's logger already names the remote address.
      ctx.log.info({ principal: event.principal, mechanism: event.mechanism, reauthentication: event.reauthentication, sessionLifetimeMs: result.sessionLifetimeMs }, "SASL authentication succeeded");
    } else if (event.kind === "failed") {
      ctx.log.warn({ user: event.username, mechanism: event.mechanism, reason: event.reason, error: result.error }, "SASL authentication failed");
    }
    return {
      errorCode: errorCode(result.error),
      errorMessage: result.errorMessage,
      authBytes: result.authBytes,
      sessionLifetimeMs: BigInt(result.sessionLifetimeMs),
    };
  },
});
