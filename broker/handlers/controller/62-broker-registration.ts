// BrokerRegistration: v0–v4 (KIP-631; v1 ZK migration flag, v2 log dirs, v3 previous broker
// epoch, v4 requires the cluster id). A broker announces itself to the active controller, which
// records it fenced and answers its broker epoch; other nodes answer NOT_CONTROLLER.
import { errorCode } from "../../protocol/errors.js";
import { brokerRegistrationRequestMeta, readBrokerRegistrationRequest } from "../../protocol/generated/broker-registration-request.gen.js";
import { writeBrokerRegistrationResponse, type BrokerRegistrationResponse } from "../../protocol/generated/broker-registration-response.gen.js";
import { defineHandler } from "../handler.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";

export const brokerRegistrationHandler = defineHandler({
  meta: brokerRegistrationRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  readRequest: readBrokerRegistrationRequest,
  writeResponse: writeBrokerRegistrationResponse,
  async handle(request, ctx): Promise<BrokerRegistrationResponse> {
    if (!authorizeApiOnCluster(ctx)) return { throttleTimeMs: 0, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), brokerEpoch: -1n };
    const controller = ctx.broker.controller;
    if (!controller) return { throttleTimeMs: 0, errorCode: errorCode("NOT_CONTROLLER"), brokerEpoch: -1n };
    const result = await controller.register({
      brokerId: request.brokerId,
      clusterId: request.clusterId,
      incarnationId: request.incarnationId,
      endpoints: request.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
      rack: request.rack,
    });
    if (result.error !== "NONE") ctx.log.info({ brokerId: request.brokerId, error: result.error }, "broker registration refused");
    return { throttleTimeMs: 0, errorCode: errorCode(result.error), brokerEpoch: result.brokerEpoch };
  },
});
