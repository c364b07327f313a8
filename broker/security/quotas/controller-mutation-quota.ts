// The controller mutation rate (KIP-599, controller_mutation_rate) on CreateTopics, DeleteTopics
// and CreatePartitions: each partition created or deleted takes a token from the client's bucket
// (token-bucket.ts). Clients at a version that understands THROTTLING_QUOTA_EXCEEDED (CreateTopics
// v6+, DeleteTopics v5+, CreatePartitions v3+) get the strict quota: while their bucket is in
// debt every topic of the request is refused with THROTTLING_QUOTA_EXCEEDED and throttle_time_ms
// says when to retry; a request arriving with tokens left is accepted whole. Older clients get
// the permissive quota: the request is accepted and, once the bucket is in debt, throttled.
//
// The quota is applied where the client's request arrives, before it is forwarded to the active
// controller: a forwarded request carries neither the client's principal nor its client id. Kafka
// checks the strict quota topic by topic inside the controller, so a request that crosses the
// limit has its later topics refused; here the check is per request (documented in the README).
import type { ApiHandler, RequestContext } from "../../handlers/handler.js";
import { quotaClientOf } from "./connection-throttle.js";
import { isQuotaExempt } from "./request-quota-exemption.js";

export interface MutationAdapter<Req, Res> {
  /** First version answered with THROTTLING_QUOTA_EXCEEDED (strict quota). */
  readonly strictSinceVersion: number;
  /** Validation-only requests mutate nothing and take no tokens. */
  validateOnly(request: Req): boolean;
  /** Read before handling (DeleteTopics needs the topics' sizes before they go): permits taken by the entries that succeeded. */
  permitsOf(request: Req, ctx: RequestContext): (response: Res) => number;
  /** The answer refusing every entry with THROTTLING_QUOTA_EXCEEDED. */
  throttled(request: Req, version: number, throttleTimeMs: number): Res;
}

export function withControllerMutationQuota<Req, Res extends { throttleTimeMs: number }>(
  handler: ApiHandler<Req, Res>,
  adapter: MutationAdapter<Req, Res>,
): ApiHandler<Req, Res> {
  return {
    ...handler,
    async handle(request, ctx) {
      const quotas = ctx.broker.quotas;
      const quota = quotas && !quotas.idle && !isQuotaExempt(ctx, request) ? quotas.controllerMutation(quotaClientOf(ctx)) : null;
      if (!quota || adapter.validateOnly(request)) return handler.handle(request, ctx);
      const strict = ctx.apiVersion >= adapter.strictSinceVersion;
      if (strict) {
        const owed = quota.throttleMs();
        if (owed > 0) {
          ctx.log.info({ throttleMs: owed }, "controller mutation quota exceeded: request refused");
          return adapter.throttled(request, ctx.apiVersion, owed);
        }
      }
      const permitsOf = adapter.permitsOf(request, ctx);
      const response = await handler.handle(request, ctx);
      if (typeof response !== "object") return response;
      quota.record(permitsOf(response));
      if (!strict) response.throttleTimeMs = Math.max(response.throttleTimeMs, quota.throttleMs());
      return response;
    },
  };
}
