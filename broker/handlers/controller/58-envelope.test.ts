// Envelope on a controller: only nodes (CLUSTER_ACTION) may send one, and the embedded request is
// authorized as the client it names — a client cannot gain the forwarding broker's rights.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../../protocol/errors.js";
import { readEnvelopeRequest, writeEnvelopeRequest, type EnvelopeRequest } from "../../protocol/generated/envelope-request.gen.js";
import { readEnvelopeResponse, writeEnvelopeResponse, type EnvelopeResponse } from "../../protocol/generated/envelope-response.gen.js";
import { createAclsRequestMeta, writeCreateAclsRequest, type CreateAclsRequest } from "../../protocol/generated/create-acls-request.gen.js";
import { readCreateAclsResponse } from "../../protocol/generated/create-acls-response.gen.js";
import { describeAclsRequestMeta, writeDescribeAclsRequest } from "../../protocol/generated/describe-acls-request.gen.js";
import { AclOperation, PatternType, PermissionType, ResourceType } from "../../security/authorizer/acl-codes.js";
import { STANDARD_AUTHORIZER_CLASS } from "../../security/authorizer/authorizer-settings.js";
import { userPrincipal } from "../../security/principal.js";
import { SecuritySession } from "../../security/session.js";
import { describeAclsHandler } from "../29-describe-acls.js";
import { createAclsHandler } from "../30-create-acls.js";
import { embeddedResponse, envelopeFor } from "../forwarding-envelope.js";
import type { RequestContext } from "../handler.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "../test-fixtures.js";
import { envelopeHandler } from "./58-envelope.js";

const CREATE_VERSION = 3;

function createAcl(principal: string, operation: number, host = "*"): CreateAclsRequest {
  return {
    creations: [{ resourceType: ResourceType.CLUSTER, resourceName: "kafka-cluster", resourcePatternType: PatternType.LITERAL, principal, host, operation, permissionType: PermissionType.ALLOW }],
  };
}

describe("Envelope", () => {
  let broker: TestBroker;
  const from = (user: string): RequestContext => {
    const session = new SecuritySession();
    session.principal = userPrincipal(user);
    return broker.context(58, 0, { connection: { id: 1, remoteAddress: "127.0.0.1", remotePort: 1, listenerName: "CONTROLLER", securityProtocol: "PLAINTEXT", session } });
  };
  const send = async (sender: string, envelope: EnvelopeRequest): Promise<EnvelopeResponse> => {
    const request = roundTripRequest(writeEnvelopeRequest, readEnvelopeRequest, 0, envelope);
    return roundTripResponse(writeEnvelopeResponse, readEnvelopeResponse, 0, (await envelopeHandler.handle(request, from(sender))) as EnvelopeResponse);
  };
  const forwardCreate = async (sender: string, client: string, host: string, request: CreateAclsRequest) => {
    const envelope = envelopeFor(createAclsRequestMeta, CREATE_VERSION, writeCreateAclsRequest, request, { principal: userPrincipal(client), host, clientId: "app" });
    return embeddedResponse(await send(sender, envelope), createAclsRequestMeta, CREATE_VERSION, readCreateAclsResponse).results[0]!.errorCode;
  };

  beforeEach(async () => {
    broker = await startTestBroker({
      config: { "authorizer.class.name": STANDARD_AUTHORIZER_CLASS, "super.users": "User:broker;User:admin" },
      handlers: [envelopeHandler, createAclsHandler, describeAclsHandler],
    });
  });
  afterEach(async () => broker.close());

  it("authorizes the embedded request as the client, not as the forwarding node", async () => {
    expect(await forwardCreate("broker", "bob", "10.0.0.7", createAcl("User:bob", AclOperation.ALTER))).toBe(errorCode("CLUSTER_AUTHORIZATION_FAILED"));
    expect(broker.services.metadata.image.acls.size).toBe(0);
    expect(await forwardCreate("broker", "admin", "10.0.0.7", createAcl("User:bob", AclOperation.ALTER, "10.0.0.7"))).toBe(0);
    // bob may now ALTER the cluster, from 10.0.0.7 only: the envelope's client address counts.
    expect(await forwardCreate("broker", "bob", "10.0.0.7", createAcl("User:carol", AclOperation.DESCRIBE))).toBe(0);
    expect(await forwardCreate("broker", "bob", "::ffff:10.0.0.8", createAcl("User:carol", AclOperation.ALTER))).toBe(errorCode("CLUSTER_AUTHORIZATION_FAILED"));
  });

  it("is refused to principals without CLUSTER_ACTION, so a client cannot claim another principal", async () => {
    const envelope = envelopeFor(createAclsRequestMeta, CREATE_VERSION, writeCreateAclsRequest, createAcl("User:bob", AclOperation.ALL), { principal: userPrincipal("admin"), host: "127.0.0.1", clientId: null });
    expect(await send("bob", envelope)).toEqual({ responseData: null, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED") });
    expect(broker.services.metadata.image.acls.size).toBe(0);
  });

  it("refuses APIs that are not forwarded, unserved versions and undecodable contents with INVALID_REQUEST / UNSUPPORTED_VERSION", async () => {
    const filter = { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 };
    const describe = envelopeFor(describeAclsRequestMeta, 3, writeDescribeAclsRequest, filter, { principal: userPrincipal("admin"), host: "127.0.0.1", clientId: null });
    expect((await send("broker", describe)).errorCode).toBe(errorCode("INVALID_REQUEST"));
    const good = envelopeFor(createAclsRequestMeta, CREATE_VERSION, writeCreateAclsRequest, createAcl("User:bob", AclOperation.ALTER), { principal: userPrincipal("admin"), host: "127.0.0.1", clientId: null });
    expect((await send("broker", { ...good, requestPrincipal: Buffer.from([0, 0, 1]) })).errorCode).toBe(errorCode("INVALID_REQUEST"));
    expect((await send("broker", { ...good, requestPrincipal: null })).errorCode).toBe(errorCode("INVALID_REQUEST"));
    expect((await send("broker", { ...good, clientHostAddress: Buffer.from([1, 2, 3]) })).errorCode).toBe(errorCode("INVALID_REQUEST"));
    expect((await send("broker", { ...good, requestData: good.requestData.subarray(0, 12) })).errorCode).toBe(errorCode("INVALID_REQUEST"));
    const future = Buffer.from(good.requestData);
    future.writeInt16BE(9, 2);
    expect((await send("broker", { ...good, requestData: future })).errorCode).toBe(errorCode("UNSUPPORTED_VERSION"));
    expect(broker.services.metadata.image.acls.size).toBe(0);
  });
});
