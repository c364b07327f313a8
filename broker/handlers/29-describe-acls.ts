// DescribeAcls: v0–v3 (v1 adds the pattern type filter, KIP-290; v2+ flexible). Needs DESCRIBE on
// the cluster (else CLUSTER_AUTHORIZATION_FAILED); without an authorizer SECURITY_DISABLED, with
// Kafka's message. Answers from this node's metadata image the bindings the filter selects
// (acl-filter.ts), grouped by resource pattern. Codes Kafka cannot parse close the connection.
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { describeAclsRequestMeta, readDescribeAclsRequest, type DescribeAclsRequest } from "../protocol/generated/describe-acls-request.gen.js";
import { writeDescribeAclsResponse, type DescribeAclsResource, type DescribeAclsResponse } from "../protocol/generated/describe-acls-response.gen.js";
import { ProtocolDecodeError, type Reader } from "../protocol/primitives.js";
import { matchingBindings } from "../security/authorizer/acl-filter.js";
import { requestProblem } from "../security/authorizer/acl-validation.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";
import { defineHandler } from "./handler.js";

function failure(error: KafkaErrorName, message: string | null): DescribeAclsResponse {
  return { throttleTimeMs: 0, errorCode: errorCode(error), errorMessage: message, resources: [] };
}

function readRequest(r: Reader, version: number): DescribeAclsRequest {
  const request = readDescribeAclsRequest(r, version);
  const problem = requestProblem(
    { resourceType: request.resourceTypeFilter, patternType: request.patternTypeFilter, operation: request.operation, permissionType: request.permissionType },
    version,
  );
  if (problem) throw new ProtocolDecodeError(`DescribeAcls: ${problem}`);
  return request;
}

export const describeAclsHandler = defineHandler({
  meta: describeAclsRequestMeta,
  minVersion: 0,
  maxVersion: 3,
  readRequest,
  writeResponse: writeDescribeAclsResponse,
  handle(request, ctx): DescribeAclsResponse {
    if (!authorizeApiOnCluster(ctx)) return failure("CLUSTER_AUTHORIZATION_FAILED", null);
    if (!ctx.broker.authorizer.enabled) return failure("SECURITY_DISABLED", "No Authorizer is configured on the broker");
    const resources = new Map<string, DescribeAclsResource>();
    for (const b of matchingBindings(request, ctx.broker.metadata.image.acls.values())) {
      const key = JSON.stringify([b.resourceType, b.patternType, b.resourceName]);
      let resource = resources.get(key);
      if (!resource) resources.set(key, (resource = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }));
      resource.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, resources: [...resources.values()] };
  },
});
