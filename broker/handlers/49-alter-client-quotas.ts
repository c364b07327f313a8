// AlterClientQuotas: v0–v1 (v1+ flexible). Decided by the active controller (forwarded there
// off the quorum leader) as Kafka's ClientQuotaControlManager decides it:
// security/quotas/alter-client-quotas.ts. Each entry is answered with its entity, NONE or
// INVALID_REQUEST and Kafka's message; the accepted entries' changes are committed together
// through the metadata quorum, unless validate_only. Every broker then enforces the new quotas
// from its image (security/quotas/client-quota-manager.ts).
import { errorCode } from "../protocol/errors.js";
import {
  alterClientQuotasRequestMeta,
  readAlterClientQuotasRequest,
  writeAlterClientQuotasRequest,
  type AlterClientQuotasRequest,
} from "../protocol/generated/alter-client-quotas-request.gen.js";
import {
  readAlterClientQuotasResponse,
  writeAlterClientQuotasResponse,
  type AlterClientQuotasResponse,
} from "../protocol/generated/alter-client-quotas-response.gen.js";
import { decideAlterations } from "../security/quotas/alter-client-quotas.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

function answer(request: AlterClientQuotasRequest, outcome: (i: number) => { code: number; message: string | null }): AlterClientQuotasResponse {
  return {
    throttleTimeMs: 0,
    entries: request.entries.map((e, i) => ({
      errorCode: outcome(i).code,
      errorMessage: outcome(i).message,
      entity: e.entity.map((p) => ({ entityType: p.entityType, entityName: p.entityName })),
    })),
  };
}

const localAlterClientQuotasHandler = defineHandler({
  meta: alterClientQuotasRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readAlterClientQuotasRequest,
  writeResponse: writeAlterClientQuotasResponse,
  async handle(request, ctx): Promise<AlterClientQuotasResponse> {
    const { metadata } = ctx.broker;
    if (!authorizeApiOnCluster(ctx)) return answer(request, () => ({ code: errorCode("CLUSTER_AUTHORIZATION_FAILED"), message: null }));
    const outcomes = await metadata.change(() => {
      const decision = decideAlterations(request.entries, metadata.image.clientQuotas);
      return { records: request.validateOnly ? [] : decision.records, result: decision.outcomes };
    });
    for (const [i, o] of outcomes.entries()) {
      if (!o.ok) ctx.log.info({ entity: request.entries[i]!.entity, reason: o.message }, "client quota alteration refused");
    }
    if (!request.validateOnly && outcomes.some((o) => o.ok)) ctx.log.info({ entries: request.entries.length }, "client quotas altered");
    return answer(request, (i) => {
      const o = outcomes[i]!;
      return o.ok ? { code: 0, message: null } : { code: errorCode("INVALID_REQUEST"), message: o.message };
    });
  },
});

/** Off the quorum leader, the request goes to the active controller (controller-forwarding.ts). */
export const alterClientQuotasHandler = forwardedToController(localAlterClientQuotasHandler, {
  writeRequest: writeAlterClientQuotasRequest,
  readResponse: readAlterClientQuotasResponse,
  refused: (request) => answer(request, () => ({ code: errorCode("NOT_CONTROLLER"), message: null })),
});
