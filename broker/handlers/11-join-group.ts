// JoinGroup: v0–v9. Classic-protocol membership: the request is parked until the group's join
// phase completes (or answered at once: errors, MEMBER_ID_REQUIRED, a follower rejoining a stable
// group). v0 has no rebalance timeout (the session timeout stands in, as in Kafka); v4+ makes a
// new member fetch its id first with MEMBER_ID_REQUIRED (KIP-394); v5+ carries
// group.instance.id (KIP-345); v7+ answers the protocol type and a nullable protocol name; v8+
// sends a reason; v9+ may tell a rejoining static leader to skip the assignment (KIP-814).
// If the connection closes while parked, nothing is sent.
import { clientHost } from "../coordinator/group/client-host.js";
import { CONNECTION_CLOSED, untilClosed } from "../coordinator/group/parked-request.js";
import { errorCode } from "../protocol/errors.js";
import { joinGroupRequestMeta, readJoinGroupRequest } from "../protocol/generated/join-group-request.gen.js";
import { writeJoinGroupResponse, type JoinGroupResponse } from "../protocol/generated/join-group-response.gen.js";
import { defineHandler, NO_RESPONSE } from "./handler.js";
import { AclOperation, authorize, ResourceType } from "../security/authorizer/request-authorization.js";

const KNOWN_MEMBER_ID_VERSION = 4;
const SKIP_ASSIGNMENT_VERSION = 9;
const NULLABLE_PROTOCOL_NAME_VERSION = 7;

export const joinGroupHandler = defineHandler({
  meta: joinGroupRequestMeta,
  minVersion: 0,
  maxVersion: 9,
  readRequest: readJoinGroupRequest,
  writeResponse: writeJoinGroupResponse,
  async handle(request, ctx) {
    const v = ctx.apiVersion;
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) {
      const denied: JoinGroupResponse = {
        throttleTimeMs: 0,
        errorCode: errorCode("GROUP_AUTHORIZATION_FAILED"),
        generationId: -1,
        protocolType: null,
        protocolName: v >= NULLABLE_PROTOCOL_NAME_VERSION ? null : "",
        leader: "",
        skipAssignment: false,
        memberId: "",
        members: [],
      };
      return denied;
    }
    const joined = ctx.broker.groups.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocols: request.protocols,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: v === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      clientId: ctx.clientId ?? "",
      clientHost: clientHost(ctx.connection.remoteAddress),
      requireKnownMemberId: v >= KNOWN_MEMBER_ID_VERSION,
      supportsSkipAssignment: v >= SKIP_ASSIGNMENT_VERSION,
      reason: request.reason,
    });
    const result = await untilClosed(joined, ctx.closed);
    if (result === CONNECTION_CLOSED) return NO_RESPONSE;
    const response: JoinGroupResponse = {
      throttleTimeMs: 0,
      errorCode: errorCode(result.error),
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Before v7 the protocol name cannot be null.
      protocolName: v >= NULLABLE_PROTOCOL_NAME_VERSION ? result.protocolName : (result.protocolName ?? ""),
      leader: result.leader,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
    return response;
  },
});
