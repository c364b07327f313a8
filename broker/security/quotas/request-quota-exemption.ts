// Requests no client quota applies to, as in Kafka: node-to-node traffic (a follower's fetch, a
// request another node forwarded to the controller) and the SASL exchange itself, which Kafka
// handles before a request reaches its quota-checked API layer.
import { FORWARDED_CLIENT_PREFIX } from "../../handlers/controller-forwarding.js";
import { replicaIdOf } from "../../handlers/fetch/replica-fetch.js";
import type { RequestContext } from "../../handlers/handler.js";
import type { FetchRequest } from "../../protocol/generated/fetch-request.gen.js";

const FETCH = 1;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

export function isQuotaExempt(ctx: RequestContext, request: unknown): boolean {
  if (ctx.apiKey === SASL_HANDSHAKE || ctx.apiKey === SASL_AUTHENTICATE) return true;
  if (ctx.clientId?.startsWith(FORWARDED_CLIENT_PREFIX)) return true;
  return ctx.apiKey === FETCH && replicaIdOf(request as FetchRequest, ctx.apiVersion) >= 0;
}
