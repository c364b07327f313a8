// SyncGroup: v0–v5. Followers are parked until the leader's assignment is stored; the leader's
// request carries every member's assignment. v3+ carries group.instance.id (KIP-345); v5+ sends
// and answers the protocol type and name, refused with INCONSISTENT_GROUP_PROTOCOL when they
// differ from the group's. If the connection closes while parked, nothing is sent.
import { CONNECTION_CLOSED, untilClosed } from "../coordinator/group/parked-request.js";
import { errorCode } from "../protocol/errors.js";
import { readSyncGroupRequest, syncGroupRequestMeta } from "../protocol/generated/sync-group-request.gen.js";
import { writeSyncGroupResponse, type SyncGroupResponse } from "../protocol/generated/sync-group-response.gen.js";
import { defineHandler, NO_RESPONSE } from "./handler.js";
import { AclOperation, authorize, ResourceType } from "../security/authorizer/request-authorization.js";

export const syncGroupHandler = defineHandler({
  meta: syncGroupRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readSyncGroupRequest,
  writeResponse: writeSyncGroupResponse,
  async handle(request, ctx) {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) {
      const denied: SyncGroupResponse = { throttleTimeMs: 0, errorCode: errorCode("GROUP_AUTHORIZATION_FAILED"), protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
      return denied;
    }
    const synced = ctx.broker.groups.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: request.assignments,
    });
    const result = await untilClosed(synced, ctx.closed);
    if (result === CONNECTION_CLOSED) return NO_RESPONSE;
    const response: SyncGroupResponse = {
      throttleTimeMs: 0,
      errorCode: errorCode(result.error),
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: result.assignment,
    };
    return response;
  },
});
