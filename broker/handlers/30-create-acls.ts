// CreateAcls: v0–v3 (v1 adds prefixed patterns, KIP-290; v2+ flexible). Needs ALTER on the
// cluster (else every creation is CLUSTER_AUTHORIZATION_FAILED); without an authorizer every
// creation is SECURITY_DISABLED. Each creation is checked on its own (acl-validation.ts:
// INVALID_REQUEST with Kafka's messages); the valid ones become AccessControlEntry records,
// committed together through the metadata quorum. A binding equal to an existing one (or to an
// earlier one of the same request) succeeds without a new record, as Kafka's controller does.
// Codes Kafka cannot parse (UNKNOWN or out of range; non-LITERAL in v0) close the connection.
// Off the quorum leader the request goes to the active controller (controller-forwarding.ts).
import type { AclBinding } from "../metadata/metadata-image.js";
import type { MetadataRecord } from "../metadata/metadata-records.js";
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import {
  createAclsRequestMeta,
  readCreateAclsRequest,
  writeCreateAclsRequest,
  type AclCreation,
  type CreateAclsRequest,
} from "../protocol/generated/create-acls-request.gen.js";
import {
  readCreateAclsResponse,
  writeCreateAclsResponse,
  type AclCreationResult,
  type CreateAclsResponse,
} from "../protocol/generated/create-acls-response.gen.js";
import { ProtocolDecodeError, randomUuid, type Reader, type Uuid } from "../protocol/primitives.js";
import { creationProblem, requestProblem } from "../security/authorizer/acl-validation.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler, type RequestContext } from "./handler.js";

function result(error: KafkaErrorName, message: string | null = null): AclCreationResult {
  return { errorCode: errorCode(error), errorMessage: message };
}

function allFailed(request: CreateAclsRequest, error: KafkaErrorName, message: string | null): CreateAclsResponse {
  return { throttleTimeMs: 0, results: request.creations.map(() => result(error, message)) };
}

function readRequest(r: Reader, version: number): CreateAclsRequest {
  const request = readCreateAclsRequest(r, version);
  for (const c of request.creations) {
    const problem = requestProblem({ resourceType: c.resourceType, patternType: c.resourcePatternType, operation: c.operation, permissionType: c.permissionType }, version);
    if (problem) throw new ProtocolDecodeError(`CreateAcls: ${problem}`);
  }
  return request;
}

/** A binding's identity: two bindings with equal fields are one ACL. */
function bindingKey(b: Omit<AclBinding, "id">): string {
  return JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType]);
}

function toBinding(id: Uuid, c: AclCreation): AclBinding {
  return {
    id,
    resourceType: c.resourceType,
    resourceName: c.resourceName,
    patternType: c.resourcePatternType,
    principal: c.principal,
    host: c.host,
    operation: c.operation,
    permissionType: c.permissionType,
  };
}

async function createAcls(request: CreateAclsRequest, ctx: RequestContext): Promise<CreateAclsResponse> {
  if (!authorizeApiOnCluster(ctx)) return allFailed(request, "CLUSTER_AUTHORIZATION_FAILED", null);
  if (!ctx.broker.authorizer.enabled) return allFailed(request, "SECURITY_DISABLED", "No Authorizer is configured.");
  const problems = request.creations.map((c) =>
    creationProblem({ resourceType: c.resourceType, patternType: c.resourcePatternType, operation: c.operation, permissionType: c.permissionType, resourceName: c.resourceName, principal: c.principal }),
  );
  const { image } = ctx.broker.metadata;
  const created = await ctx.broker.metadata.change(() => {
    const existing = new Set([...image.acls.values()].map(bindingKey));
    const records: MetadataRecord[] = [];
    const added: AclBinding[] = [];
    request.creations.forEach((c, i) => {
      if (problems[i]) return;
      const binding = toBinding(newAclId(image.acls), c);
      const key = bindingKey(binding);
      if (existing.has(key)) return;
      existing.add(key);
      records.push({ type: "accessControlEntry", record: { ...binding } });
      added.push(binding);
    });
    return { records, result: added };
  });
  if (created.length > 0) ctx.log.info({ created: created.length, ids: created.map((b) => b.id) }, "ACL bindings created");
  return {
    throttleTimeMs: 0,
    results: problems.map((problem) => (problem ? result("INVALID_REQUEST", problem) : result("NONE"))),
  };
}

function newAclId(taken: ReadonlyMap<Uuid, unknown>): Uuid {
  for (;;) {
    const id = randomUuid();
    if (!taken.has(id)) return id;
  }
}

const localCreateAclsHandler = defineHandler({
  meta: createAclsRequestMeta,
  minVersion: 0,
  maxVersion: 3,
  readRequest,
  writeResponse: writeCreateAclsResponse,
  handle: createAcls,
});

/** Off the quorum leader, the request goes to the active controller (controller-forwarding.ts). */
export const createAclsHandler = forwardedToController(localCreateAclsHandler, {
  writeRequest: writeCreateAclsRequest,
  readResponse: readCreateAclsResponse,
  refused: (request) => allFailed(request, "NOT_CONTROLLER", null),
});
