// How a broker forwards a client's request to the active controller without lending it its own
// rights: the request (header and body, at the client's version) travels inside an Envelope
// (API 58) together with the client's principal and address, as Kafka's ForwardingManager does.
// The controller accepts envelopes only from principals with CLUSTER_ACTION (other nodes) and
// authorizes the embedded request as the client (controller/58-envelope.ts).
import { errorName } from "../protocol/errors.js";
import type { EnvelopeRequest } from "../protocol/generated/envelope-request.gen.js";
import type { EnvelopeResponse } from "../protocol/generated/envelope-response.gen.js";
import { readResponseHeader } from "../protocol/generated/response-header.gen.js";
import { writeRequestHeader } from "../protocol/generated/request-header.gen.js";
import { Reader, Writer } from "../protocol/primitives.js";
import { hostToBytes } from "../security/client-host.js";
import type { KafkaPrincipal } from "../security/principal.js";
import { serializePrincipal } from "../security/principal-serde.js";
import { requestHeaderVersion, responseHeaderVersion } from "../network/request-header.js";

/** Who a forwarded request comes from. */
export interface ForwardedOrigin {
  readonly principal: KafkaPrincipal;
  /** The client's address (as the socket reports it). */
  readonly host: string;
  readonly clientId: string | null;
}

interface ApiMeta {
  readonly apiKey: number;
  readonly flexibleMinVersion: number;
}

/** The correlation id inside an envelope: the envelope's own id is what the connection matches. */
const EMBEDDED_CORRELATION_ID = 0;

export function envelopeFor<Req>(meta: ApiMeta, version: number, writeRequest: (w: Writer, v: number, o: Req) => void, request: Req, origin: ForwardedOrigin): EnvelopeRequest {
  const w = new Writer(256);
  writeRequestHeader(w, requestHeaderVersion(version, meta.flexibleMinVersion), {
    requestApiKey: meta.apiKey,
    requestApiVersion: version,
    correlationId: EMBEDDED_CORRELATION_ID,
    clientId: origin.clientId,
  });
  writeRequest(w, version, request);
  return { requestData: w.finish(), requestPrincipal: serializePrincipal(origin.principal), clientHostAddress: hostToBytes(origin.host) };
}

/** The embedded response of an answered envelope; throws with the envelope's error when it was refused. */
export function embeddedResponse<Res>(response: EnvelopeResponse, meta: ApiMeta, version: number, readResponse: (r: Reader, v: number) => Res): Res {
  if (response.errorCode !== 0 || response.responseData === null) {
    throw new Error(`the controller refused the envelope: ${errorName(response.errorCode)} (${response.errorCode})`);
  }
  const r = new Reader(response.responseData);
  readResponseHeader(r, responseHeaderVersion(meta.apiKey, version, meta.flexibleMinVersion));
  return readResponse(r, version);
}
