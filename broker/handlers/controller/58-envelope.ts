// Envelope: v0 (KIP-590), on controller listeners. A broker forwards a client's metadata change
// (CreateTopics, CreateAcls, IncrementalAlterConfigs, …) wrapped with the client's principal and
// address (forwarding-envelope.ts). Only a principal with CLUSTER_ACTION on the cluster — another
// node — may send one (else CLUSTER_AUTHORIZATION_FAILED), so a client cannot claim to be someone
// else; the embedded request is then handled as the client: its principal and host are what the
// handler authorizes. Only forwardable APIs may be embedded (INVALID_REQUEST otherwise), at a
// version this listener serves (UNSUPPORTED_VERSION); an embedded request, principal or address
// that cannot be decoded is INVALID_REQUEST. The embedded request keeps the forwarding
// connection's client id, which names the forwarding node (addressedNode).
import { errorCode, type KafkaErrorName } from "../../protocol/errors.js";
import { envelopeRequestMeta, readEnvelopeRequest } from "../../protocol/generated/envelope-request.gen.js";
import { writeEnvelopeResponse, type EnvelopeResponse } from "../../protocol/generated/envelope-response.gen.js";
import { ProtocolDecodeError } from "../../protocol/primitives.js";
import { encodeResponse, peekApiKeyAndVersion, readHeader, requestHeaderVersion, responseHeaderVersion } from "../../network/request-header.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";
import { hostFromBytes } from "../../security/client-host.js";
import { principalToString } from "../../security/principal.js";
import { deserializePrincipal } from "../../security/principal-serde.js";
import { SecuritySession } from "../../security/session.js";
import { isForwardable } from "../controller-forwarding.js";
import { defineHandler, NO_RESPONSE, type RequestContext } from "../handler.js";

function refused(error: KafkaErrorName): EnvelopeResponse {
  return { responseData: null, errorCode: errorCode(error) };
}

async function handleEmbedded(requestData: Buffer, principalBytes: Buffer | null, hostBytes: Buffer, ctx: RequestContext): Promise<EnvelopeResponse> {
  const peek = peekApiKeyAndVersion(requestData);
  if (!peek || principalBytes === null) return refused("INVALID_REQUEST");
  const handler = ctx.broker.handlers.get(peek.apiKey);
  if (!handler || !isForwardable(peek.apiKey)) {
    ctx.log.warn({ embeddedApiKey: peek.apiKey }, "envelope refused: the embedded API is not forwardable");
    return refused("INVALID_REQUEST");
  }
  if (peek.apiVersion < handler.minVersion || peek.apiVersion > handler.maxVersion) return refused("UNSUPPORTED_VERSION");
  let inner: RequestContext;
  let request: unknown;
  try {
    const session = new SecuritySession();
    session.principal = deserializePrincipal(principalBytes);
    const remoteAddress = hostFromBytes(hostBytes);
    const { header, body } = readHeader(requestData, requestHeaderVersion(peek.apiVersion, handler.meta.flexibleMinVersion));
    inner = {
      ...ctx,
      apiKey: peek.apiKey,
      apiVersion: peek.apiVersion,
      correlationId: peek.correlationId,
      connection: { ...ctx.connection, remoteAddress, remotePort: 0, session },
      log: ctx.log.child({
        api: handler.meta.name,
        v: peek.apiVersion,
        forwardedPrincipal: principalToString(session.principal),
        forwardedHost: remoteAddress,
        forwardedClientId: header.clientId,
      }),
    };
    request = handler.readRequest(body, peek.apiVersion);
  } catch (err) {
    if (!(err instanceof ProtocolDecodeError || err instanceof RangeError)) throw err;
    ctx.log.warn({ embeddedApiKey: peek.apiKey, err: err.message }, "envelope refused: undecodable embedded request");
    return refused("INVALID_REQUEST");
  }
  const response = await handler.handle(request, inner);
  if (response === NO_RESPONSE) return refused("INVALID_REQUEST");
  const headerVersion = responseHeaderVersion(peek.apiKey, peek.apiVersion, handler.meta.flexibleMinVersion);
  const frame = Buffer.concat(encodeResponse(peek.correlationId, headerVersion, (w) => handler.writeResponse(w, peek.apiVersion, response)));
  // encodeResponse frames the response for the socket (size first); the envelope carries it without.
  return { responseData: frame.subarray(4), errorCode: 0 };
}

export const envelopeHandler = defineHandler({
  meta: envelopeRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readEnvelopeRequest,
  writeResponse: writeEnvelopeResponse,
  async handle(request, ctx): Promise<EnvelopeResponse> {
    if (!authorizeApiOnCluster(ctx)) return refused("CLUSTER_AUTHORIZATION_FAILED");
    return handleEmbedded(request.requestData, request.requestPrincipal, request.clientHostAddress, ctx);
  },
});
