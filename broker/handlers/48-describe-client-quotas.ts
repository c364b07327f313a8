// DescribeClientQuotas: v0–v1 (v1+ flexible). Answered from this node's metadata image, as
// Kafka's brokers and controllers answer it: the filter (exact name, default, any; strict) is
// security/quotas/describe-client-quotas.ts. A refused filter answers the request's error and
// message with null entries.
import { errorCode } from "../protocol/errors.js";
import {
  describeClientQuotasRequestMeta,
  readDescribeClientQuotasRequest,
} from "../protocol/generated/describe-client-quotas-request.gen.js";
import {
  writeDescribeClientQuotasResponse,
  type DescribeClientQuotasResponse,
} from "../protocol/generated/describe-client-quotas-response.gen.js";
import { describeClientQuotas } from "../security/quotas/describe-client-quotas.js";
import { defineHandler } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

export const describeClientQuotasHandler = defineHandler({
  meta: describeClientQuotasRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readDescribeClientQuotasRequest,
  writeResponse: writeDescribeClientQuotasResponse,
  handle(request, ctx): DescribeClientQuotasResponse {
    if (!authorizeApiOnCluster(ctx)) return { throttleTimeMs: 0, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), errorMessage: null, entries: null };
    const found = describeClientQuotas(ctx.broker.metadata.image.clientQuotas.values(), request.components, request.strict);
    if (!Array.isArray(found)) {
      return { throttleTimeMs: 0, errorCode: errorCode(found.error), errorMessage: found.message, entries: null };
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      entries: found.map((q) => ({
        entity: q.entity.map((p) => ({ entityType: p.entityType, entityName: p.entityName })),
        values: [...q.values].map(([key, value]) => ({ key, value })),
      })),
    };
  },
});
