// Heartbeat: v0–v4. Keeps a classic member's session alive; REBALANCE_IN_PROGRESS tells it to
// rejoin. v3+ carries group.instance.id (KIP-345).
import { errorCode } from "../protocol/errors.js";
import { heartbeatRequestMeta, readHeartbeatRequest } from "../protocol/generated/heartbeat-request.gen.js";
import { writeHeartbeatResponse } from "../protocol/generated/heartbeat-response.gen.js";
import { defineHandler } from "./handler.js";
import { AclOperation, authorize, ResourceType } from "../security/authorizer/request-authorization.js";

export const heartbeatHandler = defineHandler({
  meta: heartbeatRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  readRequest: readHeartbeatRequest,
  writeResponse: writeHeartbeatResponse,
  handle(request, ctx) {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: errorCode("GROUP_AUTHORIZATION_FAILED") };
    const error = ctx.broker.groups.heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
    });
    return { throttleTimeMs: 0, errorCode: errorCode(error) };
  },
});
