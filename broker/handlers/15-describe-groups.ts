// DescribeGroups: v0–v5. Classic groups: state, protocol and members; member metadata and
// assignments (and the protocol name) only for a Stable group, as Kafka. A missing group — or a
// KIP-848 consumer group, which this API cannot describe before v6 — describes as "Dead" without an
// error. v3+ may ask for the authorized operations (all group operations: there is no authorizer
// yet); v4+ answer group.instance.id. A group coordinated elsewhere answers NOT_COORDINATOR, one
// still loading COORDINATOR_LOAD_IN_PROGRESS, each in its own entry.
import { errorCode } from "../protocol/errors.js";
import { describeGroupsRequestMeta, readDescribeGroupsRequest } from "../protocol/generated/describe-groups-request.gen.js";
import { writeDescribeGroupsResponse, type DescribeGroupsResponse } from "../protocol/generated/describe-groups-response.gen.js";
import { defineHandler } from "./handler.js";

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
    const operations = request.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : OPERATIONS_NOT_REQUESTED;
    const response: DescribeGroupsResponse = {
      throttleTimeMs: 0,
      groups: ctx.broker.groups.describeGroups(request.groups).map((g) => ({
        errorCode: errorCode(g.error),
        groupId: g.groupId,
        groupState: g.groupState,
        protocolType: g.protocolType,
        protocolData: g.protocolData,
        members: g.members.map((m) => ({ ...m })),
        authorizedOperations: operations,
      })),
    };
    return response;
  },
});
