// LeaveGroup: v0–v5. v0–v2 remove one member (by member id) and answer one error: the group's, or
// else the member's, as Kafka folds them. v3+ remove a batch, by member id or — for an admin
// removing static members — by group.instance.id with an empty member id (KIP-345), with an
// error per member; v5+ carry a reason per member.
import { errorCode } from "../protocol/errors.js";
import { leaveGroupRequestMeta, readLeaveGroupRequest } from "../protocol/generated/leave-group-request.gen.js";
import { writeLeaveGroupResponse, type LeaveGroupResponse } from "../protocol/generated/leave-group-response.gen.js";
import { defineHandler } from "./handler.js";
import { AclOperation, authorize, ResourceType } from "../security/authorizer/request-authorization.js";

const BATCH_VERSION = 3;

export const leaveGroupHandler = defineHandler({
  meta: leaveGroupRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readLeaveGroupRequest,
  writeResponse: writeLeaveGroupResponse,
  handle(request, ctx) {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: errorCode("GROUP_AUTHORIZATION_FAILED"), members: [] };
    const batch = ctx.apiVersion >= BATCH_VERSION;
    const leaving = batch ? request.members : [{ memberId: request.memberId, groupInstanceId: null, reason: null }];
    const result = ctx.broker.groups.leaveGroup(request.groupId, leaving);
    if (!batch) {
      const memberError = result.members.find((m) => m.error !== "NONE")?.error ?? "NONE";
      return { throttleTimeMs: 0, errorCode: errorCode(result.error !== "NONE" ? result.error : memberError), members: [] };
    }
    const response: LeaveGroupResponse = {
      throttleTimeMs: 0,
      errorCode: errorCode(result.error),
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: errorCode(m.error) })),
    };
    return response;
  },
});
