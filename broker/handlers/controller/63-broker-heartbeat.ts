// BrokerHeartbeat: v0–v1 (KIP-631; v1 offline log dirs, KIP-858). Keeps a broker's session alive
// on the active controller, which unfences it once it has replayed the metadata log up to its
// registration, and answers a controlled-shutdown request (wantShutDown) with shouldShutDown.
import { errorCode } from "../../protocol/errors.js";
import { brokerHeartbeatRequestMeta, readBrokerHeartbeatRequest } from "../../protocol/generated/broker-heartbeat-request.gen.js";
import { writeBrokerHeartbeatResponse, type BrokerHeartbeatResponse } from "../../protocol/generated/broker-heartbeat-response.gen.js";
import { defineHandler } from "../handler.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";

export const brokerHeartbeatHandler = defineHandler({
  meta: brokerHeartbeatRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readBrokerHeartbeatRequest,
  writeResponse: writeBrokerHeartbeatResponse,
  async handle(request, ctx): Promise<BrokerHeartbeatResponse> {
    if (!authorizeApiOnCluster(ctx)) {
      return { throttleTimeMs: 0, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), isCaughtUp: false, isFenced: true, shouldShutDown: false };
    }
    const controller = ctx.broker.controller;
    if (!controller) return { throttleTimeMs: 0, errorCode: errorCode("NOT_CONTROLLER"), isCaughtUp: false, isFenced: true, shouldShutDown: false };
    const result = await controller.heartbeat(request);
    return { throttleTimeMs: 0, errorCode: errorCode(result.error), isCaughtUp: result.isCaughtUp, isFenced: result.isFenced, shouldShutDown: result.shouldShutDown };
  },
});
