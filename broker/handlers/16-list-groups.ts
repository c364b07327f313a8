// ListGroups: v0–v5. Every group this node coordinates — those of the __consumer_offsets
// partitions it leads and has loaded; clients ask every broker — classic and KIP-848 alike (a
// "simple" group that only stores offsets lists with an empty protocol type). v4+ filter by state and
// answer it; v5+ filter by type ("classic", "consumer") and answer it. Filters are
// case-insensitive, as in Kafka 4.
import { errorCode } from "../protocol/errors.js";
import { listGroupsRequestMeta, readListGroupsRequest } from "../protocol/generated/list-groups-request.gen.js";
import { writeListGroupsResponse, type ListGroupsResponse } from "../protocol/generated/list-groups-response.gen.js";
import { defineHandler } from "./handler.js";
import { AclOperation, authorize, authorizeCluster, ResourceType } from "../security/authorizer/request-authorization.js";

export const listGroupsHandler = defineHandler({
  meta: listGroupsRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readListGroupsRequest,
  writeResponse: writeListGroupsResponse,
  handle(request, ctx) {
    const result = ctx.broker.groups.listGroups(request.statesFilter, request.typesFilter);
    // DESCRIBE on the cluster lists every group; otherwise only the groups the principal may describe.
    const seesAll = authorizeCluster(ctx, AclOperation.DESCRIBE, { logIfDenied: false });
    const visible = seesAll ? result.groups : result.groups.filter((g) => authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId, { logIfDenied: false }));
    const response: ListGroupsResponse = {
      throttleTimeMs: 0,
      errorCode: errorCode(result.error),
      groups: visible.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.groupState, groupType: g.groupType })),
    };
    return response;
  },
});
