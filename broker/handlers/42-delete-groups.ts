// DeleteGroups: v0–v2. Deletes empty groups with their committed offsets (NON_EMPTY_GROUP while
// members remain, GROUP_ID_NOT_FOUND for an unknown id, NOT_COORDINATOR for a group coordinated
// elsewhere); answered once the tombstones are committed.
import { errorCode } from "../protocol/errors.js";
import { deleteGroupsRequestMeta, readDeleteGroupsRequest } from "../protocol/generated/delete-groups-request.gen.js";
import { writeDeleteGroupsResponse, type DeleteGroupsResponse } from "../protocol/generated/delete-groups-response.gen.js";
import { defineHandler } from "./handler.js";
import { AclOperation, authorizedNames, ResourceType } from "../security/authorizer/request-authorization.js";

export const deleteGroupsHandler = defineHandler({
  meta: deleteGroupsRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readDeleteGroupsRequest,
  writeResponse: writeDeleteGroupsResponse,
  async handle(request, ctx) {
    const deletable = authorizedNames(ctx, AclOperation.DELETE, ResourceType.GROUP, request.groupsNames);
    const results = await ctx.broker.groups.deleteGroups(request.groupsNames.filter((g) => deletable.has(g)));
    const denied = request.groupsNames.filter((g) => !deletable.has(g)).map((groupId) => ({ groupId, errorCode: errorCode("GROUP_AUTHORIZATION_FAILED") }));
    const response: DeleteGroupsResponse = {
      throttleTimeMs: 0,
      results: [...results.map((r) => ({ groupId: r.groupId, errorCode: errorCode(r.error) })), ...denied],
    };
    return response;
  },
});
