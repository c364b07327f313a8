// The client side of a SASL exchange over a fresh KafkaConnection (node-to-node traffic):
// SaslHandshake v1 with the mechanism, then SaslAuthenticate v1 rounds — one for PLAIN, two
// for SCRAM (whose final server message is checked). Throws SaslAuthenticationError with the
// server's error when the server refuses.
import { apiCall, type KafkaConnection } from "../../client/kafka-connection.js";
import { errorName } from "../../protocol/errors.js";
import { saslAuthenticateRequestMeta, writeSaslAuthenticateRequest } from "../../protocol/generated/sasl-authenticate-request.gen.js";
import { readSaslAuthenticateResponse } from "../../protocol/generated/sasl-authenticate-response.gen.js";
import { saslHandshakeRequestMeta, writeSaslHandshakeRequest } from "../../protocol/generated/sasl-handshake-request.gen.js";
import { readSaslHandshakeResponse } from "../../protocol/generated/sasl-handshake-response.gen.js";
import type { SaslClientCredentials } from "../client-security.js";
import { PLAIN, scramMechanismByName } from "./mechanisms.js";
import { ScramClient } from "./scram-client.js";

export class SaslAuthenticationError extends Error {}

const HANDSHAKE = apiCall(saslHandshakeRequestMeta, 1, writeSaslHandshakeRequest, readSaslHandshakeResponse);
const AUTHENTICATE = apiCall(saslAuthenticateRequestMeta, 1, writeSaslAuthenticateRequest, readSaslAuthenticateResponse);

/** Authenticates `conn`; resolves with the session lifetime the server granted (0: no expiry). */
export async function saslAuthenticate(conn: KafkaConnection, credentials: SaslClientCredentials, timeoutMs: number): Promise<number> {
  const { mechanism, username, password } = credentials;
  const handshake = await conn.send(HANDSHAKE, { mechanism }, timeoutMs);
  if (handshake.errorCode !== 0) {
    throw new SaslAuthenticationError(`${conn.address}: SASL handshake for ${mechanism} refused: ${errorName(handshake.errorCode)} (enabled: ${handshake.mechanisms.join(",")})`);
  }
  const round = async (token: Buffer) => {
    const response = await conn.send(AUTHENTICATE, { authBytes: token }, timeoutMs);
    if (response.errorCode !== 0) {
      throw new SaslAuthenticationError(`${conn.address}: SASL ${mechanism} authentication as ${username} failed: ${errorName(response.errorCode)}: ${response.errorMessage ?? ""}`);
    }
    return response;
  };
  if (mechanism === PLAIN) {
    const done = await round(Buffer.from(`\u0000${username}\u0000${password}`, "utf8"));
    return Number(done.sessionLifetimeMs);
  }
  const scram = scramMechanismByName(mechanism);
  if (!scram) throw new SaslAuthenticationError(`unsupported SASL mechanism ${mechanism}`);
  const client = new ScramClient(scram, username, password);
  const serverFirst = await round(client.firstMessage());
  const serverFinal = await round(client.finalMessage(serverFirst.authBytes));
  client.verifyServerFinal(serverFinal.authBytes);
  return Number(serverFinal.sessionLifetimeMs);
}
