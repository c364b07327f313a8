// DescribeGroups: v0–v5. Classic groups: state, protocol and members; member metadata and
// assignments (and the protocol name) only for a Stable group, as Kafka. A missing group — or a
// KIP-848 consumer group, which this API cannot describe before v6 — describes as "Dead" without an
// error. v3+ may ask for the authorized operations (every group operation without an authorizer);
// v4+ answer group.instance.id. A group the principal may not DESCRIBE is GROUP_AUTHORIZATION_FAILED. A group coordinated elsewhere answers NOT_COORDINATOR, one
// still loading COORDINATOR_LOAD_IN_PROGRESS, each in its own entry.
import { errorCode } from "../protocol/errors.js";
import { describeGroupsRequestMeta, readDescribeGroupsRequest } from "../protocol/generated/describe-groups-request.gen.js";
import { writeDescribeGroupsResponse, type DescribeGroupsResponse } from "../protocol/generated/describe-groups-response.gen.js";
import { defineHandler } from "./handler.js";
import { AclOperation, authorizedNames, authorizedOperations, ResourceType } from "../security/authorizer/request-authorization.js";

/** READ, DELETE and DESCRIBE: every operation Kafka's ACLs know for a group, as AclOperation bits. */
export const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
const OPERATIONS_NOT_REQUESTED = -2147483648;

export const describeGroupsHandler = defineHandler({
  meta: describeGroupsRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readDescribeGroupsRequest,
  writeResponse: writeDescribeGroupsResponse,
  handle(request, ctx) {
    const operations = (groupId: string) =>
      request.includeAuthorizedOperations ? authorizedOperations(ctx, ResourceType.GROUP, groupId) : OPERATIONS_NOT_REQUESTED;
    const describable = authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, request.groups);
    const described = new Map(ctx.broker.groups.describeGroups(request.groups.filter((g) => describable.has(g))).map((g) => [g.groupId, g]));
    const response: DescribeGroupsResponse = {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        const g = described.get(groupId);
        if (!g) {
          return { errorCode: errorCode("GROUP_AUTHORIZATION_FAILED"), groupId, groupState: "", protocolType: "", protocolData: "", members: [], authorizedOperations: OPERATIONS_NOT_REQUESTED };
        }
        return {
          errorCode: errorCode(g.error),
          groupId: g.groupId,
          groupState: g.groupState,
          protocolType: g.protocolType,
          protocolData: g.protocolData,
          members: g.members.map((m) => ({ ...m })),
          authorizedOperations: operations(g.groupId),
        };
      }),
    };
    return response;
  },
});
