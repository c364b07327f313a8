// DeleteAcls: v0–v3 (v1 adds pattern type filters, KIP-290; v2+ flexible). Needs ALTER on the
// cluster (else every filter is CLUSTER_AUTHORIZATION_FAILED); without an authorizer every filter
// is SECURITY_DISABLED. Each filter (acl-filter.ts: ANY and MATCH as Kafka defines them) answers
// the bindings it matched; all matched bindings are removed with RemoveAccessControlEntry records
// committed together (a binding two filters match is removed once, reported by both). Codes
// Kafka cannot parse close the connection. Off the quorum leader the request goes to the active
// controller (controller-forwarding.ts).
import type { AclBinding } from "../metadata/metadata-image.js";
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import {
  deleteAclsRequestMeta,
  readDeleteAclsRequest,
  writeDeleteAclsRequest,
  type DeleteAclsRequest,
} from "../protocol/generated/delete-acls-request.gen.js";
import {
  readDeleteAclsResponse,
  writeDeleteAclsResponse,
  type DeleteAclsFilterResult,
  type DeleteAclsResponse,
} from "../protocol/generated/delete-acls-response.gen.js";
import { ProtocolDecodeError, type Reader, type Uuid } from "../protocol/primitives.js";
import { matchingBindings } from "../security/authorizer/acl-filter.js";
import { requestProblem } from "../security/authorizer/acl-validation.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler, type RequestContext } from "./handler.js";

function failed(error: KafkaErrorName, message: string | null): DeleteAclsFilterResult {
  return { errorCode: errorCode(error), errorMessage: message, matchingAcls: [] };
}

function allFailed(request: DeleteAclsRequest, error: KafkaErrorName, message: string | null): DeleteAclsResponse {
  return { throttleTimeMs: 0, filterResults: request.filters.map(() => failed(error, message)) };
}

function readRequest(r: Reader, version: number): DeleteAclsRequest {
  const request = readDeleteAclsRequest(r, version);
  for (const f of request.filters) {
    const problem = requestProblem({ resourceType: f.resourceTypeFilter, patternType: f.patternTypeFilter, operation: f.operation, permissionType: f.permissionType }, version);
    if (problem) throw new ProtocolDecodeError(`DeleteAcls: ${problem}`);
  }
  return request;
}

function matched(binding: AclBinding): DeleteAclsFilterResult["matchingAcls"][number] {
  return {
    errorCode: 0,
    errorMessage: null,
    resourceType: binding.resourceType,
    resourceName: binding.resourceName,
    patternType: binding.patternType,
    principal: binding.principal,
    host: binding.host,
    operation: binding.operation,
    permissionType: binding.permissionType,
  };
}

async function deleteAcls(request: DeleteAclsRequest, ctx: RequestContext): Promise<DeleteAclsResponse> {
  if (!authorizeApiOnCluster(ctx)) return allFailed(request, "CLUSTER_AUTHORIZATION_FAILED", null);
  if (!ctx.broker.authorizer.enabled) return allFailed(request, "SECURITY_DISABLED", "No Authorizer is configured.");
  const { image } = ctx.broker.metadata;
  const perFilter = await ctx.broker.metadata.change(() => {
    const matches = request.filters.map((filter) => matchingBindings(filter, image.acls.values()));
    const ids = new Set<Uuid>(matches.flat().map((b) => b.id));
    return { records: [...ids].map((id) => ({ type: "removeAccessControlEntry" as const, record: { id } })), result: matches };
  });
  const removed = new Set(perFilter.flat().map((b) => b.id));
  if (removed.size > 0) ctx.log.info({ removed: removed.size, ids: [...removed] }, "ACL bindings deleted");
  return {
    throttleTimeMs: 0,
    filterResults: perFilter.map((bindings) => ({ errorCode: 0, errorMessage: null, matchingAcls: bindings.map(matched) })),
  };
}

const localDeleteAclsHandler = defineHandler({
  meta: deleteAclsRequestMeta,
  minVersion: 0,
  maxVersion: 3,
  readRequest,
  writeResponse: writeDeleteAclsResponse,
  handle: deleteAcls,
});

/** Off the quorum leader, the request goes to the active controller (controller-forwarding.ts). */
export const deleteAclsHandler = forwardedToController(localDeleteAclsHandler, {
  writeRequest: writeDeleteAclsRequest,
  readResponse: readDeleteAclsResponse,
  refused: (request) => allFailed(request, "NOT_CONTROLLER", null),
});
